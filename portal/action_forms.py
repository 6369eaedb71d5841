"""A finance action's form, whatever the action: its fields, reading what a person typed as the API's
request body (numbers as the page's language writes them), validating it with the API's own serializer,
and rehearsing the service call in a transaction that is rolled back, for the preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from rest_framework import serializers as drf

from core.errors import Invalid
from core.parsing import plain_number

from . import api_input
from .api_input import typed_items


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # text, amount, date, number, currency, reason (a text area), amounts or dates (one per line),
    # choice (from ``choices``), check (a box)
    kind: str = "text"
    help: str = ""
    required: bool = True
    choices: tuple = ()

    @property
    def is_list(self) -> bool:
        return self.kind in ("amounts", "dates")


@dataclass(frozen=True)
class Action:
    """One finance action: its page's wording, its fields, the API's serializer that validates them,
    and the service call (``run``) that the preview rehearses and the confirmation makes."""

    title: str
    intro: str
    fields: tuple[Field, ...]
    serializer: type[drf.Serializer]
    run: Callable
    done: str
    confirm: str
    danger: bool = False
    for_administrators: bool = False
    defaults: Callable = field(default=lambda target, today: {})
    # Values the page carries as they are, beside the validated fields (an idempotency key).
    carried: tuple[str, ...] = ()
    # What the preview shows besides the rehearsal, from the service's own preview function.
    plan: Callable | None = None
    # What the preview shows from the state before and after the rehearsal (``before``, ``after``).
    explain: Callable | None = None


class _Rehearsed(Exception):  # noqa: N818 (not an error: it carries the preview out of the transaction)
    def __init__(self, snapshot):
        super().__init__()
        self.snapshot = snapshot


def rehearse(act: Callable, capture: Callable):
    """Run ``act`` inside a transaction, ``capture`` what it left, and roll all of it back."""
    try:
        with transaction.atomic():
            result = act()
            raise _Rehearsed(capture(result))
    except _Rehearsed as rehearsed:
        return rehearsed.snapshot


# --------------------------------------------------------------------------- input


def _amount_fields(action: Action) -> tuple[list[str], list[str]]:
    """The names of the action's amount fields, and of those among them that hold several."""
    amounts = [spec.name for spec in action.fields if spec.kind in ("amount", "amounts")]
    return amounts, [spec.name for spec in action.fields if spec.kind == "amounts"]


def typed_body(action: Action, post) -> dict:
    """What the page's fields hold, as the API's request body would (empty optional fields left out)."""
    body = {}
    for spec in action.fields:
        raw = post.get(spec.name, "")
        if spec.is_list:
            lines = typed_items(raw, numbers=True)
            if lines or spec.required:
                body[spec.name] = [plain_number(line) if spec.kind == "amounts" else line for line in lines]
            continue
        raw = raw.strip()
        if not raw and not spec.required:
            continue
        body[spec.name] = plain_number(raw) if spec.kind == "amount" else raw
    return body


def carried_value(spec: Field, value) -> str:
    """A field's value carried from the preview to the confirmation (several amounts on one line)."""
    if spec.is_list:
        return "; ".join(line.strip() for line in str(value).replace(";", "\n").splitlines() if line.strip())
    return str(value)


def validated(action: Action, post) -> tuple[dict, dict]:
    """The action's fields validated by its API serializer: (data, {}) or ({}, messages by field)."""
    amounts, lists = _amount_fields(action)
    try:
        return api_input.validated(action.serializer, typed_body(action, post),
                                   api_input.unreadable_numbers(post, amounts, lists)), {}
    except Invalid as refused:
        return {}, refused.errors

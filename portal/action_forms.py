"""A finance action's form, whatever the action: its fields, reading what a person typed as the API's
request body (numbers as the page's language writes them), validating it with the API's own serializer,
and rehearsing the service call in a transaction that is rolled back, for the preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from rest_framework import serializers as drf

from core.parsing import is_unreadable, number_hint, plain_number


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


def unreadable_numbers(action: Action, post) -> dict:
    """The amount fields whose numbers cannot be read, each with how to write them."""
    errors = {}
    for spec in action.fields:
        if spec.kind not in ("amount", "amounts"):
            continue
        raw = post.get(spec.name, "")
        parts = raw.replace(";", "\n").splitlines() if spec.is_list else [raw]
        if any(is_unreadable(part) for part in parts):
            errors[spec.name] = [number_hint()]
    return errors


def typed_body(action: Action, post) -> dict:
    """What the page's fields hold, as the API's request body would (empty optional fields left out)."""
    body = {}
    for spec in action.fields:
        raw = post.get(spec.name, "")
        if spec.is_list:
            lines = [line.strip() for line in raw.replace(";", "\n").splitlines() if line.strip()]
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


def messages_of(errors) -> list[str]:
    """Every message in a serializer's or a service's errors, flat."""
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in messages_of(value)]
    if isinstance(errors, list | tuple):
        return [text for value in errors for text in messages_of(value)]
    return [str(errors)]


def validated(action: Action, post) -> tuple[dict, dict]:
    serializer = action.serializer(data=typed_body(action, post))
    unreadable = unreadable_numbers(action, post)
    if serializer.is_valid() and not unreadable:
        return dict(serializer.validated_data), {}
    return {}, {**{name: messages_of(value) for name, value in serializer.errors.items()}, **unreadable}

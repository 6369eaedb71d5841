"""What a page was given, read as the API's request body and validated by the API's own serializer, so
that a form and an API call give the same answer and the same translated message.

A page hands no POST value to a service by hand: :func:`read_posted` builds the body the API would
receive for the same action (numbers as the page's language writes them turned into the API's plain
form, a list typed one item a line, empty optional fields left out so that the serializer's defaults
apply) and returns the serializer's validated data, or raises :class:`core.errors.Invalid` with the
serializer's messages by field. A number the page's language cannot read says how to write it
(:func:`core.parsing.number_hint`) instead of the plain form's message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rest_framework import serializers as drf

from core.errors import Invalid, messages_of
from core.parsing import is_unreadable, number_hint, plain_number

# Items of a list typed in one text area (dates, codes): separated by lines, spaces, commas or semicolons.
_ITEMS = re.compile(r"[\s;,]+")


def typed_items(raw: str, *, numbers: bool = False) -> list[str]:
    """The items of a list typed in one text area. Numbers are split on lines and semicolons only (a
    comma is a decimal mark in es, pt and fr, a space a thousands separator in fr)."""
    separators = r"[\n;]+" if numbers else _ITEMS
    return [item.strip() for item in re.split(separators, raw or "") if item.strip()]


def posted_body(serializer_class: type[drf.Serializer], post: Mapping, *, numbers: Iterable[str] = (),
                lists: Iterable[str] = (), files: Mapping | None = None) -> dict:
    """The API's request body for ``serializer_class`` from a page's ``post`` (and ``files``)."""
    numbers, lists = set(numbers), set(lists)
    body: dict = {}
    for name, field in serializer_class().fields.items():
        if field.read_only:
            continue
        if files is not None and name in files:
            if files[name] is not None:
                body[name] = files[name]
            continue
        if name not in post:
            continue
        if name in lists:
            items = typed_items(post.get(name, ""), numbers=name in numbers)
            if items or field.required:
                body[name] = [plain_number(item) for item in items] if name in numbers else items
            continue
        raw = str(post.get(name, "")).strip()
        if not raw and not field.required:
            continue
        body[name] = plain_number(raw) if name in numbers else raw
    return body


def unreadable_numbers(post: Mapping, numbers: Iterable[str], lists: Iterable[str] = ()) -> dict:
    """The number fields that cannot be read as the page's language writes numbers, each with how to."""
    errors = {}
    for name in numbers:
        raw = str(post.get(name, ""))
        parts = typed_items(raw, numbers=True) if name in lists else [raw]
        if any(is_unreadable(part) for part in parts):
            errors[name] = [number_hint()]
    return errors


def validated(serializer_class: type[drf.Serializer], body: Mapping, unreadable: Mapping | None = None,
              ) -> dict:
    """``body`` validated by ``serializer_class``: its data, or :class:`Invalid` with its messages by
    field (and ``unreadable``'s, which say how to write a number, in place of the serializer's)."""
    serializer = serializer_class(data=body)
    if serializer.is_valid() and not unreadable:
        return dict(serializer.validated_data)
    errors = {name: messages_of(value) for name, value in serializer.errors.items()}
    raise Invalid({**errors, **(unreadable or {})})


def read_posted(serializer_class: type[drf.Serializer], post: Mapping, *, numbers: Iterable[str] = (),
                lists: Iterable[str] = (), files: Mapping | None = None, extra: Mapping | None = None,
                ) -> dict:
    """What the page was given, validated by the API's ``serializer_class`` (see the module); ``extra``
    adds to the body what the page gathers from several inputs (a score per criterion)."""
    numbers, lists = tuple(numbers), tuple(lists)
    body = {**posted_body(serializer_class, post, numbers=numbers, lists=lists, files=files),
            **(extra or {})}
    return validated(serializer_class, body, unreadable_numbers(post, numbers, lists))

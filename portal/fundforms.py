"""The application form of a fund, derived from the fund's own fields serializer.

Each fund's rules declare its fields once (``fund.rules.fields_serializer``, each field with its label
and help) and the steps that group them (``fund.rules.form_steps``); this module turns them into
labelled HTML inputs, reads a posted step back into the fund's JSON fields and places the rules' error
messages next to the inputs they belong to. Fields no step holds go on a last "Details" step, so a fifth
fund works before anyone designs its pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# How many rows a repeated group (seasons, members, indicators) offers on the page, unless the fund's
# rules say (``form_rows``).
DEFAULT_ROWS = 5


@dataclass
class Input:
    """One HTML input: its name in the form, label, type, choices, current value and errors."""

    name: str
    label: Any
    type: str  # text, textarea, number, decimal, date, select, checkbox
    value: Any = ""
    help: Any = ""
    choices: list[tuple[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    required: bool = False

    @property
    def id(self) -> str:
        return "id_" + self.name

    @property
    def checked(self) -> bool:
        return self.value in (True, "true", "on", "True")


@dataclass
class Group:
    """A field made of several inputs: a repeated table (``rows``) or a set of sub-fields (``inputs``)."""

    name: str
    label: Any
    help: Any = ""
    columns: list[Any] = field(default_factory=list)
    rows: list[list[Input]] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def steps_for(fund) -> list[tuple[str, Any, list[str]]]:
    declared = list(fund.rules.fields_serializer().fields)
    steps = [(step.slug, step.title, [n for n in step.fields if n in declared])
             for step in fund.rules.form_steps]
    placed = {name for _, _, names in steps for name in names}
    rest = [name for name in declared if name not in placed]
    if rest:
        steps.append(("details", _("Details"), rest))
    return steps


def label_for(name: str, drf_field) -> Any:
    """The label a field of the application form carries: the field's own (DRF makes one from the
    field's name when the rules give none)."""
    return drf_field.label or name.replace("_", " ").capitalize()


def field_label(fund, name: str) -> Any:
    """The label of the fund's field ``name`` (the name itself for anything else)."""
    fields = fund.rules.fields_serializer().fields
    return label_for(name, fields[name]) if name in fields else name


def help_for(drf_field) -> Any:
    """The help beside an input: the field's page help (``style={"page_help": ...}``, for an input
    typed differently from the API's value, such as a list typed as text), else its help text."""
    return (drf_field.style or {}).get("page_help") or drf_field.help_text or ""


_label = label_for


def _input(name: str, html_name: str, drf_field, value) -> Input:
    choices: list[tuple[str, Any]] = []
    if isinstance(drf_field, serializers.ChoiceField):
        kind = "select"
        choices = [(str(key), label) for key, label in drf_field.choices.items()]
    elif isinstance(drf_field, serializers.BooleanField):
        kind = "checkbox"
    elif isinstance(drf_field, serializers.DateField):
        kind = "date"
    elif isinstance(drf_field, serializers.DecimalField):
        kind = "decimal"
    elif isinstance(drf_field, serializers.IntegerField):
        kind = "number"
    elif isinstance(drf_field, serializers.CharField) and (drf_field.max_length or 0) > 400:
        kind = "textarea"
    else:
        kind = "text"
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return Input(
        name=html_name, label=_label(name, drf_field), type=kind,
        value="" if value is None else value, help=help_for(drf_field),
        choices=choices, required=drf_field.required,
    )


def build(fund, names: list[str], data: dict[str, Any], errors: dict[str, Any] | None = None):
    """The inputs and groups of one step, filled from ``data`` with ``errors`` placed beside them."""
    fields = fund.rules.fields_serializer().fields
    errors = errors or {}
    built = []
    for name in names:
        drf_field = fields[name]
        value = data.get(name)
        field_errors = errors.get(name)
        if isinstance(drf_field, serializers.ListSerializer):
            child_fields = drf_field.child.fields
            rows_data = value if isinstance(value, list) else []
            count = max(fund.rules.form_rows.get(name, DEFAULT_ROWS), len(rows_data))
            # DRF reports row errors as a list, or as a dict by row number in a partial validation.
            if isinstance(field_errors, dict):
                row_errors = [field_errors.get(index, {}) for index in range(count)]
            else:
                row_errors = field_errors if isinstance(field_errors, list) else []
            rows = []
            for index in range(count):
                row_value = rows_data[index] if index < len(rows_data) else {}
                row_error = row_errors[index] if index < len(row_errors) and isinstance(
                    row_errors[index], dict) else {}
                row = []
                for sub, sub_field in child_fields.items():
                    item = _input(sub, f"{name}-{index}-{sub}", sub_field, row_value.get(sub))
                    item.errors = _messages(row_error.get(sub))
                    row.append(item)
                rows.append(row)
            group = Group(name=name, label=_label(name, drf_field),
                          help=help_for(drf_field),
                          columns=[_label(sub, f) for sub, f in child_fields.items()], rows=rows)
            group.errors = _messages(field_errors, skip_nested=True)
            built.append(group)
        elif isinstance(drf_field, serializers.Serializer):
            sub_value = value if isinstance(value, dict) else {}
            sub_errors = field_errors if isinstance(field_errors, dict) else {}
            inputs = []
            for sub, sub_field in drf_field.fields.items():
                item = _input(sub, f"{name}-{sub}", sub_field, sub_value.get(sub))
                item.errors = _messages(sub_errors.get(sub))
                inputs.append(item)
            group = Group(name=name, label=_label(name, drf_field), help=help_for(drf_field),
                          inputs=inputs)
            group.errors = _messages(field_errors, skip_nested=True)
            built.append(group)
        else:
            item = _input(name, name, drf_field, value)
            item.errors = _messages(field_errors)
            built.append(item)
    return built


def _messages(errors, skip_nested=False) -> list[str]:
    """Flat, readable messages from a DRF error structure (a list, or a dict of lists)."""
    if errors is None:
        return []
    if isinstance(errors, dict):
        if skip_nested:
            return _messages(errors.get("non_field_errors")) if "non_field_errors" in errors else []
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list | tuple):
        if skip_nested:
            return [str(item) for item in errors if not isinstance(item, dict | list)]
        return [message for item in errors for message in _messages(item)]
    return [str(errors)]


def read(fund, names: list[str], post) -> dict[str, Any]:
    """The fields of one step as the fund's rules take them; inputs left empty are left out."""
    fields = fund.rules.fields_serializer().fields
    result: dict[str, Any] = {}
    for name in names:
        drf_field = fields[name]
        if isinstance(drf_field, serializers.ListSerializer):
            rows = []
            index = 0
            while any(key.startswith(f"{name}-{index}-") for key in post):
                row = {sub: _clean(sub_field, post.get(f"{name}-{index}-{sub}", ""))
                       for sub, sub_field in drf_field.child.fields.items()}
                if any(row.values()):
                    rows.append({key: value for key, value in row.items() if value != ""})
                index += 1
            if rows:
                result[name] = rows
        elif isinstance(drf_field, serializers.Serializer):
            sub = {key: _clean(sub_field, post.get(f"{name}-{key}", ""))
                   for key, sub_field in drf_field.fields.items()}
            if any(sub.values()):
                result[name] = sub
        elif isinstance(drf_field, serializers.BooleanField):
            if post.get(name):
                result[name] = True
        elif isinstance(drf_field, serializers.ListField):
            raw = post.get(name, "").strip()
            if raw:
                result[name] = [part for part in re.split(r"[\s,;]+", raw) if part]
        else:
            raw = _clean(drf_field, post.get(name, ""))
            if raw:
                result[name] = raw
    return result


def _clean(drf_field, raw: str) -> str:
    """Trimmed input; a decimal typed with a comma (``1500,50``, as most of Latin America writes it)."""
    raw = (raw or "").strip()
    if isinstance(drf_field, serializers.DecimalField) and "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    return raw


def check(fund, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The fund's own validation errors for ``fields``, kept in their nested shape (empty when valid)."""
    serializer = fund.rules.fields_serializer(data=fields, partial=partial)
    if serializer.is_valid():
        return {}
    return serializer.errors


def step_of(fund, field_name: str) -> str | None:
    for slug, _title, names in steps_for(fund):
        if field_name in names:
            return slug
    return None

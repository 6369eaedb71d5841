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

from core.formats import number_input_value
from core.parsing import number_hint, plain_number

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
    if kind == "decimal":
        value = number_input_value(value)
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


ISO_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(, \d{4}-\d{2}-\d{2})*")


def shown(item: Input) -> str:
    """An answer as a person reads it: a code as its words, a number and a date as the language writes
    them, a yes-or-no as the word; "—" when empty."""
    from django.utils import formats
    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext

    value = item.value
    if item.type == "checkbox":
        return gettext("Yes") if item.checked else gettext("No")
    if value in (None, ""):
        return "—"
    if item.type == "select":
        return str(dict(item.choices).get(str(value), value))
    if item.type in ("decimal", "number"):
        raw = plain_number(value)
        return number_input_value(raw) if raw else str(value)
    if item.type == "date" or (isinstance(value, str) and ISO_DATES.fullmatch(value)):
        days = [parse_date(part.strip()) for part in str(value).split(",")]
        if all(days):
            return ", ".join(formats.date_format(day, "DATE_FORMAT") for day in days)
    return str(value)


@dataclass
class Answer:
    """One answer of the review: a label and its words, or a table of rows (``columns`` and ``rows``)."""

    label: Any
    text: str = ""
    columns: list[Any] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def answers(fund, data: dict[str, Any]) -> list[tuple[str, Any, list[Answer]]]:
    """Every answer of the application, step by step (slug, title, answers), for reading and checking."""
    result = []
    for slug, title, names in steps_for(fund):
        shown_answers = []
        for item in build(fund, names, data):
            if isinstance(item, Group) and item.is_table:
                rows = [[shown(cell) for cell in row] for row in item.rows
                        if any(cell.value not in (None, "") for cell in row)]
                shown_answers.append(Answer(label=item.label, columns=item.columns, rows=rows,
                                            text="" if rows else "—"))
            elif isinstance(item, Group):
                shown_answers.append(Answer(label=item.label, text=" · ".join(
                    f"{cell.label}: {shown(cell)}" for cell in item.inputs)))
            else:
                shown_answers.append(Answer(label=item.label, text=shown(item)))
        result.append((slug, title, shown_answers))
    return result


def error_links(items) -> list[tuple[str, Any, str]]:
    """Each error of a built step as (id of the input to focus, its label, the message), in page order."""
    links = []
    for item in items:
        if isinstance(item, Group):
            inputs = [cell for row in item.rows for cell in row] if item.is_table else item.inputs
            if item.errors and inputs:
                links.append((inputs[0].id, item.label, " ".join(item.errors)))
            for index, cell in enumerate(inputs):
                if cell.errors:
                    label = cell.label
                    if item.is_table:
                        row = index // max(1, len(item.columns)) + 1
                        label = f"{item.label} {row}: {cell.label}"
                    links.append((cell.id, label, " ".join(cell.errors)))
        elif item.errors:
            links.append((item.id, item.label, " ".join(item.errors)))
    return links


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
    """Trimmed input; a decimal as the page's language writes it (``4.000,50`` in Spanish) made plain."""
    raw = (raw or "").strip()
    if isinstance(drf_field, serializers.DecimalField | serializers.IntegerField):
        return plain_number(raw)
    return raw


def check(fund, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The fund's own validation errors for ``fields``, kept in their nested shape (empty when valid).

    A number that could not be read says how the person's language writes numbers."""
    serializer = fund.rules.fields_serializer(data=fields, partial=partial)
    if serializer.is_valid():
        return {}
    return explain_numbers(serializer.fields, serializer.errors)


def explain_numbers(fields, errors):
    """``errors`` with DRF's "a valid number is required" on decimal fields replaced by the format hint."""
    if isinstance(fields, serializers.ListSerializer):
        if isinstance(errors, dict):
            return {key: explain_numbers(fields.child, value) for key, value in errors.items()}
        if isinstance(errors, list):
            return [explain_numbers(fields.child, value) if isinstance(value, dict) else value
                    for value in errors]
        return errors
    if isinstance(fields, serializers.Serializer):
        fields = fields.fields
    if isinstance(fields, serializers.DecimalField):
        if isinstance(errors, list):
            return [number_hint() if getattr(error, "code", "") == "invalid" else error for error in errors]
        return errors
    if not isinstance(errors, dict) or not hasattr(fields, "get"):
        return errors
    return {name: explain_numbers(fields[name], value) if name in fields else value
            for name, value in errors.items()}


def step_of(fund, field_name: str) -> str | None:
    for slug, _title, names in steps_for(fund):
        if field_name in names:
            return slug
    return None

"""The common interface of a fund's rules.

Each fund is one module in this package defining a ``FundRules`` subclass: its kind, its parameters and
their defaults, the fields an application carries (a DRF serializer), the documents it needs, and its
assessment (eligibility and the maximum award). Adding a fifth fund means adding one module here and
registering it in ``funds.rules``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import Money, quantize

COMMON_PARAMETERS: dict[str, Any] = {
    # Days from submission: a warning goes out at the first, the decision is due at the second.
    "decision_warning_days": 30,
    "decision_limit_days": 45,
    # Days an OPP has, by default, to answer a request for information before the application expires.
    "information_response_days": 15,
    # Members without a conflict who must have reviewed before the chair may decide: a fraction (0.5
    # means "more than half").
    "quorum_fraction": "0.5",
    # Criteria that committee members score from 1 to 5, besides the overall score.
    "rubric": [],
    # Separation of duties: the finance officer who approves a disbursement may not pay it, unless
    # the fund relaxes it (a one-person office).
    "same_person_may_approve_and_pay": False,
    # Who records the committee's decision when the chair declared a conflict of interest: the deputy
    # chair ("deputy_chair"; the secretariat when the deputy is missing or conflicted too), or the fund
    # secretariat straight away ("secretariat").
    "conflicted_chair_replaced_by": "deputy_chair",
}

# Parameters whose value is one of a few words, not a number.
CHOICE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "conflicted_chair_replaced_by": ("deputy_chair", "secretariat"),
}


class Parameters:
    """Typed, read-only view of a fund's parameter values (decimals arrive as strings)."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_json(self) -> dict[str, Any]:
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in self._values.items()
        }


@dataclass(frozen=True)
class AssessmentContext:
    """What an assessment may depend on besides the application's own fields."""

    organization: Any
    parameters: Parameters
    on: datetime.date
    currency: str
    available: Money | None = None
    application: Any = None


@dataclass
class Assessment:
    eligible: bool
    max_award: Money | None
    reasons: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = {
            name: _json_value(value) for name, value in self.figures.items()
        }
        data["eligible"] = self.eligible
        data["max_award"] = str(self.max_award.amount) if self.max_award is not None else None
        data["currency"] = self.max_award.currency if self.max_award is not None else None
        data["reasons"] = [str(reason) for reason in self.reasons]
        return data


def _json_value(value):
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ReportDue:
    """A report an award owes: its kind (``progress``, ``final``, ``use_of_funds``, ``certificate``), its
    number among reports of that kind, and the date it is due."""

    kind: str
    sequence: int
    due_on: datetime.date


class FundRules:
    code: ClassVar[str]
    kind: ClassVar[str]
    parameter_defaults: ClassVar[dict[str, Any]] = {}
    fields_serializer: ClassVar[type[serializers.Serializer]]
    document_kinds: ClassVar[dict[str, Any]] = {}
    required_documents: ClassVar[tuple[str, ...]] = ()
    # The field holding the amount asked for (None when the fund computes it, as for the subsidy).
    requested_amount_field: ClassVar[str | None] = "requested_amount"
    # What each criterion of the default rubric means, for the committee's review form.
    criterion_labels: ClassVar[dict[str, Any]] = {}

    def criterion_label(self, code: str) -> str:
        """The criterion's name in the active language; a rubric edited in the admin may name
        criteria this module does not know, which then show as their code in words."""
        label = self.criterion_labels.get(code)
        return str(label) if label is not None else code.replace("_", " ").capitalize()

    # ------------------------------------------------------------------ parameters
    def default_parameters(self) -> dict[str, Any]:
        return {**COMMON_PARAMETERS, **self.parameter_defaults}

    def parse_parameters(self, values: dict[str, Any]) -> Parameters:
        defaults = self.default_parameters()
        unknown = set(values) - set(defaults)
        if unknown:
            raise ValueError(_("Unknown parameters: %s") % ", ".join(sorted(unknown)))
        typed = {}
        for name, default in defaults.items():
            raw = values.get(name, default)
            typed[name] = _coerce(name, raw, default)
        return Parameters(typed)

    # ------------------------------------------------------------------ fields
    def validate_fields(self, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
        """Validate the fund's fields; return them as JSON-ready values. Raises ValidationError."""
        serializer = self.fields_serializer(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return _to_json(serializer.validated_data)

    def requested_amount(self, data: dict[str, Any], currency: str) -> Money | None:
        raw = data.get(self.requested_amount_field) if self.requested_amount_field else None
        return Money(Decimal(raw), currency) if raw not in (None, "") else None

    # ------------------------------------------------------------------ assessment
    def assess(self, data: dict[str, Any], ctx: AssessmentContext) -> Assessment:
        raise NotImplementedError

    def submission_errors(self, data: dict[str, Any], ctx: AssessmentContext) -> dict[str, list]:
        """Every reason the application cannot be submitted, by field ("non_field_errors" otherwise).

        The base check is completeness against the fund's fields serializer; funds add their own.
        """
        serializer = self.fields_serializer(data=data)
        if serializer.is_valid():
            return {}
        return {name: [str(e) for e in errs] for name, errs in serializer.errors.items()}

    def decision_due(self, submitted_on: datetime.date, parameters: Parameters) -> datetime.date:
        return submitted_on + datetime.timedelta(days=parameters.decision_limit_days)

    def decision_warning(self, submitted_on: datetime.date, parameters: Parameters) -> datetime.date:
        return submitted_on + datetime.timedelta(days=parameters.decision_warning_days)

    # ------------------------------------------------------------------ after the award
    def report_requirements(self, data: dict[str, Any], *, paid_on: datetime.date,
                            parameters: Parameters) -> list[ReportDue]:
        """The reports an award owes once paid on ``paid_on`` (``reporting`` creates them)."""
        return []

    # ------------------------------------------------------------------ approval
    def approval_terms(
        self, given: dict[str, Any], *, data: dict[str, Any], parameters: Parameters, on: datetime.date
    ) -> dict[str, Any]:
        """The terms the chair's approval carries besides the amount (a loan's rate, term, ...), as
        JSON-ready values; raises ``serializers.ValidationError`` by field. A fund that gives money
        outright has none."""
        return {}


def _coerce(name: str, raw: Any, default: Any) -> Any:
    if name in CHOICE_PARAMETERS:
        if raw not in CHOICE_PARAMETERS[name]:
            raise ValueError(_("%(name)s must be one of: %(choices)s.")
                             % {"name": name, "choices": ", ".join(CHOICE_PARAMETERS[name])})
        return raw
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise ValueError(_("%s must be true or false.") % name)
        return raw
    if isinstance(default, int):
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError(_("%s must be a whole number of zero or more.") % name)
        return raw
    if isinstance(default, str):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(_("%s must be a decimal number.") % name) from None
        if not value.is_finite() or value < 0:
            raise ValueError(_("%s must be a decimal number of zero or more.") % name)
        return value
    if isinstance(default, list):
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError(_("%s must be a list of names.") % name)
        return list(raw)
    raise ValueError(name)


def _to_json(value):
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def percent(value: Decimal) -> Decimal:
    """A percentage as the API shows it: two decimal places, half-even."""
    return quantize(value, Decimal("0.01"))

"""The common interface of a fund's rules.

Each fund is one module in this package defining a ``FundRules`` subclass that holds everything
particular to the fund: its name and reference prefix, whether it lends, its parameters and their
defaults, the fields an application carries (a DRF serializer whose fields carry their own labels and
help) and the steps the application form groups them into, the documents it needs before and after the
award, its assessment (eligibility and the maximum award), the terms an approval carries, who is paid,
the deadlines and reports that follow the award. Adding a fifth fund means adding one module here and
registering it in ``funds.rules`` (``docs/adding-a-fund.md``).

The rules import nothing of the applications: what an assessment needs to know about other
applications (awards so far) arrives in the ``AssessmentContext``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol

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


class AwardsSoFar(Protocol):
    """What the fund's other applications add up to, as an assessment may need it (a cap per
    organisation and year, a yearly budget, one application per year). ``applications.selectors``
    provides it; each question is asked of the database only when the rules ask it."""

    def awarded(self, *, year: int, organization: Any = None) -> Decimal:
        """The amount the fund awarded in ``year`` (to ``organization`` only, when given)."""

    def holds_another(self, *, organization: Any, data_matches: dict[str, Any]) -> bool:
        """Whether ``organization`` has another live or awarded application to the fund whose fields
        include ``data_matches``."""


class Figures(Protocol):
    """How the page writes figures in its language: an amount of the fund's currency, a percent number
    ("30", "4.5")."""

    def money(self, amount: Any) -> str:
        """The amount in the fund's currency."""

    def percent(self, value: Any) -> str:
        """A percent number as a percentage."""


class NoAwards:
    """The awards of a fund that has none yet (an assessment made outside any application)."""

    def awarded(self, *, year: int, organization: Any = None) -> Decimal:
        return Decimal(0)

    def holds_another(self, *, organization: Any, data_matches: dict[str, Any]) -> bool:
        return False


@dataclass(frozen=True)
class AssessmentContext:
    """What an assessment may depend on besides the application's own fields."""

    organization: Any
    parameters: Parameters
    on: datetime.date
    currency: str
    available: Money | None = None
    application: Any = None
    awards: AwardsSoFar = field(default_factory=NoAwards)


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


@dataclass(frozen=True)
class DocumentDue:
    """A document the OPP owes after the award (the climate fund's final baseline) and its due date."""

    kind: str
    due_on: datetime.date


@dataclass(frozen=True)
class Step:
    """One step of the application form: its slug in the URL, its title and the fields it holds."""

    slug: str
    title: Any
    fields: tuple[str, ...]


# What a fund is: it gives money outright or lends it (a loan is repaid on a schedule).
GRANT, LOAN = "grant", "loan"
# Who receives a disbursement: the organisation itself, or a third party the application names.
PAYEE_ORGANIZATION, PAYEE_CERTIFIER = "organization", "certifier"


class FundRules:
    code: ClassVar[str]
    # The fund's name, as lists, pages, letters and the API show it.
    name: ClassVar[Any]
    # What starts its applications' references, e.g. ``JOV`` in ``JOV-2026-00042``.
    reference_prefix: ClassVar[str] = "APP"
    # ``grant`` or ``loan``: a loan fund's awards get a loan, a schedule and repayments.
    kind: ClassVar[str]
    parameter_defaults: ClassVar[dict[str, Any]] = {}
    fields_serializer: ClassVar[type[serializers.Serializer]]
    # The steps of the application form; fields left out of every step go on a last "Details" step.
    form_steps: ClassVar[tuple[Step, ...]] = ()
    # How many rows a repeated group of fields (seasons, members) offers on the form, by field.
    form_rows: ClassVar[dict[str, int]] = {}
    document_kinds: ClassVar[dict[str, Any]] = {}
    # Documents the application needs before it may be submitted.
    required_documents: ClassVar[tuple[str, ...]] = ()
    # Documents the OPP sends after the award (while the project runs), besides its project reports.
    post_award_documents: ClassVar[tuple[str, ...]] = ()
    # What a declared climate event does for the fund (``funds.rules.events``): ``claims`` opens its
    # fast-track call for loss claims, ``projects`` may open a call for response projects; None: nothing.
    declared_event_calls: ClassVar[str | None] = None
    # The field (a choice) in which an application names its purpose; a donor may restrict a
    # contribution to the fund to one of its choices. None: contributions cannot be restricted.
    purpose_field: ClassVar[str | None] = None
    # The field holding the amount asked for (None when the fund computes it, as for the subsidy).
    requested_amount_field: ClassVar[str | None] = "requested_amount"
    # What each criterion of the default rubric means, for the committee's review form.
    criterion_labels: ClassVar[dict[str, Any]] = {}

    @property
    def lends(self) -> bool:
        """Whether the fund lends (its awards are loans, repaid on a schedule)."""
        return self.kind == LOAN

    def purposes(self) -> dict[str, Any]:
        """The purposes a donor may restrict a contribution to: the choices of ``purpose_field``."""
        if not self.purpose_field:
            return {}
        return dict(self.fields_serializer().fields[self.purpose_field].choices)

    def criterion_label(self, code: str) -> str:
        """The criterion's name in the active language; a rubric edited in the admin may name
        criteria this module does not know, which then show as their code in words."""
        label = self.criterion_labels.get(code)
        return str(label) if label is not None else code.replace("_", " ").capitalize()

    # ------------------------------------------------------------------ before applying
    def limits(self, parameters: Parameters, figures: Figures) -> list[str]:
        """What the fund allows and who may apply, as sentences in the active language, from its
        parameters in force (shown before a person applies, with the decision clock and the
        documents, which every fund has)."""
        return []

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
    def payee(self, data: dict[str, Any], organization) -> tuple[str, str]:
        """Who the award is paid to, as (``organization`` or ``certifier``, name): the organisation
        unless the fund pays a third party the application names."""
        return PAYEE_ORGANIZATION, organization.legal_name

    def documents_due(self, data: dict[str, Any], *, parameters: Parameters) -> list[DocumentDue]:
        """The documents the award owes after approval, with their due dates (the OPP is reminded
        of them; one of ``post_award_documents`` each)."""
        return []

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

    def fields_from_event(self, event) -> dict[str, Any]:
        """The fields an application in a declared event's call starts with (the event's type and
        dates, for a fund whose form asks for them)."""
        return {}

    # ------------------------------------------------------------------ examples
    def example_fields(self, today: datetime.date) -> dict[str, Any] | None:
        """A complete, eligible application to the fund, as the demo fills it in (None: the demo
        leaves the fund out)."""
        return None

    # The files the lived-in demo (``organizations.demo_past``) builds in the fund, in order: each names
    # the organisation (``opp``, its Fairtrade id), the state the file reaches (``to``) and when it was
    # started (``days_ago``); a loan in arrears gives how late it is today (``late_days``) instead, and
    # ``answered`` sends a file through a request for information that the organisation answers.
    demo_past_stories: ClassVar[tuple[dict[str, Any], ...]] = ()

    def demo_past_fields(self, day: datetime.date) -> dict[str, Any] | None:
        """What an organisation of the lived-in demo fills in for the fund on ``day`` (None: the fund
        has no past in the demo)."""
        return None


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

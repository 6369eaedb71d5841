"""Build applications in any state through the real services, for tests of every part of Fondos.

    org_user = OppUserFactory()
    app = drive(fund_code="catastrophic-events", to="approved", applicant=org_user)
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.reviews import review_submit
from funds.ledger import fund_capital_add
from funds.models import Fund, FundParameters
from organizations.choices import Role
from organizations.models import StaffRole

from .factories import OppUserFactory, staff_user

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name="document.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def valid_fields(fund_code: str, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    if fund_code == "certification-subsidy":
        return {"invoice_amount": "4000.00", "invoice_currency": "USD", "invoice_number": "FC-2026-118",
                "certifier": "FLOCERT GmbH", "certification_year": today.year}
    if fund_code == "youth-revolving":
        born = today.replace(year=today.year - 25)
        return {
            "project_title": "Vivero de café joven", "project_description": "Un vivero de plántulas.",
            "value_chain_link": "Renueva los cafetales de la cooperativa.",
            "requested_amount": "3000.00", "term_months": 12, "grace_months": 0,
            "repayment_frequency": "monthly", "accepts_fund_rules": True,
            "members": [
                {"name": "Ana López", "birth_date": born.isoformat(), "gender": "female"},
                {"name": "Luis Pérez", "birth_date": born.isoformat(), "gender": "male"},
                {"name": "Rosa Díaz", "birth_date": born.isoformat(), "gender": "female"},
            ],
        }
    if fund_code == "climate-eventuality":
        return {
            "purpose": "adaptation", "project_description": "Sistemas de riego por goteo.",
            "requested_amount": "8000.00",
            "project_end_date": (today + datetime.timedelta(days=365)).isoformat(),
            "baseline": [{"indicator": "Hectáreas con riego", "value": "12", "unit": "ha"}],
            "commits_to_final_baseline": True, "accepts_fund_rules": True,
        }
    if fund_code == "catastrophic-events":
        return {
            "crop": "coffee", "event_type": "hurricane",
            "event_start": (today - datetime.timedelta(days=30)).isoformat(),
            "event_end": (today - datetime.timedelta(days=28)).isoformat(),
            "event_description": "El huracán destruyó cafetales.",
            "season_productions": [{"season": "2021-22", "volume": "1000"},
                                   {"season": "2022-23", "volume": "1000"},
                                   {"season": "2023-24", "volume": "1000"}],
            "affected_season_volume": "600", "unit": "qq", "reference_price": "150.00",
            "affected_producers": {"women": 40, "men": 60, "youth": 25},
            "accepts_fund_rules": True,
        }
    raise ValueError(fund_code)


@dataclass
class Cast:
    """The people around one fund: a secretariat, a committee of three (the last is the chair), and
    two finance officers: ``treasurer`` approves disbursements that ``finance`` pays (separation of
    duties)."""

    secretariat: object
    members: list
    chair: object
    finance: object
    treasurer: object = None


def _finance_officers() -> tuple:
    """Two finance officers, the same ones every time."""
    officers = [role.user for role in StaffRole.objects.active().filter(role=Role.FINANCE)
                .select_related("user").order_by("id")]
    while len(officers) < 2:
        officers.append(staff_user(Role.FINANCE))
    return officers[0], officers[1]


def cast_for(fund_code: str) -> Cast:
    """The fund's people: made on first use, the same ones afterwards (a fund has one chair)."""
    roles = StaffRole.objects.active().select_related("user")
    chair = roles.filter(fund__code=fund_code, role=Role.COMMITTEE_CHAIR).first()
    if chair is not None:
        members = [r.user for r in roles.filter(fund__code=fund_code, role=Role.COMMITTEE_MEMBER)]
        finance, treasurer = _finance_officers()
        return Cast(
            secretariat=roles.filter(role=Role.SECRETARIAT).first().user,
            members=[*members, chair.user], chair=chair.user, finance=finance, treasurer=treasurer,
        )
    members = [staff_user(Role.COMMITTEE_MEMBER, fund_code) for _ in range(2)]
    chair = staff_user(Role.COMMITTEE_CHAIR, fund_code)
    secretariat = roles.filter(role=Role.SECRETARIAT).first()
    finance, treasurer = _finance_officers()
    return Cast(
        secretariat=secretariat.user if secretariat else staff_user(Role.SECRETARIAT),
        members=[*members, chair], chair=chair, finance=finance, treasurer=treasurer,
    )


def relax_separation_of_duties(fund_code: str) -> None:
    """A one-person office: the fund lets the officer who approves a disbursement pay it too."""
    fund = Fund.objects.get(code=fund_code)
    today = timezone.localdate()
    current = fund.parameters_on(today).as_json()
    FundParameters.objects.update_or_create(
        fund=fund, valid_from=today,
        defaults={"values": {**current, "same_person_may_approve_and_pay": True},
                  "note": "One-person office"},
    )


def ensure_capital(fund_code: str, amount: Decimal = Decimal("500000.00")) -> Fund:
    fund = Fund.objects.get(code=fund_code)
    if not fund.ledger_transactions.exists():
        fund_capital_add(fund=fund, amount=amount, memo="Test capital")
    return fund


STATES_IN_ORDER = ["draft", "submitted", "screening", "committee_review", "approved",
                   "conditions_accepted"]


def drive(*, fund_code: str, to: str, applicant=None, cast: Cast | None = None, fields=None,
          amount=None, terms=None):
    """An application of ``fund_code`` moved through the services up to state ``to``."""
    applicant = applicant or OppUserFactory()
    cast = cast or cast_for(fund_code)
    fund = ensure_capital(fund_code)
    application = services.application_create(
        fund=fund, organization=applicant.organization, by=applicant,
        fields=fields if fields is not None else valid_fields(fund_code),
    )
    for kind in fund.rules.required_documents:
        services.document_upload(application_id=application.pk, by=applicant, kind=kind,
                                 upload=pdf_upload(f"{kind}.pdf"))
    target = STATES_IN_ORDER.index(to)
    steps = [
        lambda: services.application_submit(application_id=application.pk, by=applicant),
        lambda: services.application_start_screening(application_id=application.pk, by=cast.secretariat),
        lambda: services.application_send_to_committee(application_id=application.pk, by=cast.secretariat),
        lambda: _review_and_approve(application, cast, amount, terms),
        lambda: services.application_accept_conditions(application_id=application.pk, by=applicant),
    ]
    for step in steps[:target]:
        step()
    application.refresh_from_db()
    application.applicant = applicant
    application.cast = cast
    return application


def approved_on(application, day: datetime.date) -> None:
    """Move an award's approval back to ``day``, for tests that pay it in the past: no payment may be
    dated before its approval."""
    from applications.models import Application

    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Application.objects.filter(pk=application.pk).update(decided_at=moment)
    application.decided_at = moment


def review_all(application, cast: Cast, recommendation="approve"):
    for member in cast.members:
        review_submit(application_id=application.pk, by=member, score=4,
                      recommendation=recommendation, comment="Bien fundamentada.")


def _review_and_approve(application, cast, amount, terms):
    review_all(application, cast)
    return services.application_approve(application_id=application.pk, by=cast.chair, amount=amount,
                                        reason="Cumple los criterios.", terms=terms or {})



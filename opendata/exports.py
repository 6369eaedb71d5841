"""The open-data files, produced as streams of text chunks.

- 360Giving (https://standard.threesixtygiving.org): the awarded grants of the grant funds, as a JSON
  package and as the standard's flattened CSV.
- IATI 2.03 (https://iatistandard.org): one activity per award of every fund, with its commitment,
  disbursements, loan repayments and interest, and each loan's terms and status.

Recipients are organisations only. Amounts are written from their Decimal, never through float.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.utils import timezone, translation

from applications.workflow import Status
from disbursements.models import LIVE_LOAN_STATES, LoanStatus

from . import selectors

GIVING_VERSION = "1.4"
GIVING_CSV_COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Country",
    "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Code", "Grant Programme:Title",
    "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Last modified",
)
# IATI codelists: TransactionType, OrganisationType, FinanceType, ActivityStatus, ActivityDateType.
COMMITMENT, DISBURSEMENT, INTEREST_PAYMENT, LOAN_REPAYMENT = "2", "3", "5", "6"
REGIONAL_NGO = "21"
STANDARD_GRANT, STANDARD_LOAN = "110", "421"
IMPLEMENTATION, FINALISATION, CLOSED = "2", "3", "4"
ACTUAL_START = "2"


def _prefix() -> str:
    return settings.FONDOS_OPEN_DATA_PREFIX


def _organisation_id(organization) -> str:
    return f"{_prefix()}-OPP-{organization.fairtrade_id}"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _award_date(application) -> datetime.date:
    return timezone.localdate(application.decided_at)


def _grant(application, *, funder: dict) -> dict:
    organization = application.organization
    fund_name = str(application.fund.name)
    return {
        "id": f"{_prefix()}-{application.reference}",
        "title": f"{fund_name}: {application.reference}",
        "description": f"{fund_name}, awarded to {organization.legal_name} ({organization.country}).",
        "currency": application.currency,
        "awardDate": _award_date(application).isoformat(),
        "recipientOrganization": [{
            "id": _organisation_id(organization),
            "name": organization.legal_name,
            "addressCountry": organization.country,
        }],
        "fundingOrganization": [funder],
        "grantProgramme": [{"code": application.fund.code, "title": fund_name}],
        "beneficiaryLocation": [{"name": organization.country, "countryCode": organization.country}],
    }


def _funder() -> dict:
    return {"id": settings.FONDOS_IATI_ORGANISATION_ID, "name": settings.FONDOS_OPEN_DATA_PUBLISHER}


def giving_json() -> Iterator[str]:
    """The 360Giving package: ``{"version", "grants": [...]}``, one grant per awarded application."""
    funder = _funder()
    with translation.override("en"):
        yield json.dumps({"version": GIVING_VERSION})[:-1] + ', "grants": ['
        separator = ""
        for chunk in selectors.in_chunks(selectors.awarded_grants()):
            parts = []
            for application in chunk:
                text = json.dumps(_grant(application, funder=funder), ensure_ascii=False)
                # The amount is a JSON number written from the Decimal itself.
                amount = _amount(application.approved_amount)
                parts.append(f'{separator}{text[:-1]}, "amountAwarded": {amount}}}')
                separator = ", "
            yield "".join(parts)
        yield "]}\n"


class _Line:
    def write(self, value: str) -> str:
        return value


def giving_csv() -> Iterator[str]:
    """The same grants in 360Giving's flattened CSV (its column titles, one row per grant)."""
    writer = csv.writer(_Line())
    funder = _funder()
    with translation.override("en"):
        yield writer.writerow(GIVING_CSV_COLUMNS)
        for chunk in selectors.in_chunks(selectors.awarded_grants()):
            rows = []
            for application in chunk:
                grant = _grant(application, funder=funder)
                recipient, programme = grant["recipientOrganization"][0], grant["grantProgramme"][0]
                location = grant["beneficiaryLocation"][0]
                rows.append(writer.writerow((
                    grant["id"], grant["title"], grant["description"], grant["currency"],
                    _amount(application.approved_amount), grant["awardDate"],
                    recipient["id"], recipient["name"], recipient["addressCountry"],
                    funder["id"], funder["name"], programme["code"], programme["title"],
                    location["name"], location["countryCode"], "",
                )))
            yield "".join(rows)


def _narrative(text: str) -> str:
    return f"<narrative>{escape(text)}</narrative>"


def _value(amount: Decimal, currency: str, on: datetime.date) -> str:
    return f'<value currency={quoteattr(currency)} value-date="{on.isoformat()}">{_amount(amount)}</value>'


def _transaction(kind: str, on: datetime.date, amount: Decimal, currency: str, receiver: str) -> str:
    return (
        f'<transaction><transaction-type code="{kind}"/><transaction-date iso-date="{on.isoformat()}"/>'
        f"{_value(amount, currency, on)}{receiver}</transaction>"
    )


def _activity_status(application, loan) -> str:
    loan_ended = loan is not None and loan.status in (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)
    if application.status == Status.CLOSED or loan_ended:
        return CLOSED
    if application.status == Status.REPORTING:
        return FINALISATION
    return IMPLEMENTATION


def _activity(application, *, payments, repayments, loan, today: datetime.date, reporter: str) -> str:
    organization = application.organization
    fund_name = str(application.fund.name)
    awarded_on = _award_date(application)
    currency = application.currency
    receiver = (
        f"<receiver-org ref={quoteattr(_organisation_id(organization))}>"
        f"{_narrative(organization.legal_name)}</receiver-org>"
    )
    parts = [
        f"<iati-activity last-updated-datetime=\"{application.decided_at.isoformat(timespec='seconds')}\""
        f' xml:lang="en" default-currency={quoteattr(currency)}>',
        f"<iati-identifier>{escape(reporter)}-{application.reference}</iati-identifier>",
        f"<reporting-org ref={quoteattr(reporter)} type=\"{REGIONAL_NGO}\">"
        f"{_narrative(settings.FONDOS_OPEN_DATA_PUBLISHER)}</reporting-org>",
        f"<title>{_narrative(f'{fund_name}: {application.reference}')}</title>",
        f"<description>{_narrative(f'{fund_name}, awarded to {organization.legal_name}.')}</description>",
        f'<participating-org ref={quoteattr(reporter)} role="1">'
        f"{_narrative(settings.FONDOS_OPEN_DATA_PUBLISHER)}</participating-org>",
        f'<participating-org ref={quoteattr(_organisation_id(organization))} role="4">'
        f"{_narrative(organization.legal_name)}</participating-org>",
        f'<activity-status code="{_activity_status(application, loan)}"/>',
        f'<activity-date iso-date="{awarded_on.isoformat()}" type="{ACTUAL_START}"/>',
        f"<recipient-country code={quoteattr(organization.country)} percentage=\"100\"/>",
        f'<default-finance-type code="{STANDARD_LOAN if loan else STANDARD_GRANT}"/>',
        _transaction(COMMITMENT, awarded_on, application.approved_amount, currency, receiver),
    ]
    for payment in payments:
        amount = payment["paid_amount"] if payment["paid_amount"] is not None else payment["amount"]
        parts.append(_transaction(DISBURSEMENT, payment["paid_on"], amount, currency, receiver))
    for repayment in repayments:
        for kind, amount in ((LOAN_REPAYMENT, repayment["principal"]),
                             (INTEREST_PAYMENT, repayment["interest"])):
            if amount:
                parts.append(_transaction(kind, repayment["paid_on"], amount, currency, ""))
    if loan is not None:
        parts.append(_loan(loan, awarded_on=awarded_on, today=today))
    parts.append("</iati-activity>")
    return "".join(parts)


def _loan(loan, *, awarded_on: datetime.date, today: datetime.date) -> str:
    terms = (
        f'<loan-terms rate-1="{loan.annual_interest_rate}">'
        f'<commitment-date iso-date="{awarded_on.isoformat()}"/>'
        "</loan-terms>"
    )
    if loan.status == LoanStatus.PENDING:
        return f"<crs-add>{terms}</crs-add>"
    live = loan.status in LIVE_LOAN_STATES
    zero = Decimal("0.00")
    outstanding = loan.principal_owed if live else zero
    principal_arrears = loan.principal_arrears if live else zero
    interest_arrears = (loan.arrears - loan.principal_arrears) if live else zero
    status = (
        f'<loan-status year="{today.year}" currency={quoteattr(loan.currency)}'
        f' value-date="{today.isoformat()}">'
        f"<interest-received>{_amount(loan.interest_received)}</interest-received>"
        f"<principal-outstanding>{_amount(outstanding)}</principal-outstanding>"
        f"<principal-arrears>{_amount(principal_arrears)}</principal-arrears>"
        f"<interest-arrears>{_amount(interest_arrears)}</interest-arrears>"
        "</loan-status>"
    )
    return f"<crs-add>{terms}{status}</crs-add>"


def iati_xml() -> Iterator[str]:
    """The IATI 2.03 activities file of every award, grants and loans."""
    today = timezone.localdate()
    reporter = settings.FONDOS_IATI_ORGANISATION_ID
    generated = timezone.now().replace(microsecond=0).isoformat()
    with translation.override("en"):
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<iati-activities version="2.03" generated-datetime="{generated}">\n'
        )
        for chunk in selectors.in_chunks(selectors.awarded_activities()):
            ids = [application.id for application in chunk]
            payments = selectors.paid_disbursements_by_application(ids, on=today)
            repayments = selectors.repayments_by_application(ids, on=today)
            loans = selectors.loans_by_application(ids, on=today)
            yield "\n".join(
                _activity(
                    application,
                    payments=payments.get(application.id, ()),
                    repayments=repayments.get(application.id, ()),
                    loan=loans.get(application.id),
                    today=today,
                    reporter=reporter,
                )
                for application in chunk
            ) + "\n"
        yield "</iati-activities>\n"

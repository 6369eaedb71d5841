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
import functools
import json
from collections.abc import Iterator
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.utils import timezone, translation

from applications.models import reference_in_year
from applications.workflow import Status
from disbursements.models import LIVE_LOAN_STATES, LoanStatus
from funds.rules import rules_for

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


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


class _Funds:
    """Each fund's name, read once per export (in the language active then): an award row carries only
    its fund's code."""

    def __init__(self):
        self._names = {}

    def name(self, code: str) -> str:
        name = self._names.get(code)
        if name is None:
            name = self._names[code] = str(rules_for(code).name)
        return name


class _Award:
    """What every file says of an award row (``selectors.AWARD_ROW``): its reference, fund name, date
    and recipient's identifier."""

    __slots__ = ("row", "reference", "fund_name", "awarded_on", "organisation_id")

    def __init__(self, row: dict, funds: _Funds, prefix: str):
        self.row = row
        self.reference = reference_in_year(row["fund__code"], row["created_year"], row["id"])
        self.fund_name = funds.name(row["fund__code"])
        self.awarded_on = row["awarded_on"]
        self.organisation_id = f"{prefix}-OPP-{row['organization__fairtrade_id']}"


def _awards(queryset, *, decided_at: bool = False) -> Iterator[list[_Award]]:
    """The awards of ``queryset`` in chunks, read as plain rows."""
    funds, prefix = _Funds(), _prefix()
    for chunk in selectors.award_rows(queryset, decided_at=decided_at):
        yield [_Award(row, funds, prefix) for row in chunk]


def _grant(award: _Award, *, prefix: str, funder: dict) -> dict:
    row, fund_name = award.row, award.fund_name
    legal_name, country = row["organization__legal_name"], row["organization__country"]
    return {
        "id": f"{prefix}-{award.reference}",
        "title": f"{fund_name}: {award.reference}",
        "description": f"{fund_name}, awarded to {legal_name} ({country}).",
        "currency": row["currency"],
        "awardDate": award.awarded_on.isoformat(),
        "recipientOrganization": [
            {"id": award.organisation_id, "name": legal_name, "addressCountry": country}
        ],
        "fundingOrganization": [funder],
        "grantProgramme": [{"code": row["fund__code"], "title": fund_name}],
        "beneficiaryLocation": [{"name": country, "countryCode": country}],
    }


def _funder() -> dict:
    return {"id": settings.FONDOS_IATI_ORGANISATION_ID, "name": settings.FONDOS_OPEN_DATA_PUBLISHER}


def giving_json() -> Iterator[str]:
    """The 360Giving package: ``{"version", "grants": [...]}``, one grant per awarded application."""
    funder, prefix = _funder(), _prefix()
    dumps = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False)
    with translation.override("en"):
        yield json.dumps({"version": GIVING_VERSION})[:-1] + ', "grants": ['
        separator = ""
        for chunk in _awards(selectors.awarded_grants()):
            parts = []
            for award in chunk:
                text = dumps(_grant(award, prefix=prefix, funder=funder))
                # The amount is a JSON number written from the Decimal itself.
                amount = _amount(award.row["approved_amount"])
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
    funder, prefix = _funder(), _prefix()
    with translation.override("en"):
        yield writer.writerow(GIVING_CSV_COLUMNS)
        for chunk in _awards(selectors.awarded_grants()):
            rows = []
            for award in chunk:
                grant = _grant(award, prefix=prefix, funder=funder)
                recipient, programme = grant["recipientOrganization"][0], grant["grantProgramme"][0]
                location = grant["beneficiaryLocation"][0]
                rows.append(writer.writerow((
                    grant["id"], grant["title"], grant["description"], grant["currency"],
                    _amount(award.row["approved_amount"]), grant["awardDate"],
                    recipient["id"], recipient["name"], recipient["addressCountry"],
                    funder["id"], funder["name"], programme["code"], programme["title"],
                    location["name"], location["countryCode"], "",
                )))
            yield "".join(rows)


def _narrative(text: str) -> str:
    return f"<narrative>{escape(text)}</narrative>"


# Codes (currency, country) and fund names come from short lists: each is escaped once.
_quoted = functools.lru_cache(maxsize=512)(quoteattr)
_escaped = functools.lru_cache(maxsize=512)(escape)


def _transaction(kind: str, on: datetime.date, amount: Decimal, currency: str, receiver: str) -> str:
    day = on.isoformat()
    return (
        f'<transaction><transaction-type code="{kind}"/><transaction-date iso-date="{day}"/>'
        f'<value currency={currency} value-date="{day}">{amount:.2f}</value>{receiver}</transaction>'
    )


def _activity_status(status: str, loan: dict | None) -> str:
    loan_ended = loan is not None and loan["status"] in (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)
    if status == Status.CLOSED or loan_ended:
        return CLOSED
    if status == Status.REPORTING:
        return FINALISATION
    return IMPLEMENTATION


class _Reporter:
    """The parts of an activity that name the publisher, written once per file."""

    def __init__(self, ref: str):
        self.ref = ref
        self.identifier_prefix = f"{escape(ref)}-"
        publisher = _narrative(settings.FONDOS_OPEN_DATA_PUBLISHER)
        self.reporting_org = (
            f'<reporting-org ref={quoteattr(ref)} type="{REGIONAL_NGO}">{publisher}</reporting-org>'
        )
        self.funding_org = f'<participating-org ref={quoteattr(ref)} role="1">{publisher}</participating-org>'


def _activity(award: _Award, *, payments, repayments, loan: dict | None, today: datetime.date,
              reporter: _Reporter) -> str:
    row, reference, awarded_on = award.row, award.reference, award.awarded_on
    # Escaping is character by character: the parts of a text are escaped apart, each once.
    fund_name, legal_name = _escaped(award.fund_name), escape(row["organization__legal_name"])
    currency = _quoted(row["currency"])
    organisation_ref = quoteattr(award.organisation_id)
    recipient = f"<narrative>{legal_name}</narrative>"
    receiver = f"<receiver-org ref={organisation_ref}>{recipient}</receiver-org>"
    parts = [
        f"<iati-activity last-updated-datetime=\"{row['decided_at'].isoformat(timespec='seconds')}\""
        f' xml:lang="en" default-currency={currency}>',
        f"<iati-identifier>{reporter.identifier_prefix}{reference}</iati-identifier>",
        reporter.reporting_org,
        f"<title><narrative>{fund_name}: {escape(reference)}</narrative></title>",
        f"<description><narrative>{fund_name}, awarded to {legal_name}.</narrative></description>",
        reporter.funding_org,
        f'<participating-org ref={organisation_ref} role="4">{recipient}</participating-org>',
        f'<activity-status code="{_activity_status(row["status"], loan)}"/>',
        f'<activity-date iso-date="{awarded_on.isoformat()}" type="{ACTUAL_START}"/>',
        f"<recipient-country code={_quoted(row['organization__country'])} percentage=\"100\"/>",
        f'<default-finance-type code="{STANDARD_LOAN if loan else STANDARD_GRANT}"/>',
        _transaction(COMMITMENT, awarded_on, row["approved_amount"], currency, receiver),
    ]
    for paid_on, amount in payments:
        parts.append(_transaction(DISBURSEMENT, paid_on, amount, currency, receiver))
    interest_received = Decimal("0.00")
    for paid_on, principal, interest in repayments:
        if principal:
            parts.append(_transaction(LOAN_REPAYMENT, paid_on, principal, currency, ""))
        if interest:
            parts.append(_transaction(INTEREST_PAYMENT, paid_on, interest, currency, ""))
        interest_received += interest
    if loan is not None:
        parts.append(_loan(loan, interest_received=interest_received, awarded_on=awarded_on, today=today))
    parts.append("</iati-activity>")
    return "".join(parts)


def _loan(loan: dict, *, interest_received: Decimal, awarded_on: datetime.date, today: datetime.date) -> str:
    terms = (
        f'<loan-terms rate-1="{loan["annual_interest_rate"]}">'
        f'<commitment-date iso-date="{awarded_on.isoformat()}"/>'
        "</loan-terms>"
    )
    if loan["status"] == LoanStatus.PENDING:
        return f"<crs-add>{terms}</crs-add>"
    live = loan["status"] in LIVE_LOAN_STATES
    zero = Decimal("0.00")
    outstanding = loan["principal_owed"] if live else zero
    principal_arrears = loan["principal_arrears"] if live else zero
    interest_arrears = (loan["arrears"] - loan["principal_arrears"]) if live else zero
    status = (
        f'<loan-status year="{today.year}" currency={quoteattr(loan["currency"])}'
        f' value-date="{today.isoformat()}">'
        f"<interest-received>{_amount(interest_received)}</interest-received>"
        f"<principal-outstanding>{_amount(outstanding)}</principal-outstanding>"
        f"<principal-arrears>{_amount(principal_arrears)}</principal-arrears>"
        f"<interest-arrears>{_amount(interest_arrears)}</interest-arrears>"
        "</loan-status>"
    )
    return f"<crs-add>{terms}{status}</crs-add>"


def iati_xml() -> Iterator[str]:
    """The IATI 2.03 activities file of every award, grants and loans: per chunk of awards, one query
    each for their paid tranches, their repayments and their loans."""
    today = timezone.localdate()
    reporter = _Reporter(settings.FONDOS_IATI_ORGANISATION_ID)
    generated = timezone.now().replace(microsecond=0).isoformat()
    with translation.override("en"):
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<iati-activities version="2.03" generated-datetime="{generated}">\n'
        )
        for chunk in _awards(selectors.awarded_activities(), decided_at=True):
            first, last = chunk[0].row["id"], chunk[-1].row["id"]
            payments = selectors.paid_disbursements_between(first, last, on=today)
            repayments = selectors.repayments_between(first, last, on=today)
            loans = selectors.loan_figures_between(first, last, on=today)
            for award in chunk:  # an activity at a time: a chunk's activities together weigh megabytes
                yield _activity(
                    award,
                    payments=payments.get(award.row["id"], ()),
                    repayments=repayments.get(award.row["id"], ()),
                    loan=loans.get(award.row["id"]),
                    today=today,
                    reporter=reporter,
                ) + "\n"
        yield "</iati-activities>\n"

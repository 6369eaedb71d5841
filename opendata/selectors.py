"""Reads for the open-data exports: the awards, streamed in chunks, and what happened to each.

Only organisations appear: an application's fund fields (which may name youth members) are never read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncDate

from applications.models import Application
from applications.workflow import AWARDED
from disbursements.models import Disbursement, DisbursementStatus, Loan, Repayment
from disbursements.selectors import MONEY, ZERO, with_loan_figures
from funds.models import LedgerTransaction
from funds.rules import RULES

# Awards read per query (and per query of what happened to them): memory stays flat in the number of
# awards, and the number of queries grows only with the number of chunks.
CHUNK = 1000

# What the exports read of an award, as plain rows (no model instances, no fund instance: a fund's name
# and reference prefix come from its rules). Timestamps are read as the exports need them, as a date or
# a year, because loading a timestamp costs more than the rest of the row.
AWARD_ROW = (
    "id", "status", "currency", "approved_amount", "fund__code",
    "organization__legal_name", "organization__country", "organization__fairtrade_id",
)


def _award_row_extras() -> dict:
    """``created_year`` (the reference's year: ``created_at.year``, which reads UTC) and ``awarded_on``
    (``timezone.localdate(decided_at)``)."""
    return {
        "created_year": ExtractYear("created_at", tzinfo=datetime.UTC),
        "awarded_on": TruncDate("decided_at"),
    }


def grant_fund_codes() -> list[str]:
    """The funds whose rules give rather than lend."""
    return [code for code, rules in RULES.items() if not rules.lends]


def _awards() -> QuerySet[Application]:
    return Application.objects.filter(
        status__in=AWARDED, approved_amount__isnull=False, decided_at__isnull=False
    ).order_by("id")


def awarded_grants() -> QuerySet[Application]:
    """The awards of the grant funds, oldest first."""
    return _awards().filter(fund__code__in=grant_fund_codes())


def awarded_activities() -> QuerySet[Application]:
    """Every award, grant or loan, oldest first."""
    return _awards()


def award_rows(queryset: QuerySet[Application], *, decided_at: bool = False,
               size: int = CHUNK) -> Iterator[list[dict]]:
    """The awards of ``queryset`` (ordered by id) as dicts of ``AWARD_ROW`` plus ``created_year``,
    ``awarded_on`` and (when ``decided_at``) ``decided_at``, in lists of ``size``."""
    fields = (*AWARD_ROW, "decided_at") if decided_at else AWARD_ROW
    return in_chunks(queryset.values(*fields, **_award_row_extras()), size)


def in_chunks(queryset: QuerySet, size: int = CHUNK) -> Iterator[list]:
    """The queryset's rows in lists of ``size``, read with a server-side cursor where there is one."""
    chunk = []
    for row in queryset.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# What happened to a chunk of awards is read by the range of their ids (the chunk holds every award
# between its first and last id, as the awards are read in id order): an index range scan, whatever
# the chunk's size. Rows of applications in the range that are not awards are read and never asked for.


def paid_disbursements_between(first: int, last: int, *, on: datetime.date) -> dict[int, list[tuple]]:
    """``{application id: [(paid_on, amount paid), ...]}`` of the tranches paid by ``on``, oldest
    first, for the applications whose ids lie from ``first`` to ``last``."""
    by_application = defaultdict(list)
    rows = (
        Disbursement.objects.filter(
            application_id__gte=first, application_id__lte=last,
            status=DisbursementStatus.PAID, paid_on__lte=on,
        )
        .order_by("paid_on", "id")
        .values_list("application_id", "paid_on", "amount", "paid_amount")
    )
    for application_id, paid_on, amount, paid_amount in rows:
        by_application[application_id].append((paid_on, paid_amount if paid_amount is not None else amount))
    return by_application


def repayments_between(first: int, last: int, *, on: datetime.date) -> dict[int, list[tuple]]:
    """``{application id: [(paid_on, principal, interest), ...]}`` of the loan repayments received by
    ``on``, oldest first, for the applications whose ids lie from ``first`` to ``last``."""
    by_application = defaultdict(list)
    rows = (
        Repayment.objects.filter(
            loan__application_id__gte=first, loan__application_id__lte=last, paid_on__lte=on
        )
        .order_by("paid_on", "id")
        .values_list("loan__application_id", "paid_on", "principal", "interest")
    )
    for application_id, paid_on, principal, interest in rows:
        by_application[application_id].append((paid_on, principal, interest))
    return by_application


def _with_principal_arrears(queryset: QuerySet[Loan], *, on: datetime.date) -> QuerySet[Loan]:
    """``with_loan_figures`` plus ``principal_arrears``: the principal overdue and unpaid on ``on``."""
    overdue = Q(instalments__is_current=True, instalments__due_date__lt=on)
    return with_loan_figures(queryset, on=on).annotate(
        principal_arrears=Coalesce(
            Sum(F("instalments__principal") - F("instalments__principal_paid"), filter=overdue),
            ZERO,
            output_field=MONEY,
        ),
    )


def loan_figures_between(first: int, last: int, *, on: datetime.date) -> dict[int, dict]:
    """``{application id: loan}`` for the applications whose ids lie from ``first`` to ``last``: each
    loan's ``status``, ``currency``, ``annual_interest_rate`` and its figures on ``on`` (as
    ``loans_by_application``, less ``interest_received``, which the repayments give)."""
    loans = _with_principal_arrears(
        Loan.objects.filter(application_id__gte=first, application_id__lte=last)
        .values("application_id", "status", "currency", "annual_interest_rate"),
        on=on,
    ).order_by()
    return {loan["application_id"]: loan for loan in loans}


def loans_by_application(application_ids: Iterable[int], *, on: datetime.date) -> dict[int, Loan]:
    """Each loan with its figures on ``on``: ``principal_owed``, ``principal_arrears``, ``arrears``
    (principal, interest and fees overdue) and ``interest_received``."""
    loans = _with_principal_arrears(Loan.objects.filter(application_id__in=application_ids), on=on)
    interest = dict(
        Repayment.objects.filter(loan__application_id__in=application_ids, paid_on__lte=on)
        .values_list("loan_id")
        .annotate(total=Sum("interest"))
        .values_list("loan_id", "total")
    )
    found = {}
    for loan in loans:
        loan.interest_received = interest.get(loan.id) or ZERO.value
        found[loan.application_id] = loan
    return found


def export_version() -> int:
    """Changes with every award and payment: the latest ledger transaction's id."""
    return LedgerTransaction.objects.aggregate(latest=Max("id"))["latest"] or 0

"""Reads for the open-data exports: the awards, streamed in chunks, and what happened to each.

Only organisations appear: an application's fund fields (which may name youth members) are never read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from applications.models import Application
from applications.workflow import AWARDED
from disbursements.models import Disbursement, DisbursementStatus, Loan, Repayment
from disbursements.selectors import MONEY, ZERO, with_loan_figures
from funds.models import LedgerTransaction
from funds.rules import RULES

# Awards read per query: memory stays flat in the number of awards.
CHUNK = 500

_AWARD_FIELDS = (
    "id", "created_at", "decided_at", "status", "currency", "approved_amount",
    "fund__id", "fund__code", "fund__kind",
    "organization__id", "organization__legal_name", "organization__short_name",
    "organization__country", "organization__fairtrade_id",
)


def grant_fund_codes() -> list[str]:
    """The funds whose rules give rather than lend."""
    return [code for code, rules in RULES.items() if not rules.lends]


def _awards() -> QuerySet[Application]:
    return (
        Application.objects.filter(
            status__in=AWARDED, approved_amount__isnull=False, decided_at__isnull=False
        )
        .select_related("fund", "organization")
        .only(*_AWARD_FIELDS)
        .order_by("id")
    )


def awarded_grants() -> QuerySet[Application]:
    """The awards of the grant funds, oldest first."""
    return _awards().filter(fund__code__in=grant_fund_codes())


def awarded_activities() -> QuerySet[Application]:
    """Every award, grant or loan, oldest first."""
    return _awards()


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


def paid_disbursements_by_application(application_ids: Iterable[int], *, on: datetime.date) -> dict:
    by_application = defaultdict(list)
    rows = (
        Disbursement.objects.filter(
            application_id__in=application_ids, status=DisbursementStatus.PAID, paid_on__lte=on
        )
        .order_by("paid_on", "id")
        .values("application_id", "paid_on", "amount", "paid_amount", "currency")
    )
    for row in rows:
        by_application[row["application_id"]].append(row)
    return by_application


def repayments_by_application(application_ids: Iterable[int], *, on: datetime.date) -> dict:
    by_application = defaultdict(list)
    rows = (
        Repayment.objects.filter(loan__application_id__in=application_ids, paid_on__lte=on)
        .order_by("paid_on", "id")
        .values("loan__application_id", "paid_on", "principal", "interest", "currency")
    )
    for row in rows:
        by_application[row["loan__application_id"]].append(row)
    return by_application


def loans_by_application(application_ids: Iterable[int], *, on: datetime.date) -> dict[int, Loan]:
    """Each loan with its figures on ``on``: ``principal_owed``, ``principal_arrears``, ``arrears``
    (principal, interest and fees overdue) and ``interest_received``."""
    overdue = Q(instalments__is_current=True, instalments__due_date__lt=on)
    loans = with_loan_figures(Loan.objects.filter(application_id__in=application_ids), on=on).annotate(
        principal_arrears=Coalesce(
            Sum(F("instalments__principal") - F("instalments__principal_paid"), filter=overdue),
            ZERO,
            output_field=MONEY,
        ),
    )
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

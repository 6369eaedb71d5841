"""The finance desk: disbursements to pay, repayments, arrears, and each fund's balances and ledger."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from funds.ledger import balances_by_fund
from funds.models import Fund, LedgerEntry
from organizations.access import access_for


def _finance_reader(request):
    access = access_for(request.user)
    if not (access.is_finance or access.is_administrator or access.is_auditor):
        raise PermissionDenied
    return access


@login_required
def finance_desk(request):
    access = _finance_reader(request)
    funds = list(Fund.objects.all())
    balances = balances_by_fund(funds)
    return render(request, "portal/finance/desk.html", {
        "access": access,
        "funds": [(fund, balances[fund.pk]) for fund in funds],
    })


@login_required
def fund_ledger(request, code):
    _finance_reader(request)
    fund = get_object_or_404(Fund, code=code)
    balances = balances_by_fund([fund])[fund.pk]
    entries = (
        LedgerEntry.objects.filter(fund=fund).select_related("transaction", "transaction__application")
        .order_by("-transaction__booked_on", "-transaction_id", "id")[:300]
    )
    return render(request, "portal/finance/ledger.html", {
        "fund": fund, "balances": balances, "entries": entries,
    })

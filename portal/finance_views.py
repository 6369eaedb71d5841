"""The finance desk: disbursements to pay, repayments, arrears, and each fund's balances and ledger.

Every figure comes from the disbursements app's selectors and reports and from the funds ledger, the
same functions the API's reports use; every change goes through their services.
"""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import reference_for
from applications.selectors import applications_visible_to
from core.errors import Invalid, Refused
from core.http import issued_pdf_response, page_refusal
from core.parsing import parse_date
from disbursements import reports
from disbursements.filters import DisbursementFilter, LoanFilter, ToPayFilter
from disbursements.models import Disbursement, DisbursementStatus, Loan, LoanStatus
from disbursements.notes import loan_notes
from disbursements.selectors import disbursements_visible_to, loans_visible_to, with_loan_figures
from disbursements.serializers import PaySerializer, RepaymentInputSerializer
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from disbursements.services.disbursements import ApproverMayNotPay
from disbursements.services.loans import loan_credit_balance
from funds.filters import LedgerFilter
from funds.ledger import balances_by_fund
from funds.models import Fund, LedgerEntry
from listing.batch import Outcome, run_each, selected_ids
from listing.pages import listing_for
from organizations.access import access_for
from organizations.choices import Country

from . import charts, exports, integrations
from .api_input import read_posted
from .staff_views import _back, keep_outcomes, pop_outcomes
from .views import ListedOrganization

MONTHS_SHOWN = 12
# What the lists show of an application: its reference (fund, year, id) and its organisation.
# (``status`` too: an application's state machine reads it whenever one is loaded.)
APPLICATION_SHOWN = ("application__id", "application__status", "application__fund_id",
                     "application__fund__code", "application__created_at", "application__organization_id",
                     "application__organization__short_name", "application__organization__country")
DISBURSEMENT_JOINS = ("fund", "application__fund", "application__organization")
DISBURSEMENT_SHOWN = ("id", "application_id", "fund_id", "fund__code", "status", "payee_name", "amount",
                      "currency", "created_at", *APPLICATION_SHOWN)


# What the loans list shows of a loan, read as plain values (``ListedLoan``).
LOAN_VALUES = ("id", "status", "principal", "currency", "application_id", "application__fund__code",
               "application__created_at", "application__organization_id",
               "application__organization__short_name", "application__organization__country")


class ListedLoanApplication:
    __slots__ = ("pk", "fund_code", "created_at", "organization")

    def __init__(self, pk, fund_code, created_at, organization):
        self.pk, self.fund_code, self.created_at, self.organization = pk, fund_code, created_at, organization

    @property
    def reference(self) -> str:
        return reference_for(self.fund_code, self.created_at, self.pk)


class ListedLoan:
    """One row of the loans list, read as plain values (``LOAN_VALUES``) under the names a ``Loan``
    gives them (``application.reference``, ``application.organization.short_name``): building five
    model instances per row (the loan, its fund, its application, that one's fund and organisation)
    cost more than the query that read them. ``principal_owed`` and ``arrears`` are set by the page."""

    __slots__ = ("pk", "status", "principal", "currency", "application", "principal_owed", "arrears")

    def __init__(self, row: dict):
        self.pk = row["id"]
        self.status = row["status"]
        self.principal = row["principal"]
        self.currency = row["currency"]
        self.application = ListedLoanApplication(
            row["application_id"], row["application__fund__code"], row["application__created_at"],
            ListedOrganization(row["application__organization_id"],
                               row["application__organization__short_name"],
                               row["application__organization__country"]))
        self.principal_owed = self.arrears = None


def _finance_reader(request):
    access = access_for(request.user)
    if not (access.is_finance or access.is_administrator or access.is_auditor):
        raise PermissionDenied
    return access


def _month_ends(today: datetime.date, count: int) -> list[datetime.date]:
    first_of_month = today.replace(day=1)
    ends = [(first_of_month - relativedelta(months=n)) - datetime.timedelta(days=1) for n in range(count - 1)]
    return sorted([*ends, today])


def _loan_portfolio_scope(funds=None) -> tuple[bool, Fund | None]:
    """Whether any fund lends, and the fund the loan portfolio describes: the lending fund when one
    fund lends, ``None`` (every loan) when several do."""
    lending = [fund for fund in (Fund.objects.all() if funds is None else funds) if fund.lends]
    return bool(lending), (lending[0] if len(lending) == 1 else None)


@login_required
def finance_desk(request):
    access = _finance_reader(request)
    today = timezone.localdate()
    funds = list(Fund.objects.all())
    balances = balances_by_fund(funds)
    to_pay = listing_for(
        request, ToPayFilter,
        disbursements_visible_to(request.user)
        .filter(status__in=[DisbursementStatus.PENDING, DisbursementStatus.APPROVED,
                            DisbursementStatus.FAILED])
        .select_related(None).select_related(*DISBURSEMENT_JOINS).only(*DISBURSEMENT_SHOWN),
    )
    lends, lending_fund = _loan_portfolio_scope(funds)
    portfolio = reports.portfolio(on=today, fund=lending_fund) if lends else None
    return render(request, "portal/finance/desk.html", {
        "access": access,
        "funds": [(fund, balances[fund.pk]) for fund in funds],
        "listing": to_pay,
        "portfolio": portfolio,
        "today": today,
        **pop_outcomes(request),
    }, status=to_pay.status)


@login_required
def disbursement_list(request):
    """Every disbursement, in every state: searched, filtered, sorted and paginated."""
    access = _finance_reader(request)
    listing = listing_for(request, DisbursementFilter,
                          disbursements_visible_to(request.user).select_related(None)
                          .select_related(*DISBURSEMENT_JOINS).only(*DISBURSEMENT_SHOWN))
    return render(request, "portal/finance/disbursements.html", {"access": access, "listing": listing},
                  status=listing.status)


@login_required
@require_POST
def disbursement_batch(request):
    """Approve every ticked disbursement for payment, each through ``disbursement_approve`` in its own
    transaction; the desk then shows what happened to each."""
    access = _finance_reader(request)
    if not access.is_finance:
        raise PermissionDenied
    ids = selected_ids(request.POST)
    back = _back(request, reverse("finance"))
    if request.POST.get("action") != "approve" or not ids:
        messages.error(request, _("Tick at least one disbursement.") if not ids else _("Choose what to do."))
        return redirect(back)
    found = {d.pk: d for d in disbursements_visible_to(request.user).filter(pk__in=ids)
             .select_related("application__fund")}
    outcomes = [Outcome(f"#{pk}", reverse("finance"), False, _("Not found."))
                for pk in ids if pk not in found]
    outcomes += run_each(
        [found[pk] for pk in ids if pk in found],
        lambda d: tranches.disbursement_approve(disbursement_id=d.pk, by=request.user),
        label=lambda d: f"{d.application.reference} · {d.payee_name}",
        url=lambda d: reverse("application", args=[d.application_id]),
    )
    keep_outcomes(request, outcomes)
    return redirect(back)


@login_required
@require_POST
def disbursement_action(request, pk, action):
    _finance_reader(request)
    disbursement = get_object_or_404(disbursements_visible_to(request.user), pk=pk)
    try:
        if action == "approve":
            tranches.disbursement_approve(disbursement_id=disbursement.pk, by=request.user)
            messages.success(request, _("The disbursement was approved for payment."))
        elif action == "pay":
            tranches.disbursement_pay(disbursement_id=disbursement.pk, by=request.user,
                                      **read_posted(PaySerializer, request.POST, numbers=("amount",)))
            messages.success(request, _("The payment was recorded."))
        else:
            raise PermissionDenied
    except Invalid as exc:
        for field_errors in exc.errors.values():
            for error in field_errors:
                messages.error(request, f"{disbursement.application.reference}: {error}")
    except ApproverMayNotPay as exc:  # a finance officer, who may act, but not on this one
        messages.error(request, f"{disbursement.application.reference}: {exc}")
    except Refused as exc:
        page_refusal(request, exc)
    return redirect("finance")


def _listed_loans(request, today):
    """Every loan of the list as its search, filters and order choose them, with their figures."""
    loans = with_loan_figures(
        loans_visible_to(request.user).select_related("application__organization"), on=today
    )
    return LoanFilter(request.GET, queryset=loans, request=request).qs


def _format(file_format: str) -> str:
    if file_format not in exports.FORMATS:
        raise Http404
    return file_format


@login_required
def loan_list(request):
    _finance_reader(request)
    today = timezone.localdate()

    def with_figures(page):
        # The figures of this page's loans only (one grouped query), not of the whole portfolio.
        loans = [ListedLoan(row) for row in page]
        figures = {pk: (owed, arrears) for pk, owed, arrears in with_loan_figures(
            Loan.objects.filter(pk__in=[loan.pk for loan in loans]), on=today).order_by()
            .values_list("pk", "principal_owed", "arrears")}
        for loan in loans:
            loan.principal_owed, loan.arrears = figures[loan.pk]
        return loans

    listing = listing_for(request, LoanFilter, loans_visible_to(request.user).select_related(None),
                          values=LOAN_VALUES, rows=with_figures)
    # The portfolio's figures and chart describe every loan: shown above the whole list, not above a
    # search or a later page (they cost more than the list itself; a search does not even look up the
    # lending funds). ``?on=`` shows them, and the fund's books, as they stood at the end of a past day.
    on, on_errors = today, []
    if request.GET.get("on"):
        try:
            on = min(parse_date(request.GET["on"], "on"), today)
        except Invalid as exc:
            on_errors = exc.errors["on"]
    searched = any(value for name, value in request.GET.items() if name not in ("page", "ordering", "on"))
    lends, lending_fund = (_loan_portfolio_scope() if listing.page.number == 1 and not searched
                           else (False, None))
    overview = lends
    status = listing.status if not on_errors else 400
    books = None  # one fund's books: shown when one fund lends, not beside several funds' portfolio
    if overview and lending_fund is not None:
        books = balances_by_fund([lending_fund], on=on if on < today else None)[lending_fund.pk]
    return render(request, "portal/finance/loans.html", {
        "listing": listing,
        "portfolio": reports.portfolio(on=on, fund=lending_fund) if overview else None,
        "books": books,
        "on": on, "today": today, "on_errors": on_errors,
        "par_chart": charts.line_chart(_par_series(lending_fund, today), percent=True) if overview else None,
    }, status=status)


@login_required
def loan_detail(request, pk):
    """A loan's schedule and repayments; finance records a repayment here (safe against resubmission)."""
    access = access_for(request.user)
    today = timezone.localdate()
    loan = get_object_or_404(with_loan_figures(loans_visible_to(request.user), on=today)
                             .select_related("application__organization"), pk=pk)
    errors: dict = {}
    if request.method == "POST":
        if not access.is_finance:
            raise PermissionDenied
        try:
            repayment, created = repayments.repayment_record(
                loan_id=loan.pk, by=request.user,
                **read_posted(RepaymentInputSerializer, request.POST, numbers=("amount",)),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except Invalid as exc:
            errors = exc.errors
        except Refused as exc:
            return page_refusal(request, exc, redirect("finance-loan", pk=pk))
        else:
            if created:
                messages.success(request, _("The repayment was recorded."))
            else:
                messages.info(request, _("This repayment had already been recorded; nothing was added."))
            return redirect("finance-loan", pk=pk)
    return render(request, "portal/finance/loan.html", {
        "loan": loan,
        "application": loan.application,
        "schedule": loan.instalments.filter(is_current=True).order_by("n"),
        "repayments": loan.repayments.order_by("paid_on", "id"),
        "documents": integrations.schedule_documents_for(loan),
        "notes": loan_notes(loan),
        "may_record": access.is_finance and loan.status in (LoanStatus.ACTIVE, LoanStatus.IN_ARREARS),
        "may_reverse": access.is_finance and loan.status in (LoanStatus.ACTIVE, LoanStatus.IN_ARREARS,
                                                             LoanStatus.REPAID),
        "actions": _loan_actions(loan, access),
        "idempotency_key": request.POST.get("idempotency_key") if errors else uuid.uuid4().hex,
        "errors": errors,
        "post": request.POST if errors else {},
        "today": today,
    }, status=400 if errors else 200)


def _loan_actions(loan, access) -> list[tuple[str, str]]:
    """The finance actions the loan's state allows, as (action, label) for the loan page's links."""
    live = loan.status in (LoanStatus.ACTIVE, LoanStatus.IN_ARREARS)
    actions = []
    if access.is_finance and live:
        actions.append(("reschedule", _("Reschedule")))
        if loan.write_off_proposed_at is None:
            actions.append(("write-off", _("Propose a write-off")))
    if (access.is_finance or access.is_administrator) and live and loan.write_off_proposed_at:
        actions.append(("write-off-approve", _("Approve the write-off")))
    if access.is_finance and loan.status == LoanStatus.WRITTEN_OFF:
        actions.append(("recovery", _("Record a recovery")))
    if access.is_finance and loan.status != LoanStatus.PENDING and loan_credit_balance(loan) > 0:
        actions.append(("refund", _("Refund an overpayment")))
    return actions


@login_required
@require_GET
def loan_export(request, file_format):
    """The loans of the list (with its filter) as CSV or XLSX."""
    _finance_reader(request)
    file_format = _format(file_format)
    today = timezone.localdate()
    loans = _listed_loans(request, today)
    return exports.download(exports.loans_table(loans, on=today), file_format, get_language())


@login_required
@require_GET
def portfolio_export(request, file_format):
    """The loan portfolio report (as the API's) on a date (``?on=``, default today), with the
    month's collections so far."""
    _finance_reader(request)
    file_format = _format(file_format)
    today = timezone.localdate()
    try:
        on = parse_date(request.GET["on"], "on") if request.GET.get("on") else today
    except Invalid as exc:
        for error in exc.errors["on"]:
            messages.error(request, error)
        return redirect("finance-loans")
    _lends, lending_fund = _loan_portfolio_scope()
    report = reports.portfolio(on=on, fund=lending_fund)
    report["collections"] = reports.collections(start=on.replace(day=1), end=on, fund=lending_fund)
    fund_name = str(lending_fund.name) if lending_fund else _("All funds")
    table = exports.portfolio_table(report, fund_name=fund_name)
    return exports.download(table, file_format, get_language())


@login_required
@require_GET
def ledger_export(request, code, file_format):
    """Every entry of the fund's ledger, oldest first."""
    _finance_reader(request)
    file_format = _format(file_format)
    fund = get_object_or_404(Fund, code=code)
    entries = (
        LedgerEntry.objects.filter(fund=fund).select_related("transaction", "transaction__application")
        .order_by("transaction__booked_on", "transaction_id", "id")
    )
    table = exports.ledger_table(fund, entries.iterator(chunk_size=2000), on=timezone.localdate())
    return exports.download(table, file_format, get_language())


@login_required
def fund_ledger(request, code):
    _finance_reader(request)
    fund = get_object_or_404(Fund, code=code)
    today = timezone.localdate()
    balances = balances_by_fund([fund])[fund.pk]
    listing = listing_for(request, LedgerFilter, LedgerEntry.objects.filter(fund=fund).select_related(
        "transaction", "transaction__application__fund").only(
        "id", "transaction_id", "account", "debit", "credit", "transaction__id", "transaction__booked_on",
        "transaction__kind", "transaction__application_id", "transaction__application__id",
        "transaction__application__status", "transaction__application__fund_id",
        "transaction__application__fund__code",
        "transaction__application__created_at"))
    return render(request, "portal/finance/ledger.html", {
        "fund": fund, "balances": balances, "listing": listing,
        "chart": charts.line_chart(_balance_series(fund, today), currency=fund.currency)
        if listing.is_whole else None,
    }, status=listing.status)


@login_required
def charts_page(request):
    _finance_reader(request)
    today = timezone.localdate()
    lends, lending_fund = _loan_portfolio_scope()
    by_country = (
        Disbursement.objects.filter(status=DisbursementStatus.PAID)
        .values("application__organization__country").annotate(total=Sum("paid_amount"))
        .order_by("-total")
    )
    labels = dict(Country.choices)
    country = "application__organization__country"
    bars = [(str(labels.get(row[country], row[country])), row["total"]) for row in by_country]
    funds = list(Fund.objects.all())
    return render(request, "portal/finance/charts.html", {
        "balance_charts": [(fund, charts.line_chart(_balance_series(fund, today), currency=fund.currency))
                           for fund in funds],
        "par_chart": charts.line_chart(_par_series(lending_fund, today), percent=True) if lends else None,
        "country_chart": charts.bar_chart(bars, currency="USD"),
    })


def _balance_series(fund, today):
    """Available and disbursed at each month's end, from the ledger (as the balances report)."""
    points = []
    for day in _month_ends(today, MONTHS_SHOWN):
        balances = balances_by_fund([fund], on=day)[fund.pk]
        points.append((day, {"available": balances.available, "disbursed": balances.disbursed}))
    return {
        "series": [("available", _("Available")), ("disbursed", _("Disbursed"))],
        "points": points,
    }


def _par_series(fund, today):
    points = []
    for day in _month_ends(today, MONTHS_SHOWN):
        report = reports.portfolio(on=day, fund=fund)
        points.append((day, {"par30": report["par30"]}))
    return {"series": [("par30", _("PAR30"))], "points": points}


@login_required
@require_GET
def schedule_document_file(request, pk, document_id):
    """A loan's definitive schedule (PDF), for the organisation's people and staff who see the file;
    another organisation's is not found."""
    from letters.models import LetterStatus, ScheduleDocument

    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    document = get_object_or_404(
        ScheduleDocument.objects.select_related("loan__application"),
        pk=document_id, loan__application=application, status=LetterStatus.RENDERED,
    )
    return issued_pdf_response(document)

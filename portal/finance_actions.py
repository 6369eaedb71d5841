"""Every finance action of the API as a page: fill in, preview, confirm.

A page validates what was typed with the API's serializer, then previews the action by running the
very service the API calls inside a transaction that is rolled back: the preview shows what the
service would leave (the new schedule, the state, the balances) and any reason it refuses, and nothing
is recorded, no ledger entry is kept and no notice leaves (side effects wait for a commit that never
comes). Confirming runs the service for real. The confirmation carries a fingerprint of the object as
it was previewed; if the object changed since (another person acted, or the form was sent twice), the
action is not run again and the page says so.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers as drf

from core.errors import Invalid, NotPermitted, WrongState, messages_of
from disbursements.models import Disbursement, Loan, LoanStatus, Remainder, Repayment
from disbursements.notes import loan_notes
from disbursements.selectors import disbursements_visible_to, loans_visible_to, with_loan_figures
from disbursements.serializers import (
    FinanceReasonSerializer,
    PaySerializer,
    RecoveryInputSerializer,
    RefundInputSerializer,
    RepaymentInputSerializer,
    RescheduleSerializer,
    SplitSerializer,
)
from disbursements.services import disbursements as tranches
from disbursements.services import loans, repayments, write_offs
from funds.ledger import balances_by_fund
from organizations.access import access_for

from .action_forms import Action, Field, carried_value, rehearse, validated
from .templatetags.portal import money

# --------------------------------------------------------------------------- what a preview shows


def _loan_facts(loan_id: int) -> dict:
    today = timezone.localdate()
    loan = with_loan_figures(Loan.objects.select_related("application", "fund"), on=today).get(pk=loan_id)
    currency = loan.currency
    rows = [
        (_("State"), loan.get_status_display()),
        (_("Principal still owed"), money(loan.principal_owed, currency)),
        (_("Interest due"), money(loan.interest_due, currency)),
        (_("Overdue"), money(loan.arrears, currency)),
        (_("Overpayment to refund"), money(loans.loan_credit_balance(loan), currency)),
    ]
    if loan.written_off_on:
        rows.append((_("Written off"), money(loan.written_off_amount, currency)))
        recovered = loan.recoveries.aggregate(total=Sum("amount"))["total"] or 0
        rows.append((_("Recovered"), money(recovered, currency)))
    return {
        "loan": loan,
        "rows": rows,
        "schedule": list(loan.instalments.filter(is_current=True).order_by("n")),
    }


def _disbursement_facts(disbursement_id: int) -> dict:
    disbursement = Disbursement.objects.select_related("fund", "application").get(pk=disbursement_id)
    fund = disbursement.fund
    available = balances_by_fund([fund])[fund.pk].available
    rows = [
        (_("State"), disbursement.get_status_display()),
        (_("Amount"), money(disbursement.amount, disbursement.currency)),
        (_("Available in the fund"), money(available, fund.currency)),
    ]
    if disbursement.paid_on:
        rows += [
            (_("Paid on"), formats.date_format(disbursement.paid_on, "SHORT_DATE_FORMAT")),
            (_("Amount paid"), money(disbursement.paid_amount, disbursement.currency)),
            (_("Paid in"), _("%(amount)s at a rate of %(rate)s") % {
                "amount": money(disbursement.payment_amount, disbursement.payment_currency),
                "rate": f"{disbursement.exchange_rate.normalize():f}"}),
        ]
    snapshot = {
        "rows": rows,
        "tranches": list(Disbursement.objects.filter(application_id=disbursement.application_id)
                         .order_by("tranche")),
    }
    loan = Loan.objects.filter(application_id=disbursement.application_id).first()
    if loan is not None and loan.disbursed_on:
        snapshot["loan"] = loan
        snapshot["schedule"] = list(loan.instalments.filter(is_current=True).order_by("n"))
        snapshot["notes"] = [note["message"] for note in loan_notes(loan, version=loan.schedule_version)]
    return snapshot


def _reschedule_plan(loan, by, data: dict) -> dict:
    """The reschedule's own preview (``loan_reschedule_preview``): the new rows and how the interest of
    the schedule it replaces is carried over."""
    plan = loans.loan_reschedule_preview(loan_id=loan.pk, by=by, **{
        name: value for name, value in data.items() if name != "reason"})
    currency = loan.currency
    return {
        "schedule": list(plan.rows),
        "plan_rows": [
            (_("Principal rescheduled"), money(plan.principal, currency)),
            (_("Interest due and unpaid, carried over"), money(plan.interest_due, currency)),
            (_("Interest accrued up to the new start, carried over"), money(plan.interest_accrued, currency)),
            (_("Interest already prepaid, deducted"), money(plan.interest_prepaid, currency)),
            (_("Interest of the new schedule"), money(plan.total_interest, currency)),
        ],
    }


def _allocation(before: dict, after: dict) -> dict:
    """How a repayment is spread: for each instalment it reaches, what goes to penalties and fees, to
    interest and to principal (the instalments' paid amounts after the rehearsal less before), whether
    it settles the instalment, and whether the repayment closes the loan."""
    was = {row.pk: row for row in before["schedule"]}
    rows = []
    for row in after["schedule"]:
        old = was.get(row.pk)
        if old is None:
            continue
        fees = row.fees_paid - old.fees_paid
        interest = row.interest_paid - old.interest_paid
        principal = row.principal_paid - old.principal_paid
        if fees or interest or principal:
            rows.append({"n": row.n, "due_date": row.due_date, "fees": fees, "interest": interest,
                         "principal": principal, "total": fees + interest + principal,
                         "settles": row.paid_on is not None and old.paid_on is None})
    loan = after["loan"]
    return {"allocation": rows, "closes": loan.status == LoanStatus.REPAID,
            "still_owed": money(loan.principal_owed, loan.currency)}


def _comparison(before: dict, after: dict) -> list[tuple[str, str, str]]:
    after_rows = dict(after["rows"])
    return [(label, value, after_rows.get(label, "")) for label, value in before["rows"]] + [
        (label, "", value) for label, value in after["rows"] if label not in dict(before["rows"])
    ]


def _loan_fingerprint(loan_id: int) -> str:
    loan = Loan.objects.filter(pk=loan_id).annotate(
        recoveries_n=Count("recoveries", distinct=True),
        refunds_n=Count("refunds", distinct=True),
        reversed_n=Count("repayments", filter=Q(repayments__reversed_at__isnull=False), distinct=True),
    ).get()
    state = (loan.status, loan.schedule_version, loan.write_off_proposed_at, loan.recoveries_n,
             loan.refunds_n, loan.reversed_n)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


def _disbursement_fingerprint(disbursement_id: int) -> str:
    disbursement = Disbursement.objects.get(pk=disbursement_id)
    siblings = Disbursement.objects.filter(application_id=disbursement.application_id).count()
    state = (disbursement.status, str(disbursement.amount), siblings)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- the actions

REASON = Field("reason", gettext_lazy("Reason"), "reason")


def _today_as(name):
    return lambda target, today: {name: today.isoformat()}


LOAN_ACTIONS = {
    "reschedule": Action(
        title=gettext_lazy("Reschedule the loan"),
        intro=gettext_lazy("A new schedule for the principal still owed, from the date you give. Interest "
                           "due and unpaid moves into the first new instalment. The loan counts as "
                           "rescheduled (at risk) in PAR30 from then on."),
        fields=(
            Field("starts_on", gettext_lazy("New schedule starts on"), "date"),
            Field("term_months", gettext_lazy("Term (months)"), "number", required=False),
            Field("grace_months", gettext_lazy("Grace on principal (months)"), "number", required=False),
            Field("harvest_dates", gettext_lazy("New harvest dates"), "dates", required=False,
                  help=gettext_lazy("Only for a loan repaid at harvest dates (instead of the term): one "
                                    "date per line, such as 2027-03-15.")),
            REASON,
        ),
        serializer=RescheduleSerializer,
        plan=lambda loan, by, data: _reschedule_plan(loan, by, data),
        run=lambda loan, by, data: loans.loan_reschedule(loan_id=loan.pk, by=by, **data),
        done=gettext_lazy("The loan was rescheduled."),
        confirm=gettext_lazy("Confirm the new schedule"),
        defaults=lambda loan, today: {"starts_on": today.isoformat(), "term_months": loan.term_months,
                                      "grace_months": 0},
    ),
    "repayment": Action(
        title=gettext_lazy("Record a repayment"),
        intro=gettext_lazy("Money paid back by the group. It goes to interest first, then to principal, "
                           "oldest instalment first; what is paid beyond the loan is kept as a credit to "
                           "refund. Sent twice, it is recorded once."),
        fields=(
            Field("amount", gettext_lazy("Amount"), "amount"),
            Field("paid_on", gettext_lazy("Paid on"), "date"),
            Field("reference", gettext_lazy("Reference"), required=False),
        ),
        serializer=RepaymentInputSerializer,
        run=lambda loan, by, data: repayments.repayment_record(loan_id=loan.pk, by=by, **data)[0],
        explain=_allocation,
        done=gettext_lazy("The repayment was recorded."),
        confirm=gettext_lazy("Record the repayment"),
        defaults=lambda loan, today: {"paid_on": today.isoformat(), "idempotency_key": uuid.uuid4().hex},
        carried=("idempotency_key",),
    ),
    "write-off": Action(
        title=gettext_lazy("Propose a write-off"),
        intro=gettext_lazy("The principal still owed will leave the loans outstanding once a second person "
                           "approves the write-off. Until then nothing changes on the books."),
        fields=(REASON,),
        serializer=FinanceReasonSerializer,
        run=lambda loan, by, data: write_offs.loan_write_off_propose(loan_id=loan.pk, by=by, **data),
        done=gettext_lazy("The write-off was proposed; a second person must approve it."),
        confirm=gettext_lazy("Propose the write-off"),
        danger=True,
    ),
    "write-off-approve": Action(
        title=gettext_lazy("Approve the write-off"),
        intro=gettext_lazy("The principal still owed leaves the loans outstanding for the write-offs "
                           "account, and the file closes. Money received later is recorded as a recovery."),
        fields=(),
        serializer=drf.Serializer,
        run=lambda loan, by, data: write_offs.loan_write_off_approve(loan_id=loan.pk, by=by),
        done=gettext_lazy("The loan was written off."),
        confirm=gettext_lazy("Approve the write-off"),
        danger=True,
        for_administrators=True,
    ),
    "recovery": Action(
        title=gettext_lazy("Record a recovery"),
        intro=gettext_lazy("Money received on a written-off loan: income of the fund, up to what was "
                           "written off."),
        fields=(
            Field("amount", gettext_lazy("Amount"), "amount"),
            Field("received_on", gettext_lazy("Received on"), "date"),
            Field("reference", gettext_lazy("Reference"), required=False),
        ),
        serializer=RecoveryInputSerializer,
        run=lambda loan, by, data: write_offs.loan_recovery_record(loan_id=loan.pk, by=by, **data),
        done=gettext_lazy("The recovery was recorded."),
        confirm=gettext_lazy("Record the recovery"),
        defaults=_today_as("received_on"),
    ),
    "refund": Action(
        title=gettext_lazy("Refund an overpayment"),
        intro=gettext_lazy("Pay back to the group what it paid in excess, never more than the credit the "
                           "loan holds."),
        fields=(
            Field("amount", gettext_lazy("Amount"), "amount"),
            Field("paid_on", gettext_lazy("Paid on"), "date"),
            Field("reference", gettext_lazy("Reference"), required=False),
        ),
        serializer=RefundInputSerializer,
        run=lambda loan, by, data: repayments.loan_refund_record(loan_id=loan.pk, by=by, **data),
        done=gettext_lazy("The refund was recorded."),
        confirm=gettext_lazy("Record the refund"),
        defaults=_today_as("paid_on"),
    ),
}

REVERSAL = Action(
    title=gettext_lazy("Reverse a repayment"),
    intro=gettext_lazy("For a bounced cheque or a payment recorded by mistake: its ledger transaction is "
                       "reversed and the loan's other repayments are allocated again. The repayment stays "
                       "in the history, marked reversed, with your reason."),
    fields=(REASON,),
    serializer=FinanceReasonSerializer,
    run=lambda repayment, by, data: repayments.repayment_reverse(repayment_id=repayment.pk, by=by, **data),
    done=gettext_lazy("The repayment was reversed."),
    confirm=gettext_lazy("Reverse the repayment"),
    danger=True,
)

DISBURSEMENT_ACTIONS = {
    "approve": Action(
        title=gettext_lazy("Approve for payment"),
        intro=gettext_lazy("Finance approves this tranche for payment; the payment itself is recorded "
                           "once the money has left the fund's account."),
        fields=(),
        serializer=drf.Serializer,
        run=lambda disbursement, by, data: tranches.disbursement_approve(disbursement_id=disbursement.pk,
                                                                        by=by),
        done=gettext_lazy("The disbursement was approved for payment."),
        confirm=gettext_lazy("Approve for payment"),
    ),
    "pay": Action(
        title=gettext_lazy("Record the payment"),
        intro=gettext_lazy("The money left the fund's account. Give the amount in the fund's currency (the "
                           "whole tranche when left empty); for a payment made in another currency, give "
                           "that currency and the rate recorded (units of it per unit of the fund's "
                           "currency). The organisation is told by e-mail and in Fondos."),
        fields=(
            Field("paid_on", gettext_lazy("Paid on"), "date"),
            Field("reference", gettext_lazy("Payment reference")),
            Field("amount", gettext_lazy("Amount in the fund's currency"), "amount", required=False),
            Field("currency", gettext_lazy("Currency paid in"), "currency", required=False,
                  help=gettext_lazy("ISO 4217 code, such as HNL.")),
            Field("exchange_rate", gettext_lazy("Exchange rate"), "amount", required=False,
                  help=gettext_lazy("Units of the currency paid in per unit of the fund's currency.")),
            Field("remainder", gettext_lazy("If less than the tranche is paid, the rest is"), "choice",
                  required=False, choices=tuple(Remainder.choices)),
            Field("restructure_overdue", gettext_lazy("Restructure the overdue instalments into the new "
                                                      "schedule (the loan then counts as rescheduled)"),
                  "check", required=False),
        ),
        serializer=PaySerializer,
        run=lambda disbursement, by, data: tranches.disbursement_pay(
            disbursement_id=disbursement.pk, by=by, **data),
        done=gettext_lazy("The payment was recorded."),
        confirm=gettext_lazy("Confirm the payment"),
        defaults=lambda disbursement, today: {"paid_on": today.isoformat(),
                                              "currency": disbursement.currency},
    ),
    "split": Action(
        title=gettext_lazy("Split into tranches"),
        intro=gettext_lazy("Pay the award in several tranches: give each tranche's amount, one per line; "
                           "together they make the amount of this one."),
        fields=(Field("amounts", gettext_lazy("Amounts of the tranches"), "amounts"),),
        serializer=SplitSerializer,
        run=lambda disbursement, by, data: tranches.disbursement_split(
            disbursement_id=disbursement.pk, by=by, **data)[0],
        done=gettext_lazy("The disbursement was split into tranches."),
        confirm=gettext_lazy("Split"),
    ),
    "fail": Action(
        title=gettext_lazy("Mark the payment failed"),
        intro=gettext_lazy("The bank returned the payment or it could not be made. The money stays "
                           "committed to the award for a new try."),
        fields=(REASON,),
        serializer=FinanceReasonSerializer,
        run=lambda disbursement, by, data: tranches.disbursement_fail(
            disbursement_id=disbursement.pk, by=by, **data),
        done=gettext_lazy("The disbursement was marked failed."),
        confirm=gettext_lazy("Mark failed"),
        danger=True,
    ),
    "cancel": Action(
        title=gettext_lazy("Cancel the disbursement"),
        intro=gettext_lazy("This tranche will not be paid: its amount goes back to the fund's available "
                           "money."),
        fields=(REASON,),
        serializer=FinanceReasonSerializer,
        run=lambda disbursement, by, data: tranches.disbursement_cancel(
            disbursement_id=disbursement.pk, by=by, **data),
        done=gettext_lazy("The disbursement was cancelled."),
        confirm=gettext_lazy("Cancel the disbursement"),
        danger=True,
    ),
}


# --------------------------------------------------------------------------- the pages


@dataclass
class _Target:
    """What an action acts on: the object, how to read its state, and where its page leads back to."""

    obj: object
    subject: str
    back: str
    facts: Callable[[], dict]
    fingerprint: Callable[[], str]
    after: Callable[[object], dict]
    lock: Callable[[], object]


def _page(request, action: Action, target: _Target):
    access = access_for(request.user)
    if not (access.is_finance or (action.for_administrators and access.is_administrator)):
        raise PermissionDenied
    today = timezone.localdate()
    step = request.POST.get("step", "")
    values = dict(action.defaults(target.obj, today)) if request.method != "POST" else request.POST
    errors: dict = {}
    problem = ""
    preview = None
    if request.method == "POST" and step in ("preview", "confirm"):
        data, errors = validated(action, request.POST)
        data.update({name: request.POST.get(name, "") for name in action.carried})
        if not errors:
            try:
                if step == "confirm":
                    return _confirm(request, action, target, data)
                before = target.facts()
                after = rehearse(lambda: action.run(target.obj, request.user, data), target.after)
                preview = {**after, "rows": _comparison(before, after), "fingerprint": target.fingerprint()}
                if action.explain is not None:
                    preview.update(action.explain(before, after))
                if action.plan is not None:
                    preview.update(action.plan(target.obj, request.user, data))
            except Invalid as exc:
                errors = {name: messages_of(value) for name, value in exc.errors.items()}
            except (WrongState, NotPermitted) as exc:
                problem = str(exc)
    status = 400 if (errors or problem) else 200
    return render(request, "portal/finance/action.html", {
        "action": action, "subject": target.subject, "back": target.back,
        "fields": [(spec, values.get(spec.name, ""), errors.get(spec.name, []),
                    carried_value(spec, values.get(spec.name, ""))) for spec in action.fields],
        "errors": errors, "problem": problem, "other_errors": [
            text for name, texts in errors.items() if name not in {f.name for f in action.fields}
            for text in texts],
        "carried": [(name, values.get(name, "")) for name in action.carried],
        "preview": preview, "today": today,
    }, status=status)


def _confirm(request, action: Action, target: _Target, data: dict):
    with transaction.atomic():
        # The object's row lock, then its state: two confirmations of one preview run the action once.
        target.lock()
        if request.POST.get("fingerprint") != target.fingerprint():
            messages.warning(request, _("This changed since you previewed it (perhaps it was already done): "
                                        "nothing was recorded. Look at it again."))
            return redirect(target.back)
        action.run(target.obj, request.user, data)
    messages.success(request, str(action.done))
    return redirect(target.back)


def _loan_after(loan_id: int, result) -> dict:
    """The loan after the action; for a repayment, also how it was allocated."""
    after = _loan_facts(loan_id)
    if isinstance(result, Repayment) and result.reversed_at is None:
        result.refresh_from_db()
        after["rows"] += [
            (_("To interest"), money(result.interest + result.fees, result.currency)),
            (_("To principal"), money(result.principal, result.currency)),
            (_("Paid beyond the loan"), money(result.credit, result.currency)),
        ]
    return after


def _loan_target(request, pk) -> _Target:
    loan = get_object_or_404(loans_visible_to(request.user).select_related("application"), pk=pk)
    return _Target(
        obj=loan, subject=loan.application.reference, back=reverse("finance-loan", args=[loan.pk]),
        facts=lambda: _loan_facts(loan.pk), fingerprint=lambda: _loan_fingerprint(loan.pk),
        after=lambda result: _loan_after(loan.pk, result),
        lock=lambda: Loan.objects.select_for_update().filter(pk=loan.pk).first(),
    )


@login_required
def loan_action(request, pk, action):
    spec = LOAN_ACTIONS.get(action)
    if spec is None:
        raise Http404
    return _page(request, spec, _loan_target(request, pk))


@login_required
def repayment_reverse(request, pk, repayment_id):
    target = _loan_target(request, pk)
    repayment = get_object_or_404(Repayment, pk=repayment_id, loan=target.obj)
    loan, target.obj = target.obj, repayment
    target.subject = _("%(loan)s, repayment of %(amount)s on %(day)s") % {
        "loan": loan.application.reference, "amount": money(repayment.amount, repayment.currency),
        "day": formats.date_format(repayment.paid_on, "SHORT_DATE_FORMAT"),
    }
    return _page(request, REVERSAL, target)


@login_required
def disbursement_page(request, pk, action):
    spec = DISBURSEMENT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    disbursement = get_object_or_404(
        disbursements_visible_to(request.user).select_related("application"), pk=pk
    )
    target = _Target(
        obj=disbursement,
        subject=f"{disbursement.application.reference}/{disbursement.tranche} · {disbursement.payee_name}",
        back=reverse("finance"),
        facts=lambda: _disbursement_facts(disbursement.pk),
        fingerprint=lambda: _disbursement_fingerprint(disbursement.pk),
        after=lambda result: _disbursement_facts(disbursement.pk),
        lock=lambda: Disbursement.objects.select_for_update().filter(pk=disbursement.pk).first(),
    )
    return _page(request, spec, target)

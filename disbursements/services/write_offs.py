"""Write-offs (proposed by one person, approved by another) and the money recovered after them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import Application
from applications.workflow import Status as ApplicationStatus
from core.errors import Invalid, NotPermitted, WrongState
from core.parsing import parse_amount
from disbursements.models import LIVE_LOAN_STATES, Loan, LoanStatus, Recovery
from funds.ledger import credit, debit, ledger_post
from funds.models import Account, TransactionKind
from organizations.access import access_for
from organizations.models import User

from .common import ZERO, given_reason, not_before_approval, require_finance, today
from .loans import locked_loan
from .schedules import principal_outstanding


def loan_write_off_propose(*, loan_id: int, by: User, reason: str) -> Loan:
    require_finance(by)
    reason = given_reason(reason)
    with transaction.atomic():
        loan = locked_loan(loan_id)
        if loan.status not in LIVE_LOAN_STATES:
            raise WrongState(_("Only an active loan can be written off."))
        loan.write_off_proposed_by = by
        loan.write_off_proposed_at = timezone.now()
        loan.write_off_reason = reason
        loan.save(update_fields=["write_off_proposed_by", "write_off_proposed_at", "write_off_reason"])
    return loan


def loan_write_off_approve(*, loan_id: int, by: User, on: datetime.date | None = None) -> Loan:
    """A second person (finance or an administrator, not the proposer) approves the write-off: the
    principal still owed leaves the loans outstanding for the write-offs account."""
    access = access_for(by)
    if not (access.is_finance or access.is_administrator):
        raise NotPermitted(_("Only finance staff or an administrator may approve a write-off."))
    on = on or today()
    with transaction.atomic():
        loan = locked_loan(loan_id)
        if loan.status == LoanStatus.WRITTEN_OFF:
            return loan
        if loan.status not in LIVE_LOAN_STATES or loan.write_off_proposed_by_id is None:
            raise WrongState(_("Propose the write-off first."))
        if loan.write_off_proposed_by_id == by.pk:
            raise NotPermitted(_("The write-off must be approved by someone other than its proposer."))
        amount = principal_outstanding(loan)
        if amount > 0:
            ledger_post(
                fund=loan.fund,
                kind=TransactionKind.WRITE_OFF,
                booked_on=on,
                by=by,
                application=loan.application,
                source=loan,
                memo=f"Write-off {loan.application.reference}",
                lines=[debit(Account.WRITE_OFFS, amount), credit(Account.LOANS_RECEIVABLE, amount)],
            )
        loan.write_off()
        loan.written_off_by = by
        loan.written_off_on = on
        loan.written_off_amount = amount
        loan.save()
        application = Application.objects.get(pk=loan.application_id)
        if application.status in (ApplicationStatus.IN_EXECUTION, ApplicationStatus.REPORTING):
            application_services.application_close(
                application_id=application.pk, by=None, reason="Loan written off"
            )
    return loan


def loan_recovery_record(
    *, loan_id: int, by: User, amount, received_on: datetime.date, reference: str = ""
) -> Recovery:
    """Money received on a written-off loan: income of the fund, up to what was written off."""
    require_finance(by)
    with transaction.atomic():
        loan = locked_loan(loan_id)
        if loan.status != LoanStatus.WRITTEN_OFF:
            raise WrongState(_("Recoveries are recorded on written-off loans; record a repayment instead."))
        amount = parse_amount(amount, loan.currency)
        recovered = loan.recoveries.aggregate(total=Sum("amount"))["total"] or ZERO
        if recovered + amount > loan.written_off_amount:
            raise Invalid(
                {
                    "amount": [
                        _("At most %(amount)s %(currency)s is still to recover.")
                        % {"amount": loan.written_off_amount - recovered, "currency": loan.currency}
                    ]
                }
            )
        if received_on > today():
            raise Invalid({"received_on": [_("A recovery cannot be dated in the future.")]})
        not_before_approval(received_on, loan.application, "received_on")
        tx = ledger_post(
            fund=loan.fund,
            kind=TransactionKind.RECOVERY,
            booked_on=received_on,
            by=by,
            application=loan.application,
            source=loan,
            memo=f"Recovery {loan.application.reference} {reference}",
            lines=[debit(Account.CASH, amount), credit(Account.RECOVERIES, amount)],
        )
        return Recovery.objects.create(
            loan=loan,
            amount=amount,
            currency=loan.currency,
            received_on=received_on,
            reference=(reference or "")[:100],
            recorded_by=by,
            ledger_transaction=tx,
        )

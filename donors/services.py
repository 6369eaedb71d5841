"""Recording donors, their contributions (capital into a fund's ledger) and who reads a donor's report."""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel import Locale
from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Call
from core.errors import Invalid, NotPermitted
from core.parsing import parse_amount
from disbursements.services.common import today
from funds.ledger import credit, debit, fund_lock, ledger_post
from funds.models import Account, Fund, TransactionKind
from organizations.access import access_for
from organizations.choices import Role
from organizations.models import User
from organizations.services import staff_role_grant

from .models import Contribution, Donor, DonorUser


def _require_finance_or_administrator(by: User) -> None:
    access = access_for(by)
    if not (access.is_finance or access.is_administrator):
        raise NotPermitted(_("Only finance staff or an administrator may record donors and contributions."))


def _country(raw: str) -> str:
    code = (raw or "").strip().upper()
    if len(code) != 2 or not code.isalpha() or code not in Locale("en").territories:
        raise Invalid({"country": [_("Give the country as an ISO 3166 two-letter code such as DE.")]})
    return code


def donor_create(*, name: str, identifier: str, country: str, by: User) -> Donor:
    _require_finance_or_administrator(by)
    name, identifier = (name or "").strip(), (identifier or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the donor's name.")]
    if not identifier:
        errors["identifier"] = [_("Give the donor's identifier.")]
    elif Donor.objects.filter(identifier__iexact=identifier).exists():
        errors["identifier"] = [_("A donor with this identifier already exists.")]
    try:
        country = _country(country)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return Donor.objects.create(name=name[:200], identifier=identifier[:100], country=country)


def contribution_record(
    *, donor_id: int, fund_code: str, amount, currency: str, received_on: datetime.date, by: User,
    restricted_purpose: str = "", restricted_call_id: int | None = None, note: str = "",
) -> Contribution:
    """Record a contribution and post it to the fund's ledger as capital (cash in, capital credited),
    in one transaction with the fund locked. The amount is in the fund's currency. It may be restricted
    to a call of the fund or to a purpose, not both."""
    _require_finance_or_administrator(by)
    fund = Fund.objects.filter(code=fund_code).first()
    if fund is None:
        raise Invalid({"fund": [_("Choose one of the funds.")]})
    errors = {}
    currency = (currency or "").strip().upper()
    if currency != fund.currency:
        errors["currency"] = [_("Record the contribution in the fund's currency, %(currency)s, at the amount "
                                "the fund received.") % {"currency": fund.currency}]
    try:
        value: Decimal = parse_amount(amount, fund.currency)
    except Invalid as exc:
        errors.update(exc.errors)
    if received_on is None:
        errors["received_on"] = [_("Give the date the money was received.")]
    elif received_on > today():
        errors["received_on"] = [_("A contribution cannot be dated in the future.")]
    purpose = (restricted_purpose or "").strip()
    # The purposes a contribution may be restricted to are the fund's (rule 1 in donors.trace matches them).
    if purpose and purpose not in fund.rules.purposes():
        allowed = ", ".join(fund.rules.purposes()) or _("none")
        errors["restricted_purpose"] = [_("This fund's contributions may be restricted to: %(allowed)s.")
                                        % {"allowed": allowed}]
    call = None
    if restricted_call_id not in (None, ""):
        call = Call.objects.filter(pk=restricted_call_id, fund=fund).first() if str(
            restricted_call_id).isdigit() else None
        if call is None:
            errors["restricted_call"] = [_("Choose one of this fund's calls.")]
        elif purpose:
            errors["restricted_purpose"] = [_("Restrict a contribution to a call or to a purpose, not both.")]
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:
        errors["donor"] = [_("Choose a donor.")]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        fund = fund_lock(fund.pk)
        contribution = Contribution.objects.create(
            donor=donor, fund=fund, amount=value, currency=fund.currency, received_on=received_on,
            restricted_purpose=purpose, restricted_call=call, note=(note or "")[:255], recorded_by=by,
        )
        contribution.ledger_transaction = ledger_post(
            fund=fund, kind=TransactionKind.CAPITAL, booked_on=received_on, by=by, source=contribution,
            memo=f"Contribution {donor.identifier} {received_on:%Y-%m-%d}",
            lines=[debit(Account.CASH, value), credit(Account.CAPITAL, value)],
        )
        contribution.save(update_fields=["ledger_transaction"])
    return contribution


def donor_reader_add(*, donor_id: int, user: User, by: User) -> DonorUser:
    """Give ``user`` the donor role and tie them to the donor whose report they read."""
    with transaction.atomic():
        donor = Donor.objects.get(pk=donor_id)
        if user.organization_id is not None:
            raise Invalid({"user": [_("A member of an organisation cannot read a donor's report.")]})
        link, _created = DonorUser.objects.update_or_create(user=user, defaults={"donor": donor})
        if not user.staff_roles.active().filter(role=Role.DONOR).exists():
            staff_role_grant(user=user, role=Role.DONOR, by=by)
    return link

"""The trace from contributions to awards and disbursements, and back through loan repayments."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from core.errors import Invalid, NotPermitted
from disbursements.models import Loan
from disbursements.services import repayments
from donors import services
from donors.models import Allocation, AllocationKind
from donors.selectors import contribution_figures
from donors.trace import trace_transaction
from funds.ledger import fund_balances, fund_capital_add
from funds.models import Fund, LedgerTransaction, TransactionKind
from organizations.choices import Role
from tests.disbursements.conftest import TERMS
from tests.factories import staff_user
from tests.workflow import drive, valid_fields

from .conftest import D, contribute, days_ago, pay

pytestmark = pytest.mark.django_db


def figures(*contributions):
    found = contribution_figures(list(contributions))
    return [found[c.pk] for c in contributions]


def allocations(tx, kind):
    rows = Allocation.objects.filter(ledger_transaction=tx, kind=kind)
    return {row.contribution_id: row.amount for row in rows}


def test_a_contribution_is_capital_in_the_funds_ledger(donor):
    fund = Fund.objects.get(code="climate-eventuality")
    before = fund_balances(fund)
    contribution = contribute(donor, "climate-eventuality", "2500.00")
    tx = contribution.ledger_transaction
    assert tx.kind == TransactionKind.CAPITAL and tx.booked_on == contribution.received_on
    assert tx.source_type == "donors.contribution" and tx.source_id == contribution.pk
    after = fund_balances(fund)
    assert after.capital - before.capital == D("2500.00")
    assert after.available - before.available == D("2500.00")


def test_restricted_money_first_then_oldest_first_for_the_award_and_its_payment(donor):
    old = contribute(donor, "climate-eventuality", "3000.00", days=500)
    newer = contribute(donor, "climate-eventuality", "4000.00", days=300)
    restricted = contribute(donor, "climate-eventuality", "2000.00", days=100, purpose="adaptation")
    elsewhere = contribute(donor, "climate-eventuality", "5000.00", days=600, purpose="mitigation")
    award = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="6000.00")
    commitment = LedgerTransaction.objects.get(application=award, kind=TransactionKind.COMMITMENT)
    # The adaptation project takes the adaptation money first, then the oldest unrestricted money;
    # the mitigation money, older still, is not for it.
    assert allocations(commitment, AllocationKind.COMMITMENT) == {
        restricted.pk: D("2000.00"), old.pk: D("3000.00"), newer.pk: D("1000.00"),
    }
    assert figures(restricted, old, newer, elsewhere)[0]["committed"] == D("2000.00")

    disbursement = pay(award)
    paid = disbursement.ledger_transaction
    assert allocations(paid, AllocationKind.DISBURSEMENT) == {
        restricted.pk: D("2000.00"), old.pk: D("3000.00"), newer.pk: D("1000.00"),
    }
    r, o, n, e = figures(restricted, old, newer, elsewhere)
    assert (r["committed"], r["disbursed"], r["available"]) == (0, D("2000.00"), 0)
    assert (o["disbursed"], o["available"]) == (D("3000.00"), 0)
    assert (n["disbursed"], n["available"]) == (D("1000.00"), D("3000.00"))
    assert (e["disbursed"], e["available"]) == (0, D("5000.00"))


def test_what_contributions_cannot_cover_is_general_funds(donor):
    fund = Fund.objects.get(code="catastrophic-events")
    fund_capital_add(fund=fund, amount=D("50000.00"), booked_on=days_ago(900), memo="CLAC's own capital")
    contribution = contribute(donor, "catastrophic-events", "1000.00")
    award = drive(fund_code="catastrophic-events", to="conditions_accepted", amount="2500.00")
    paid = pay(award).ledger_transaction
    assert allocations(paid, AllocationKind.DISBURSEMENT) == {
        contribution.pk: D("1000.00"), None: D("1500.00"),
    }
    total = Allocation.objects.filter(ledger_transaction=paid).aggregate(total=Sum("amount"))["total"]
    assert total == award.approved_amount


def test_a_contribution_received_after_the_payment_date_did_not_pay_for_it(donor):
    fund = Fund.objects.get(code="certification-subsidy")
    fund_capital_add(fund=fund, amount=D("50000.00"), booked_on=days_ago(900))
    contribute(donor, "certification-subsidy", "9000.00", days=2)
    award = drive(fund_code="certification-subsidy", to="conditions_accepted")
    paid = pay(award, paid_on=days_ago(5)).ledger_transaction
    assert allocations(paid, AllocationKind.DISBURSEMENT) == {None: award.approved_amount}


def test_repaid_principal_flows_back_to_its_contribution_and_is_lent_again(donor):
    first = contribute(donor, "youth-revolving", "3000.00", days=500)
    loan_award = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms=TERMS)
    pay(loan_award, paid_on=days_ago(60))
    loan = Loan.objects.get(application=loan_award)
    assert figures(first)[0]["available"] == 0
    repayment, _ = repayments.repayment_record(loan_id=loan.pk, by=loan_award.cast.finance, amount="1200.00",
                                               paid_on=days_ago(1), idempotency_key="r-1")
    assert repayment.principal > 0
    back = allocations(repayment.ledger_transaction, AllocationKind.REPAYMENT)
    assert back == {first.pk: repayment.principal}
    (row,) = figures(first)
    assert row["repaid"] == repayment.principal and row["available"] == repayment.principal

    # The repaid money is lent again: the next loan draws on it before anything newer.
    later = contribute(donor, "youth-revolving", "5000.00", days=3)
    again = drive(fund_code="youth-revolving", to="conditions_accepted", amount="1000.00", terms=TERMS)
    paid = pay(again).ledger_transaction
    relent = min(repayment.principal, D("1000.00"))
    expected = {first.pk: relent}
    if relent < D("1000.00"):
        expected[later.pk] = D("1000.00") - relent
    assert allocations(paid, AllocationKind.DISBURSEMENT) == expected
    (row,) = figures(first)
    assert row["disbursed"] == D("3000.00") + relent and row["relent"] == relent
    assert row["available"] == repayment.principal - relent


def test_a_reversed_repayment_takes_its_principal_back_from_the_contribution(donor):
    contribution = contribute(donor, "youth-revolving", "3000.00", days=500)
    award = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms=TERMS)
    pay(award, paid_on=days_ago(60))
    loan = Loan.objects.get(application=award)
    repayment, _ = repayments.repayment_record(loan_id=loan.pk, by=award.cast.finance, amount="500.00",
                                               paid_on=days_ago(1), idempotency_key="r-1")
    assert figures(contribution)[0]["repaid"] == repayment.principal
    repayments.repayment_reverse(repayment_id=repayment.pk, by=award.cast.finance, reason="Cheque rechazado")
    (row,) = figures(contribution)
    assert row["repaid"] == 0 and row["available"] == 0


def test_tracing_again_records_nothing_new(donor):
    contribute(donor, "climate-eventuality", "9000.00")
    award = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="4000.00")
    disbursement = pay(award)
    count = Allocation.objects.count()
    for tx in LedgerTransaction.objects.all():
        trace_transaction(tx)
    # Paying again with the same reference returns the payment and records nothing.
    from disbursements.services import disbursements as tranches

    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=award.cast.finance,
                              paid_on=disbursement.paid_on, reference=disbursement.payment_reference)
    assert Allocation.objects.count() == count


def test_a_cancelled_award_releases_its_contributions(donor):
    from disbursements.models import Disbursement
    from disbursements.services import disbursements as tranches

    contribution = contribute(donor, "climate-eventuality", "9000.00")
    award = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="4000.00")
    assert figures(contribution)[0]["committed"] == D("4000.00")
    disbursement = Disbursement.objects.get(application=award)
    tranches.disbursement_cancel(disbursement_id=disbursement.pk, by=award.cast.finance, reason="Desistió")
    (row,) = figures(contribution)
    assert row["committed"] == 0 and row["available"] == D("9000.00")


def test_a_fund_without_contributions_records_no_trace():
    award = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="4000.00")
    pay(award)
    assert not Allocation.objects.exists()


def test_recording_refuses_bad_input_and_changes_nothing(donor, administrator):
    fund = Fund.objects.get(code="youth-revolving")
    before = fund_balances(fund)
    cases = [
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"received_on": days_ago(-3)}, "received_on"),
        ({"restricted_purpose": "adaptation"}, "restricted_purpose"),
        ({"fund_code": "nope"}, "fund"),
    ]
    for change, field in cases:
        arguments = {"donor_id": donor.pk, "fund_code": "youth-revolving", "amount": "100.00",
                     "currency": "USD",
                     "received_on": days_ago(1), "by": administrator, **change}
        with pytest.raises(Invalid) as refused:
            services.contribution_record(**arguments)
        assert field in refused.value.errors
    assert fund_balances(fund) == before
    with pytest.raises(NotPermitted):
        services.contribution_record(donor_id=donor.pk, fund_code="youth-revolving", amount="100.00",
                                     currency="USD", received_on=days_ago(1), by=staff_user(Role.AUDITOR))
    with pytest.raises(Invalid) as refused:
        services.donor_create(name="", identifier="DE-CR-1234", country="XX", by=administrator)
    assert set(refused.value.errors) == {"name", "identifier", "country"}


def test_restricted_to_purpose_is_matched_to_the_catastrophic_event_type(donor):
    hurricane = contribute(donor, "catastrophic-events", "20000.00", days=10, purpose="hurricane")
    drought = contribute(donor, "catastrophic-events", "20000.00", days=20, purpose="drought")
    award = drive(fund_code="catastrophic-events", to="approved", amount="1500.00",
                  fields=valid_fields("catastrophic-events"))
    commitment = LedgerTransaction.objects.get(application=award, kind=TransactionKind.COMMITMENT)
    assert allocations(commitment, AllocationKind.COMMITMENT) == {hurricane.pk: D("1500.00")}
    assert figures(drought)[0]["committed"] == Decimal(0)


def test_money_restricted_to_a_call_pays_for_that_calls_applications_first(donor):
    from tests.calls.helpers import make_call

    unrestricted = contribute(donor, "climate-eventuality", "9000.00", days=500)
    call = make_call("climate-eventuality")
    for_the_call = contribute(donor, "climate-eventuality", "3000.00", days=5, call=call)
    award = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="4000.00")
    assert award.call_id == call.pk
    paid = pay(award).ledger_transaction
    assert allocations(paid, AllocationKind.DISBURSEMENT) == {
        for_the_call.pk: D("3000.00"), unrestricted.pk: D("1000.00"),
    }
    assert for_the_call.restricted_to == str(call)


def test_a_contribution_is_restricted_to_a_call_of_its_fund_or_a_purpose_not_both(donor, administrator):
    from tests.calls.helpers import make_call

    other_fund_call = make_call("catastrophic-events")
    call = make_call("climate-eventuality")
    with pytest.raises(Invalid) as refused:
        services.contribution_record(donor_id=donor.pk, fund_code="climate-eventuality", amount="10.00",
                                     currency="USD", received_on=days_ago(1), by=administrator,
                                     restricted_call_id=other_fund_call.pk)
    assert "restricted_call" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        services.contribution_record(donor_id=donor.pk, fund_code="climate-eventuality", amount="10.00",
                                     currency="USD", received_on=days_ago(1), by=administrator,
                                     restricted_call_id=call.pk, restricted_purpose="adaptation")
    assert "restricted_purpose" in refused.value.errors


def test_the_admin_records_a_contribution_through_the_ledger(donor, administrator, client):
    from django.urls import reverse

    from donors.models import Contribution

    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    fund = Fund.objects.get(code="youth-revolving")
    url = reverse("admin:donors_contribution_add")
    form = {"donor": donor.pk, "fund": fund.pk, "amount": "1500.00", "currency": "USD",
            "received_on": days_ago(3).isoformat(), "restricted_purpose": "", "note": "Tramo 1"}
    refused = client.post(url, {**form, "currency": "EUR"})
    assert refused.status_code == 200 and not Contribution.objects.exists()
    assert client.post(url, form).status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.ledger_transaction.kind == TransactionKind.CAPITAL
    assert contribution.recorded_by == administrator

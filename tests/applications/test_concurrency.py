"""Two people acting on the same application at once: exactly one succeeds (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from core.errors import Refused
from funds.ledger import fund_balances
from tests.workflow import drive, review_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions):
    """Run ``actions`` at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we inspect
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_concurrent_approvals_of_one_application_end_with_one_approval():
    application = drive(fund_code="catastrophic-events", to="committee_review")
    review_all(application, application.cast)
    chair = application.cast.chair

    def approve():
        return services.application_approve(application_id=application.pk, by=chair, amount="1000.00",
                                            reason="Cumple.")

    results = race(approve, approve)
    successes = [r for r in results if isinstance(r, Application)]
    refusals = [r for r in results if isinstance(r, Refused)]
    assert len(successes) == 1 and len(refusals) == 1, results
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.transitions.filter(transition="approve").count() == 1
    assert fund_balances(application.fund).committed == 1000


def test_two_concurrent_submissions_record_one():
    application = drive(fund_code="climate-eventuality", to="draft")

    def submit():
        return services.application_submit(application_id=application.pk, by=application.applicant)

    results = race(submit, submit)
    assert sum(isinstance(r, Application) for r in results) == 1, results
    assert application.transitions.filter(transition="submit").count() == 1

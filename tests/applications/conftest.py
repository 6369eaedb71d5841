import pytest

from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user
from tests.workflow import cast_for


@pytest.fixture
def people(db):
    """One person for every role around the catastrophic fund, and an applicant of another OPP."""
    cast = cast_for("catastrophic-events")
    return {
        "applicant": OppUserFactory(),
        "other_org": OppUserFactory(),
        "secretariat": cast.secretariat,
        "member": cast.members[0],
        "chair": cast.chair,
        "finance": cast.finance,
        "auditor": staff_user(Role.AUDITOR),
        "admin": staff_user(Role.ADMINISTRATOR),
        "other_fund_member": staff_user(Role.COMMITTEE_MEMBER, "youth-revolving"),
        "_cast": cast,
    }

"""Committee review: who sits on a fund's committee, conflicts of interest and the quorum."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted, WrongState
from organizations.access import access_for
from organizations.choices import COMMITTEE_ROLES
from organizations.models import StaffRole, User

from .models import Application, Recommendation, Review
from .workflow import Status


def committee_member_ids(fund_id: int) -> set[int]:
    """Members of the fund's committee; the chair is one of them."""
    return set(
        StaffRole.objects.active()
        .filter(fund_id=fund_id, role__in=sorted(COMMITTEE_ROLES))
        .values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class Quorum:
    members: int
    conflicted: int
    reviews: int
    needed: int

    @property
    def eligible(self) -> int:
        return self.members - self.conflicted

    @property
    def reached(self) -> bool:
        return self.eligible > 0 and self.reviews >= self.needed


def quorum_status(application: Application) -> Quorum:
    """How many members without a conflict have reviewed, and how many must.

    With the default fraction of 0.5 the quorum is a majority: more than half of the members who
    have not declared a conflict.
    """
    members = committee_member_ids(application.fund_id)
    reviews = list(
        Review.objects.filter(application=application, reviewer_id__in=members, superseded_at__isnull=True)
        .values_list("conflict_of_interest", flat=True)
    )
    conflicted = sum(1 for conflict in reviews if conflict)
    reviewed = len(reviews) - conflicted
    fraction = application.fund.parameters_on(_judged_on(application)).quorum_fraction
    eligible = len(members) - conflicted
    needed = int((Decimal(eligible) * fraction).to_integral_value(rounding=ROUND_FLOOR)) + 1
    return Quorum(members=len(members), conflicted=conflicted, reviews=reviewed,
                  needed=min(needed, eligible) if eligible else 1)


def review_submit(*, application_id: int, by: User, conflict_of_interest: bool = False, score=None,
                  criteria=None, recommendation: str = "", comment: str = "") -> Review:
    """Record a member's review, or their declaration of a conflict of interest.

    A member reviews once; one who declared a conflict can no longer review the application.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("fund").get(
            pk=application_id
        )
        if not access_for(by).sits_on(application.fund_id):
            raise NotPermitted(_("Only members of the fund's committee review its applications."))
        if application.status != Status.COMMITTEE_REVIEW:
            raise WrongState(_("Only an application in committee review can be reviewed."))
        existing = Review.objects.filter(application=application, reviewer=by,
                                         superseded_at__isnull=True).first()
        if existing is not None:
            if existing.conflict_of_interest:
                raise WrongState(_("You declared a conflict of interest on this application."))
            raise WrongState(_("You have already reviewed this application."))
        errors: dict[str, list] = {}
        rubric = rubric_for(application)
        criteria = criteria or {}
        if conflict_of_interest:
            if not (comment or "").strip():
                errors["comment"] = [_("Say briefly what the conflict of interest is.")]
            score, criteria, recommendation = None, {}, ""
        else:
            if not _is_score(score):
                errors["score"] = [_("Give an overall score from 1 to 5.")]
            if recommendation not in Recommendation.values:
                errors["recommendation"] = [_("Recommend approve, reject or abstain.")]
            unknown = set(criteria) - {code for code, _name in rubric}
            if unknown:
                errors["criteria"] = [_("Not in this fund's rubric: %s.") % ", ".join(sorted(unknown))]
            elif not all(_is_score(value) for value in criteria.values()):
                errors["criteria"] = [_("Each criterion is scored from 1 to 5.")]
        if errors:
            raise Invalid(errors)
        try:
            with transaction.atomic():
                return Review.objects.create(
                    application=application, reviewer=by, conflict_of_interest=conflict_of_interest,
                    score=score, criteria=criteria, recommendation=recommendation,
                    comment=(comment or "").strip(),
                )
        except IntegrityError:
            raise WrongState(_("You have already reviewed this application.")) from None


def _judged_on(application: Application):
    """Applications are judged by the parameters in force on their submission date."""
    return (application.submitted_at or application.created_at).date()


def rubric_for(application: Application) -> list[tuple[str, str]]:
    """The criteria members may score ``application`` on, as (code, name in the active language)."""
    rules = application.fund.rules
    return [(code, rules.criterion_label(code))
            for code in application.fund.parameters_on(_judged_on(application)).rubric]


def _is_score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5

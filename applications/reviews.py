"""Committee review: who sits on a fund's committee, conflicts of interest and the quorum."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted, WrongState
from organizations.access import access_for
from organizations.choices import COMMITTEE_ROLES, Role
from organizations.models import StaffRole

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


def conflicted_reviewer_ids(application) -> frozenset[int]:
    """The people who declared a conflict of interest on ``application`` (read once per object; a list
    may set ``_conflicted_reviewer_ids`` for all its rows with one query)."""
    known = getattr(application, "_conflicted_reviewer_ids", None)
    if known is None:
        known = frozenset(
            Review.objects.filter(application_id=application.pk, conflict_of_interest=True)
            .values_list("reviewer_id", flat=True)
        )
        application._conflicted_reviewer_ids = known
    return known


def _holder(fund_id: int, role: str) -> int | None:
    return (StaffRole.objects.active().filter(fund_id=fund_id, role=role)
            .values_list("user_id", flat=True).first())


def decides(access, application) -> bool:
    """Whether the person with ``access`` records the committee's decision on ``application``.

    The chair decides, unless the chair declared a conflict of interest: then the fund's parameter
    ``conflicted_chair_replaced_by`` names who decides instead, the deputy chair (if there is one
    without a conflict; otherwise the secretariat) or the fund secretariat. Nobody who declared a
    conflict ever decides.
    """
    fund_id = application.fund_id
    if not (access.chairs(fund_id) or access.deputises(fund_id) or access.is_secretariat):
        return False
    conflicted = conflicted_reviewer_ids(application)
    if access.user_id in conflicted:
        return False
    if access.chairs(fund_id):
        return True
    chair_id = _holder(fund_id, Role.COMMITTEE_CHAIR) if conflicted else None
    if chair_id is None or chair_id not in conflicted:
        return False
    from funds.models import Fund

    fund = Fund.objects.get(pk=fund_id)
    submitted_at = getattr(application, "submitted_at", None)
    on = timezone.localdate(submitted_at) if submitted_at else timezone.localdate()
    replacement = fund.parameters_on(on).conflicted_chair_replaced_by
    if replacement == "deputy_chair":
        deputy_id = _holder(fund_id, Role.DEPUTY_CHAIR)
        if deputy_id is not None and deputy_id not in conflicted:
            return access.deputises(fund_id)
    return access.is_secretariat


def decider_ids(application) -> frozenset[int]:
    """Who records the committee's decision on ``application`` now, as ``decides`` says: the fund's
    chair; if the chair declared a conflict of interest, the deputy chair or the secretariat, as the
    fund's ``conflicted_chair_replaced_by`` says. Never anyone who declared a conflict."""
    from organizations.models import User

    fund_id = application.fund_id
    conflicted = conflicted_reviewer_ids(application)
    holders = StaffRole.objects.active().filter(
        user__is_active=True, role__in=[Role.COMMITTEE_CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT],
    ).exclude(user_id__in=conflicted)
    candidates = {holder.user_id for holder in holders.filter(fund_id=fund_id, role=Role.COMMITTEE_CHAIR)}
    if conflicted:
        candidates |= {holder.user_id for holder in holders.exclude(role=Role.COMMITTEE_CHAIR)
                       if holder.role == Role.SECRETARIAT or holder.fund_id == fund_id}
    users = User.objects.filter(pk__in=candidates)
    return frozenset(user.pk for user in users if decides(access_for(user), application))


def review_submit(*, application_id: int, by, conflict_of_interest: bool = False, score=None,
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

"""Who may see an application, who may run each transition (from the workflow table) and who records
the committee's decision when the chair declared a conflict of interest."""

from django.db.models import Q
from django.utils import timezone

from funds.models import Fund
from organizations.access import access_for
from organizations.choices import Role
from organizations.models import StaffRole, User

from .workflow import AWARDED, TRANSITIONS, Actor, Status


def actors_for(user, application) -> frozenset[str]:
    """The workflow actors ``user`` is for ``application``."""
    access = access_for(user)
    actors = set()
    if access.organization_id is not None and access.organization_id == application.organization_id:
        actors.add(Actor.APPLICANT)
    if access.is_secretariat:
        actors.add(Actor.SECRETARIAT)
    if application.status == Status.COMMITTEE_REVIEW:
        # The decision in committee: the chair's, unless the chair declared a conflict of interest.
        if decides(access, application):
            actors.add(Actor.CHAIR)
    elif access.chairs(application.fund_id):
        actors.add(Actor.CHAIR)
    if access.is_finance:
        actors.add(Actor.FINANCE)
    if access.is_administrator:
        actors.add(Actor.ADMINISTRATOR)
    return frozenset(actors)


def may_run(user, application, transition: str) -> bool:
    """Whether ``user`` may run ``transition`` on ``application`` in its current state."""
    spec = TRANSITIONS[transition]
    return bool(spec.actors_in(application.status) & actors_for(user, application))


def may_see_reviews(user, application) -> bool:
    """The committee's reviews are for the fund's committee and for staff who see everything; a member
    who declared a conflict of interest on the application no longer sees its reviews."""
    access = access_for(user)
    if access.sees_everything:
        return True
    if not access.sits_on(application.fund_id):
        return False
    return not application.reviews.filter(reviewer_id=access.user_id, conflict_of_interest=True).exists()


def visible_applications_filter(user) -> Q:
    """The applications ``user`` may see, as a filter. Anything else is "not found" to them.

    OPP staff see their organisation's; the secretariat, administrators and auditors see all;
    committee members see their funds' applications once sent to the committee; finance sees awarded
    ones.
    """
    access = access_for(user)
    if not access.is_authenticated:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()
    visible = Q(pk__in=[])
    if access.organization_id is not None:
        visible |= Q(organization_id=access.organization_id)
    if access.member_fund_ids:
        visible |= Q(fund_id__in=access.member_fund_ids, sent_to_committee_at__isnull=False)
    if access.is_finance:
        visible |= Q(status__in=AWARDED)
    return visible


def conflicted_reviewer_ids(application) -> frozenset[int]:
    """The people who declared a conflict of interest on ``application`` (read once per object; a list
    may set ``_conflicted_reviewer_ids`` for all its rows with one query)."""
    known = getattr(application, "_conflicted_reviewer_ids", None)
    if known is None:
        known = frozenset(
            application.reviews.filter(conflict_of_interest=True).values_list("reviewer_id", flat=True)
        ) if application.pk is not None else frozenset()
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

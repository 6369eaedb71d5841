"""Who may see an application and who may run each transition, from the workflow table."""

from django.db.models import Q

from organizations.access import access_for

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
        from .reviews import decides

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

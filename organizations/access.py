"""What a person is, for permission checks: their organisation and their active staff roles.

Computed once per request (one query, or none when the API's token authentication read the roles
along with the token) and cached on the user object.
"""

from dataclasses import dataclass

from .choices import COMMITTEE_ROLES, Role


@dataclass(frozen=True)
class Access:
    user_id: int | None
    organization_id: int | None
    roles: frozenset[str]
    member_fund_ids: frozenset[int]
    chair_fund_ids: frozenset[int]
    is_superuser: bool = False
    deputy_fund_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_opp_staff(self) -> bool:
        return self.organization_id is not None

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or Role.ADMINISTRATOR in self.roles

    @property
    def is_secretariat(self) -> bool:
        return Role.SECRETARIAT in self.roles

    @property
    def is_finance(self) -> bool:
        return Role.FINANCE in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    @property
    def is_donor(self) -> bool:
        return Role.DONOR in self.roles

    @property
    def is_committee_member(self) -> bool:
        return bool(self.member_fund_ids)

    @property
    def is_clac_staff(self) -> bool:
        # A donor's role is read-only and outside CLAC: it reads its own report and nothing else.
        return self.is_superuser or bool(self.roles - {Role.DONOR})

    @property
    def sees_everything(self) -> bool:
        return self.is_administrator or self.is_secretariat or self.is_auditor

    def sits_on(self, fund_id: int) -> bool:
        return fund_id in self.member_fund_ids

    def chairs(self, fund_id: int) -> bool:
        return fund_id in self.chair_fund_ids

    def deputises(self, fund_id: int) -> bool:
        return fund_id in self.deputy_fund_ids


ANONYMOUS = Access(None, None, frozenset(), frozenset(), frozenset())


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_fondos_access", None)
    if cached is not None:
        return cached
    return remember_access(user, user.staff_roles.active().values_list("role", "fund_id"))


def remember_access(user, roles) -> Access:
    """Compute ``user``'s access from their active ``(role, fund_id)`` pairs and cache it on ``user``.

    For callers that already read the roles in another query (the API's token authentication).
    """
    roles = list(roles)
    committee_roles = COMMITTEE_ROLES
    access = Access(
        user_id=user.pk,
        organization_id=user.organization_id,
        roles=frozenset(role for role, _ in roles),
        member_fund_ids=frozenset(fund for role, fund in roles if role in committee_roles),
        chair_fund_ids=frozenset(fund for role, fund in roles if role == Role.COMMITTEE_CHAIR),
        is_superuser=user.is_superuser,
        deputy_fund_ids=frozenset(fund for role, fund in roles if role == Role.DEPUTY_CHAIR),
    )
    user._fondos_access = access
    return access

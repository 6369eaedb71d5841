"""Who is told: the people behind each audience of a notification."""

from __future__ import annotations

from organizations.choices import Role
from organizations.models import StaffRole, User

from .outbox import Recipient


def _people(users) -> list[Recipient]:
    return [Recipient(user=user, email=user.email or "", language=user.language) for user in users]


def organization_recipients(organization) -> list[Recipient]:
    """The organisation's active staff, plus its contact addresses that belong to none of them
    (written in the organisation's preferred language)."""
    staff = list(User.objects.filter(organization=organization, is_active=True).order_by("pk"))
    recipients = _people(staff)
    known = {user.email.lower() for user in staff if user.email}
    for address in organization.contact_emails or []:
        address = (address or "").strip()
        if address and address.lower() not in known:
            known.add(address.lower())
            recipients.append(Recipient(user=None, email=address,
                                        language=organization.preferred_language))
    return recipients


def _holders(role: Role, fund_id: int | None = None):
    roles = StaffRole.objects.active().filter(role=role)
    if fund_id is not None:
        roles = roles.filter(fund_id=fund_id)
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("pk")


def secretariat_recipients() -> list[Recipient]:
    return _people(_holders(Role.SECRETARIAT))


def chair_recipients(fund_id: int) -> list[Recipient]:
    return _people(_holders(Role.COMMITTEE_CHAIR, fund_id))


def users_recipients(user_ids) -> list[Recipient]:
    return _people(User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk"))


def finance_recipients() -> list[Recipient]:
    return _people(_holders(Role.FINANCE))

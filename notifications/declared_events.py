"""What a declared climate event tells the affected countries: every organisation's people, each in
their language, by e-mail and in Fondos, with a link to apply to the event's catastrophic-fund call.
Written in the declaration's transaction (``calls.events``), delivered after it commits, once per event
and recipient."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from calls.models import ClimateEvent
from calls.services import call_parameters
from funds.rules import fund_code_for_events
from funds.rules.events import EVENT_CLAIMS, EVENT_TYPES
from organizations.models import Organization, User

from .kinds import Kind
from .outbox import Recipient, notify


def on_declared(*, event) -> None:
    event_notify(event_id=event.pk)


def event_notify(*, event_id: int) -> int:
    """Tell every organisation of the affected countries, each person in their language, by e-mail and
    in Fondos, with a link to apply to the event's catastrophic-fund call. Written once per event and
    recipient: running it again writes nothing. Returns how many notices were written."""
    event = ClimateEvent.objects.get(pk=event_id)
    call = (event.calls.filter(fund__code=fund_code_for_events(EVENT_CLAIMS)).select_related("fund")
            .order_by("id").first())
    if call is None:
        return 0
    organizations = list(Organization.objects.filter(country__in=event.countries).order_by("pk"))
    staff = User.objects.filter(organization__in=organizations, is_active=True).order_by("pk")
    recipients, known = [], {}
    for user in staff:
        recipients.append(Recipient(user=user, email=user.email or "", language=user.language))
        if user.email:
            known.setdefault(user.organization_id, set()).add(user.email.lower())
    for organization in organizations:
        for address in organization.contact_emails or []:
            address = (address or "").strip()
            if address and address.lower() not in known.get(organization.pk, set()):
                known.setdefault(organization.pk, set()).add(address.lower())
                recipients.append(Recipient(user=None, email=address,
                                            language=organization.preferred_language))
    link = f"{settings.SITE_URL}{reverse('apply', args=[call.fund.code])}?call={call.pk}"
    parameters = call_parameters(call, call.fund.parameters_on(timezone.localdate()), call.fund)
    return notify(
        kind=Kind.EVENT_DECLARED, recipients=recipients, event=f"event{event.pk}",
        context={
            "event": event.name, "event_type": EVENT_TYPES[event.event_type],
            "starts_on": event.starts_on, "fund": call.fund.name, "closes_on": call.closes_on,
            "decision_days": parameters.decision_limit_days, "link": link,
        },
    )

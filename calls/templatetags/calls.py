from django import template
from django.utils import timezone, translation

from ..selectors import calls_open_to
from ..services import may_manage_calls

register = template.Library()


@register.simple_tag
def open_calls_for(user):
    """The calls open today to the person's organisation, titled in the page's language."""
    organization = getattr(user, "organization", None)
    if organization is None:
        return []
    calls = calls_open_to(organization, day=timezone.localdate())
    language = (translation.get_language() or "es")[:2]
    for call in calls:
        call.shown_title = call.title_in(language)
    return calls


@register.simple_tag
def manages_calls(user) -> bool:
    return may_manage_calls(user)


@register.filter
def call_title(call) -> str:
    return call.title_in((translation.get_language() or "es")[:2])




@register.filter
def call_available(call):
    """The call's budget less what it has committed (the list annotates ``committed``)."""
    return call.budget - call.committed


@register.filter
def open_today(call) -> bool:
    return call.is_open_on(timezone.localdate())

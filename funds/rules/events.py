"""The kinds of climate and catastrophic events, and what a declared event does for a fund.

The catastrophic events fund's applications name the event that struck, and CLAC declares events
(``calls``) from the same list. When CLAC declares an event, the funds whose rules say so open
fast-track calls for it (``FundRules.declared_event_calls``).
"""

from django.utils.translation import gettext_lazy as _

EVENT_TYPES = {
    "hurricane": _("Hurricane"),
    "flood": _("Flood"),
    "drought": _("Drought"),
    "frost": _("Frost"),
    "hail": _("Hail"),
    "landslide": _("Landslide"),
    "other": _("Other"),
}

# A declared event always opens this fund's fast-track call, for claims of the losses it caused; the
# affected organisations are told to apply to it.
EVENT_CLAIMS = "claims"
# A declared event may open a call of this fund too, for projects that respond to it, with a budget of
# its own.
EVENT_PROJECTS = "projects"

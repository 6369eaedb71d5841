"""The history of changes as people read it: which record, what happened, who, when, which fields.

The records are the API's (``security.api``: applications, funds, fund parameters, loans, people); the
fields a change touched are found against the previous record of the same object, read for a whole
page in one query, so a page of 50 changes costs the same as a page of one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import reference_for
from funds.models import Fund
from security.api import AUDITED_MODELS, HIDDEN_FIELDS

LABELS = {
    "application": gettext_lazy("Applications"),
    "fund": gettext_lazy("Funds"),
    "fund_parameters": gettext_lazy("Fund parameters"),
    "loan": gettext_lazy("Loans"),
    "user": gettext_lazy("People"),
}
ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


@dataclass
class Change:
    label: str
    url: str
    detail: str
    at: object = None
    action: str = ""
    by: str = ""
    fields: tuple[str, ...] = ()


def records(model_key: str):
    """Every recorded change of one kind of record, newest first (the API's query)."""
    model = apps.get_model(AUDITED_MODELS[model_key])
    return model.history.select_related("history_user").order_by("-history_date", "-history_id")


def _fund_codes() -> dict[int, str]:
    return dict(Fund.objects.values_list("pk", "code"))


def _name(model_key: str, record, fund_codes: dict[int, str]) -> str:
    if model_key == "application":
        return reference_for(fund_codes.get(record.fund_id), record.created_at, record.id)
    if model_key == "user":
        return record.username
    if model_key == "loan":
        return _("Loan of application %(reference)s") % {"reference": f"#{record.application_id}"}
    if model_key == "fund":
        return fund_codes.get(record.id, f"#{record.id}")
    if model_key == "fund_parameters":
        return _("%(fund)s from %(date)s") % {"fund": fund_codes.get(record.fund_id, f"#{record.fund_id}"),
                                              "date": date_format(record.valid_from, "DATE_FORMAT")}
    return f"#{record.id}"


def object_url(model_key: str, record) -> str:
    """The page of the changed record where there is one; its own history otherwise."""
    if model_key == "application":
        return reverse("application", args=[record.id])
    if model_key == "loan":
        return reverse("finance-loan", args=[record.id])
    return f"{reverse('audit-history-page')}?{urlencode({'model': model_key, 'id': record.id})}"


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def changes_for(model_key: str, page: list) -> list[Change]:
    """The page's records as ``Change`` rows, each with the fields it changed."""
    if not page:
        return []
    model = apps.get_model(AUDITED_MODELS[model_key])
    latest = max(record.history_date for record in page)
    earlier: dict[int, list] = {}
    for record in (model.history.filter(id__in={record.id for record in page}, history_date__lt=latest)
                   .order_by("id", "-history_date", "-history_id")):
        earlier.setdefault(record.id, []).append(record)
    fund_codes = _fund_codes() if model_key in ("application", "fund", "fund_parameters") else {}
    rows = []
    for record in page:
        moment = (record.history_date, record.history_id)
        previous = next((other for other in earlier.get(record.id, ())
                         if (other.history_date, other.history_id) < moment), None)
        fields: tuple[str, ...] = ()
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            fields = tuple(str(model._meta.get_field(change.field).verbose_name)
                           for change in delta.changes if change.field not in HIDDEN_FIELDS)
        rows.append(Change(
            label=_name(model_key, record, fund_codes), url=object_url(model_key, record),
            detail="", at=record.history_date, action=str(ACTIONS[record.history_type]), by=_who(record),
            fields=fields,
        ))
    return rows


def recent_changes(count: int) -> list[Change]:
    """The latest ``count`` changes of any kind (one query per kind of record)."""
    newest = []
    for model_key in AUDITED_MODELS:
        newest += [(record.history_date, model_key, record) for record in records(model_key)[:count]]
    newest.sort(key=lambda entry: entry[0], reverse=True)
    fund_codes = _fund_codes()
    changes = []
    for at, model_key, record in newest[:count]:
        changes.append(Change(
            label=f"{LABELS[model_key]} · {_name(model_key, record, fund_codes)}",
            url=object_url(model_key, record),
            detail=_("%(action)s by %(who)s on %(when)s") % {
                "action": ACTIONS[record.history_type], "who": _who(record),
                "when": date_format(localtime(at), "DATETIME_FORMAT")},
            at=at,
        ))
    return changes

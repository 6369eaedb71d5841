"""The filter definitions every list shares between its page and its API endpoint.

A list declares one ``ListFilterSet`` subclass: its filters (fund, status, country, dates...), the
columns it sorts by (``ordering = Ordering(columns={...})``) and the column its search reads
(``search_field``, a ``search_text`` column kept by ``listing.text``). The API's
``DjangoFilterBackend`` and the pages (``listing.pages.listing_for``) use the same class, so the query
parameters are the same in both: ``search``, ``ordering`` (a column, ``-`` for descending, several
separated by commas) and the list's own filters. A value that does not fit is a 400 on the API and a
message beside the form on the page.
"""

from __future__ import annotations

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .text import matching


class Ordering(filters.OrderingFilter):
    """``ordering=<column>`` or ``-<column>``: each column sorts by one or more fields; ties are broken
    by ``tiebreak`` so that pages never repeat or skip a row; with no ordering, ``default`` applies.
    Empty values sort last in both directions."""

    def __init__(self, *, columns: dict[str, tuple], default: tuple[str, ...], tiebreak: str = "id",
                 **kwargs):
        self.columns = {param: (label, tuple(fields)) for param, (label, fields) in columns.items()}
        self.default = tuple(default)
        self.tiebreak = tiebreak
        choices = []
        for param, (label, _fields) in self.columns.items():
            choices += [(param, label), (f"-{param}", _("%(column)s (descending)") % {"column": label})]
        kwargs.setdefault("label", _("Sort by"))
        super().__init__(choices=choices, **kwargs)

    def expressions(self, value, model=None) -> list:
        """The ``order_by`` of ``value``. Given the list's ``model``, a column that is never empty sorts
        without ``NULLS LAST``, which would keep PostgreSQL from reading it in index order (a descending
        index scan puts nulls first): the loans list sorted by application read every match to sort them."""
        params = [param for param in (value or ()) if param] or list(self.default)
        ordering, seen = [], set()
        for param in params:
            descending = param.startswith("-")
            _label, fields = self.columns[param.lstrip("-")]
            for field in fields:
                if field in seen:
                    continue
                seen.add(field)
                expression = F(field)
                nulls_last = True if model is None or _may_be_empty(model, field) else None
                ordering.append(expression.desc(nulls_last=nulls_last) if descending
                                else expression.asc(nulls_last=nulls_last))
        if self.tiebreak not in seen:
            first_descending = params[0].startswith("-") if params else False
            ordering.append(F(self.tiebreak).desc() if first_descending else F(self.tiebreak).asc())
        return ordering

    def filter(self, qs, value):
        return qs.order_by(*self.expressions(value, qs.model))

    def label_of(self, param: str) -> str:
        return self.columns[param][0]


def _may_be_empty(model, path: str) -> bool:
    """Whether the column ``path`` (``a__b__c``) of ``model`` can be NULL in a row of the list: a nullable
    field, or one reached through a nullable or reverse relation. Unknown paths count as nullable."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 (an annotation or a lookup: keep NULLS LAST)
            return True
        if getattr(field, "null", False) or field.auto_created and not field.concrete or field.many_to_many:
            return True
        if field.is_relation:
            model = field.related_model
    return False


class SearchFilter(filters.CharFilter):
    """Rows whose normalised search text contains every word of the query, ignoring case and accents."""

    def __init__(self, *, search_field: str = "search_text", **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(field_name=search_field, **kwargs)

    def filter(self, qs, value):
        return qs.filter(matching(value, self.field_name)) if value else qs


def date_filter(field_name: str, lookup: str, label) -> filters.DateFilter:
    return filters.DateFilter(field_name=field_name, lookup_expr=lookup, label=label,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def choice_filter(field_name: str, choices, label, **kwargs) -> filters.ChoiceFilter:
    return filters.ChoiceFilter(field_name=field_name, choices=choices, label=label,
                                empty_label=_("All"), **kwargs)


class ListFilterSet(filters.FilterSet):
    """Base of every list's filters: subclasses add ``search = SearchFilter(...)``, ``ordering``, and
    their own filters. ``page_fields`` lists the filters shown on the page (all but search and
    ordering by default)."""

    page_fields: tuple[str, ...] | None = None

    def visible_fields(self):
        names = self.page_fields or [name for name in self.filters if name not in ("search", "ordering")]
        return [self.form[name] for name in names if name in self.form.fields]

    @property
    def ordering_filter(self) -> Ordering | None:
        found = self.filters.get("ordering")
        return found if isinstance(found, Ordering) else None

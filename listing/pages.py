"""What a page needs to show a list: the filters' form, one page of rows, the total, sortable column
headers and the links to the other pages, all as plain links so that it works without JavaScript.

    listing = listing_for(request, ApplicationFilter, queryset)
    return render(request, "...", {"listing": listing, ...}, status=listing.status)

and in the template::

    {% include "listing/_controls.html" %}           {# search box and filters #}
    <th ...>{% sort_th listing "reference" %}        {# a sortable header, with aria-sort #}
    {% for row in listing.rows %}...{% endfor %}
    {% include "listing/_pagination.html" %}         {# "1–50 of 21,068" and the page links #}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import QueryDict

PAGE_SIZE = 50


@dataclass
class Listing:
    request: object
    filterset: object
    page: object
    rows: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def first_index(self) -> int:
        return self.page.start_index() if self.total else 0

    @property
    def last_index(self) -> int:
        return self.page.end_index() if self.total else 0

    @property
    def status(self) -> int:
        """400 when a filter's value was refused (the page still shows the list without it)."""
        return 400 if self.filterset.errors else 200

    @property
    def errors(self) -> list[str]:
        messages = []
        for name, errors in self.filterset.errors.items():
            label = self.filterset.form.fields[name].label if name in self.filterset.form.fields else ""
            messages += [f"{label}: {error}" if label else str(error) for error in errors]
        return messages

    @property
    def ordering(self) -> list[str]:
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        return [param for param in (data.get("ordering") or []) if param]

    @property
    def is_filtered(self) -> bool:
        return any(value for name, value in self.request.GET.items() if name not in ("page", "ordering"))

    @property
    def is_whole(self) -> bool:
        """The first page of the whole list (no search, no filter): where a page shows its overview."""
        return not self.is_filtered and self.page.number == 1

    def url(self, **changes) -> str:
        """This list's address with ``changes`` to its query (a ``None`` value removes the key)."""
        # A new QueryDict from the request's lists rather than ``GET.copy()``, which deep-copies the
        # whole query for each of a page's dozen links.
        query = QueryDict(mutable=True)
        for key, values in self.request.GET.lists():
            query.setlist(key, list(values))
        for key, value in changes.items():
            if value in (None, ""):
                query.pop(key, None)
            else:
                query[key] = str(value)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else self.request.path

    def sort(self, param: str) -> dict:
        """A column header: its label, the link that sorts by it (or reverses it) and its aria-sort."""
        ordering_filter = self.filterset.ordering_filter
        current = self.ordering[:1] or list(ordering_filter.default[:1])
        state = "none"
        if current and current[0] == param:
            state = "ascending"
        elif current and current[0] == f"-{param}":
            state = "descending"
        target = f"-{param}" if state == "ascending" else param
        return {"label": ordering_filter.label_of(param), "state": state,
                "url": self.url(ordering=target, page=None)}

    def page_url(self, number: int) -> str:
        return self.url(page=number if number > 1 else None)

    @property
    def links(self) -> dict:
        page = self.page
        last = page.paginator.num_pages
        return {
            "first": self.page_url(1) if page.number > 1 else None,
            "previous": self.page_url(page.previous_page_number()) if page.has_previous() else None,
            "next": self.page_url(page.next_page_number()) if page.has_next() else None,
            "last": self.page_url(last) if page.number < last else None,
        }

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        """Every way this list sorts, for the "Sort by" menu (column headers are hidden on phones)."""
        ordering_filter = self.filterset.ordering_filter
        return list(ordering_filter.extra["choices"]) if ordering_filter else []

    @property
    def current_sort(self) -> str:
        return ",".join(self.ordering)

    def hidden_state(self) -> list[tuple[str, str]]:
        """Query values the filter form does not show but must keep (a sort of several columns)."""
        if self.current_sort in dict(self.sort_choices):
            return []
        return [("ordering", value) for value in self.request.GET.getlist("ordering") if value]


def listing_for(request, filterset_class, queryset, *, per_page: int = PAGE_SIZE, rows=None,
                values: tuple[str, ...] | None = None) -> Listing:
    """Filter, sort and paginate ``queryset`` with ``filterset_class`` from the request's query.

    ``values`` (optional): the page's rows are read as dicts of these fields (``QuerySet.values``)
    rather than model instances. Only the page's query reads them: a ``values()`` queryset keeps its
    joins in the count, which then joins every matching row to the tables the columns come from.
    ``rows`` (optional) turns the page's objects into what the template shows (e.g. adds the days left);
    it is called once with the page's list.
    """
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    filtered = filterset.qs
    page = Paginator(filtered, per_page).get_page(request.GET.get("page"))
    objects = list(page.object_list.values(*values) if values is not None else page.object_list)
    page.object_list = objects
    return Listing(request=request, filterset=filterset, page=page,
                   rows=rows(objects) if rows else objects)

"""Lists people can live in: search, filters, sorting and pagination, shared by pages and the API.

- ``text``: the normalised search text (accents and case folded) that searchable models keep in a
  ``search_text`` column, and the query normalised the same way;
- ``filters``: a django-filter ``FilterSet`` base with ``search`` and ``ordering``, one per list, used by
  the page and by the API endpoint of that list;
- ``pages``: what a page needs to render a list (the page of rows, the total, sortable headers with
  ``aria-sort``, the links to the other pages), and the templates ``listing/_controls.html``,
  ``listing/_th.html`` and ``listing/_pagination.html``;
- ``batch``: run one service per selected row and report each result.
"""

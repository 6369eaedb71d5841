"""Hand-written floors for the list pages: one hand-written query for the total and one for the page
(plus one for a page's figures where the page shows some), rows escaped into a plain HTML table inside
the same base template, through the same request handler, middleware and signed-in session.

A ratio then measures what the list machinery adds (django-filter, the ORM, the paginator, the
templates with sortable headers and links) to the unavoidable work: the same search, filters and order
on the same indexes.
"""

from html import escape

from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.utils.safestring import mark_safe

from listing.text import words

PAGE = 50
_TEMPLATE = None


def _template():
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = engines["django"].from_string(
            '{% extends "base.html" %}{% block content %}<h1>{{ title }}</h1><p>{{ total }}</p>{{ table }}'
            '{% endblock %}')
    return _TEMPLATE


def _query(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _search(column: str, query: str) -> tuple[str, list]:
    found = words(query)
    return " AND ".join(f"{column} LIKE %s" for _ in found) or "TRUE", [f"%{word}%" for word in found]


def _page(request, title, count_sql, rows_sql, params, extra=None):
    number = max(int(request.GET.get("page", "1") or 1), 1)
    total = _query(count_sql, params)[0][0]
    rows = _query(f"{rows_sql} LIMIT {PAGE} OFFSET {(number - 1) * PAGE}", params)
    if extra is not None:
        rows = extra(rows)
    cells = "".join("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>"
                    for row in rows)
    table = mark_safe(f"<table><tbody>{cells}</tbody></table>")  # noqa: S308 (escaped above)
    html = _template().render({"title": title, "total": total, "table": table}, request)
    return HttpResponse(html)


def applications(request):
    where, params = _search("a.search_text", request.GET.get("search", ""))
    if request.GET.get("status"):
        where += " AND a.status = %s"
        params.append(request.GET["status"])
    if request.GET.get("states"):
        states = request.GET["states"].split(",")
        where += f" AND a.status IN ({', '.join(['%s'] * len(states))})"
        params += states
    order = {"organization": "o.short_name ASC, a.id ASC",
             "decision_due": "a.decision_due ASC NULLS LAST, a.id ASC"}.get(request.GET.get("ordering", ""),
                                                                            "a.created_at DESC, a.id DESC")
    return _page(
        request, "applications",
        f"SELECT count(*) FROM applications_application a WHERE {where}",
        f"""SELECT a.id, f.code, a.created_at, o.short_name, o.country, a.status, a.requested_amount,
                   a.approved_amount, a.currency, a.decision_due
            FROM applications_application a JOIN funds_fund f ON f.id = a.fund_id
            JOIN organizations_organization o ON o.id = a.organization_id
            WHERE {where} ORDER BY {order}""",
        params,
    )


def loans(request):
    where, params = _search("a.search_text", request.GET.get("search", ""))

    def figures(rows):
        if not rows:
            return rows
        ids = [row[0] for row in rows]
        sums = {loan: (owed, late) for loan, owed, late in _query(
            f"""SELECT loan_id, SUM(principal - principal_paid),
                       SUM(CASE WHEN due_date < CURRENT_DATE THEN principal + interest + fees - principal_paid
                                - interest_paid - fees_paid ELSE 0 END)
                FROM disbursements_instalment WHERE is_current AND loan_id IN ({', '.join(['%s'] * len(ids))})
                GROUP BY loan_id""", ids)}
        return [(*row, *sums.get(row[0], (0, 0))) for row in rows]

    return _page(
        request, "loans",
        f"""SELECT count(*) FROM disbursements_loan l
            JOIN applications_application a ON a.id = l.application_id WHERE {where}""",
        f"""SELECT l.id, a.id, f.code, a.created_at, o.short_name, o.country, l.status, l.principal,
                   l.currency
            FROM disbursements_loan l JOIN applications_application a ON a.id = l.application_id
            JOIN funds_fund f ON f.id = a.fund_id
            JOIN organizations_organization o ON o.id = a.organization_id
            WHERE {where} ORDER BY l.application_id DESC, l.id DESC""",
        params, extra=figures,
    )


def disbursements(request):
    where, params = _search("a.search_text", request.GET.get("search", ""))
    return _page(
        request, "disbursements",
        f"""SELECT count(*) FROM disbursements_disbursement d
            JOIN applications_application a ON a.id = d.application_id WHERE {where}""",
        f"""SELECT d.id, a.id, f.code, a.created_at, o.short_name, o.country, d.payee_name, d.amount,
                   d.currency, d.status, d.created_at
            FROM disbursements_disbursement d JOIN applications_application a ON a.id = d.application_id
            JOIN funds_fund f ON f.id = d.fund_id
            JOIN organizations_organization o ON o.id = a.organization_id
            WHERE {where} ORDER BY d.created_at DESC, d.id DESC""",
        params,
    )


def ledger(request, code):
    where, params = _search("a.search_text", request.GET.get("search", ""))
    fund_id = _query("SELECT id FROM funds_fund WHERE code = %s", [code])[0][0]
    params = [fund_id, *params]
    return _page(
        request, "ledger",
        f"""SELECT count(*) FROM funds_ledgerentry e JOIN funds_ledgertransaction t ON t.id = e.transaction_id
            JOIN applications_application a ON a.id = t.application_id WHERE e.fund_id = %s AND {where}""",
        f"""SELECT t.booked_on, t.id, t.kind, a.id, a.created_at, e.account, e.debit, e.credit
            FROM funds_ledgerentry e JOIN funds_ledgertransaction t ON t.id = e.transaction_id
            JOIN applications_application a ON a.id = t.application_id
            WHERE e.fund_id = %s AND {where} ORDER BY t.booked_on DESC, t.id DESC, e.id DESC""",
        params,
    )


def organizations(request):
    where, params = _search("o.search_text", request.GET.get("search", ""))

    def products(rows):
        if not rows:
            return rows
        ids = [row[0] for row in rows]
        found: dict = {}
        for organization, product in _query(
                f"""SELECT organization_id, productcode_id FROM organizations_organization_products
                    WHERE organization_id IN ({', '.join(['%s'] * len(ids))})""", ids):
            found.setdefault(organization, []).append(product)
        return [(*row, ", ".join(sorted(found.get(row[0], [])))) for row in rows]

    return _page(
        request, "organisations",
        f"SELECT count(*) FROM organizations_organization o WHERE {where}",
        f"""SELECT o.id, o.short_name, o.legal_name, o.country, o.grade, o.fairtrade_id
            FROM organizations_organization o WHERE {where} ORDER BY o.short_name ASC, o.id ASC""",
        params, extra=products,
    )


def people(request):
    where, params = _search("u.search_text", request.GET.get("search", ""))

    def roles(rows):
        if not rows:
            return rows
        ids = [row[0] for row in rows]
        found: dict = {}
        for user, role, fund in _query(
                f"""SELECT r.user_id, r.role, f.code FROM organizations_staffrole r
                    LEFT JOIN funds_fund f ON f.id = r.fund_id
                    WHERE r.revoked_at IS NULL AND r.user_id IN ({', '.join(['%s'] * len(ids))})""", ids):
            found.setdefault(user, []).append(f"{role} {fund or ''}")
        return [(*row, ", ".join(found.get(row[0], []))) for row in rows]

    return _page(
        request, "people",
        f"SELECT count(*) FROM organizations_user u WHERE {where}",
        f"""SELECT u.id, u.first_name, u.last_name, u.username, u.email, o.short_name, o.country, u.last_login
            FROM organizations_user u LEFT JOIN organizations_organization o ON o.id = u.organization_id
            WHERE {where} ORDER BY u.last_name ASC, u.first_name ASC, u.username ASC, u.id ASC""",
        params, extra=roles,
    )

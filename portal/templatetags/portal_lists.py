"""Rows of the long lists, written by one function per table rather than the template language.

A page of 50 applications rendered cell by cell through ``{% for %}``, filters and includes costs
several times the query that reads it (``docs/performance.md``); these tags give the same markup as
the templates they replace, from the same labels, money format and decision clock.
"""

from functools import lru_cache
from html import escape
from types import SimpleNamespace

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from applications.models import Application
from core.formats import as_decimal, babel_locale
from core.money import Money
from disbursements.models import Disbursement, Loan
from funds.models import LedgerEntry, LedgerTransaction
from organizations.models import Organization, User

from .portal import clock as clock_tag
from .portal import format_money, money, status_class

register = template.Library()


@lru_cache(maxsize=64)
def _labels(model, field_name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@lru_cache(maxsize=1)
def _application_url() -> str:
    return reverse("application", args=[0]).replace("/0/", "/{}/")


@lru_cache(maxsize=1024)
def _clock(days: int | None, language: str | None) -> str:
    return clock_tag(SimpleNamespace(days_left=days))


def clock(application) -> str:
    """The decision clock of ``portal.clock``, written once per number of days and language."""
    return _clock(getattr(application, "days_left", None), get_language())


def _amount(application, write=None) -> str:
    write = write or money
    if application.approved_amount:
        return write(application.approved_amount, application.currency)
    if application.requested_amount:
        return write(application.requested_amount, application.currency)
    return "—"


def _money_writer():
    """``portal.money`` with the page's locale looked up once (it is asked for every amount)."""
    locale = babel_locale()

    def write(value, currency=None):
        if isinstance(value, Money):
            value, currency = value.amount, value.currency
        amount = as_decimal(value)
        return "—" if amount is None else format_money(amount, currency or "USD", locale)

    return write


def _e(value) -> str:
    return escape(str(value), quote=True)


def _url(name: str) -> str:
    return _urls(name)


@lru_cache(maxsize=16)
def _urls(name: str) -> str:
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def _checkbox(pk, reference, label_text) -> str:
    return (f'<td><input type="checkbox" name="selected" value="{pk}" id="pick-{pk}" form="batch">'
            f'<label for="pick-{pk}" class="visually-hidden">{_e(label_text % {"reference": reference})}'
            "</label></td>")


def _organization(organization, countries) -> str:
    return f"{_e(organization.short_name)} <small>{_e(countries.get(organization.country, ''))}</small>"


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _assessed(application, write=None, not_eligible=None) -> str:
    """The maximum award the assessment gave (annotated as ``assessed_max``), and whether eligible."""
    amount = getattr(application, "assessed_max", None)
    if amount in (None, ""):
        return "—"
    text = _e((write or money)(amount, application.currency))
    if getattr(application, "assessed_eligible", None) in (False, "false", 0):
        text += f' <small class="bad">{not_eligible or _e(gettext("not eligible"))}</small>'
    return text


@register.simple_tag
def application_rows(rows, batch=False, assessed=False):
    """The body rows of ``portal/_app_table.html``: reference, organisation, fund, state, amount, clock
    (and, in the secretariat's queue, the assessed amount). What every row shares (labels, fund names,
    the money format of the language) is looked up once per page."""
    language = get_language()
    states = _labels(Application, "status", language)
    countries = _labels(Organization, "country", language)
    url = _url("application")
    select = gettext("Select %(reference)s")
    write = _money_writer()
    not_eligible = _e(gettext("not eligible"))
    fund_names: dict = {}
    out = []
    for application in rows:
        reference = application.reference
        organization = application.organization
        fund = application.fund
        fund_name = fund_names.get(fund.code)
        if fund_name is None:
            fund_name = fund_names[fund.code] = _e(fund.name)
        out.append(
            f"<tr>{_checkbox(application.pk, reference, select) if batch else ''}"
            f'<td><a href="{url.format(application.pk)}">{_e(reference)}</a></td>'
            f"<td>{_organization(organization, countries)}</td>"
            f"<td>{fund_name}</td>"
            f'<td><span class="badge {status_class(application.status)}">'
            f"{_e(states.get(application.status, application.status))}</span></td>"
            f'<td class="num">{_e(_amount(application, write))}</td>'
            + (f'<td class="num">{_assessed(application, write, not_eligible)}</td>' if assessed else "")
            + f"<td>{clock(application)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@register.simple_tag
def disbursement_rows(rows):
    """The body rows of ``portal/finance/disbursements.html``."""
    language = get_language()
    states = _labels(Disbursement, "status", language)
    countries = _labels(Organization, "country", language)
    url = _url("application")
    out = []
    for d in rows:
        application, organization = d.application, d.application.organization
        out.append(
            f'<tr><td><a href="{url.format(d.application_id)}">{_e(application.reference)}</a> '
            f"<small>{_e(d.fund.name)}</small></td>"
            f"<td>{_organization(organization, countries)}</td>"
            f"<td>{_e(d.payee_name)}</td><td class=\"num\">{_e(money(d.amount, d.currency))}</td>"
            f"<td>{_e(states.get(d.status, d.status))}</td><td>{_date(d.created_at)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@register.simple_tag
def loan_rows(rows):
    """The body rows of ``portal/finance/loans.html``."""
    language = get_language()
    states = _labels(Loan, "status", language)
    countries = _labels(Organization, "country", language)
    url = _url("finance-loan")
    write = _money_writer()
    out = []
    for loan in rows:
        application, organization = loan.application, loan.application.organization
        badge = "bad" if loan.status == "in_arrears" else "good" if loan.status == "active" else ""
        out.append(
            f'<tr><td><a href="{url.format(loan.pk)}">{_e(application.reference)}</a></td>'
            f"<td>{_organization(organization, countries)}</td>"
            f'<td><span class="badge {badge}">{_e(states.get(loan.status, loan.status))}</span></td>'
            f'<td class="num">{_e(write(loan.principal, loan.currency))}</td>'
            f'<td class="num">{_e(write(loan.principal_owed, loan.currency))}</td>'
            f'<td class="num">{_e(write(loan.arrears, loan.currency))}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@register.simple_tag
def ledger_rows(rows, currency):
    """The body rows of ``portal/finance/ledger.html``."""
    language = get_language()
    kinds = _labels(LedgerTransaction, "kind", language)
    accounts = _labels(LedgerEntry, "account", language)
    url = _url("application")
    out = []
    for entry in rows:
        tx = entry.transaction
        movement = _e(kinds.get(tx.kind, tx.kind))
        if tx.application_id:
            movement += f' · <a href="{url.format(tx.application_id)}">{_e(tx.application.reference)}</a>'
        out.append(
            f"<tr><td>{_date(tx.booked_on)}</td><td>{tx.pk}</td><td>{movement}</td>"
            f"<td>{_e(accounts.get(entry.account, entry.account))}</td>"
            f'<td class="num">{_e(money(entry.debit, currency)) if entry.debit else ""}</td>'
            f'<td class="num">{_e(money(entry.credit, currency)) if entry.credit else ""}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@register.simple_tag
def organization_rows(rows):
    """The body rows of ``portal/organization_list.html`` (``staff_views.ListedOrganizationRow``)."""
    language = get_language()
    countries = _labels(Organization, "country", language)
    grades = _labels(Organization, "grade", language)
    products = _product_labels(language)
    link = reverse("applications")
    text = gettext("Applications of %(name)s")
    out = []
    for organization in rows:
        names = ", ".join(products.get(code, code) for code in organization.product_codes)
        out.append(
            f"<tr><td><strong>{_e(organization.short_name)}</strong><br><small>{_e(organization.legal_name)}"
            f"</small></td><td>{_e(countries.get(organization.country, organization.country))}</td>"
            f"<td>{_e(grades.get(organization.grade, organization.grade))}</td>"
            f"<td>{_e(organization.fairtrade_id)}</td><td>{_e(names)}</td>"
            f'<td><a href="{link}?organization={organization.pk}">'
            f"{_e(text % {'name': organization.short_name})}</a></td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@lru_cache(maxsize=8)
def _product_labels(language):
    from organizations.choices import Product

    return {value: str(label) for value, label in Product.choices}


@register.simple_tag
def person_rows(rows):
    """The body rows of ``portal/people_list.html``."""
    language = get_language()
    countries = _labels(Organization, "country", language)
    roles = _labels(User._meta.get_field("staff_roles").related_model, "role", language)
    deactivated = gettext("Deactivated")
    out = []
    for person in rows:
        name = _e(person.get_full_name() or "—")
        if not person.is_active:
            name += f' <span class="badge">{_e(deactivated)}</span>'
        organization = person.organization
        where = _organization(organization, countries) if organization else "CLAC"
        held = "<br>".join(
            _e(roles.get(role.role, role.role)) + (f" · {_e(role.fund.name)}" if role.fund_id else "")
            for role in person.roles_now) or "—"
        out.append(
            f"<tr><td>{name}</td><td>{_e(person.username)}<br><small>{_e(person.email)}</small></td>"
            f"<td>{where}</td><td>{held}</td><td>{_date(person.last_login)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)

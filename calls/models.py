"""Calls (convocatorias) and declared climate events.

A call is one period of a fund: its own budget, its dates (or always open), the countries and products it
is for, and parameter overrides. Applications belong to a call; an approval commits against both the
call's budget and the fund's available balance (``calls.services.call_lock`` and ``call_available``).

A declared event (a hurricane, a flood) opens fast-track calls of the catastrophic events fund (and, if
chosen, of the climate eventuality fund) for the affected countries.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.money import Money
from funds.rules.events import EVENT_TYPES
from listing.text import search_text_for
from organizations.choices import Country, Language

LANGUAGES = [code for code, _label in Language.choices]


class ClimateEvent(models.Model):
    """A climate event declared by CLAC's staff: what struck, when, and where."""

    name = models.CharField(_("name"), max_length=200)
    event_type = models.CharField(_("type of event"), max_length=20, choices=list(EVENT_TYPES.items()))
    starts_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    countries = models.JSONField(_("affected countries"), default=list,
                                 help_text=_("ISO 3166 alpha-2 codes."))
    regions = models.TextField(_("affected regions"), blank=True,
                               help_text=_("Departments, states or provinces, as the declaration "
                                           "names them."))
    glide = models.CharField(_("GLIDE number"), max_length=40, blank=True, null=True, unique=True,
                             help_text=_("The event's GLIDE number, e.g. TC-2026-000123-HND."))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"),
                                    on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("declared event")
        verbose_name_plural = _("declared events")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text_for([
            self.name, self.glide, *self.countries,
            *(str(Country(code).label) for code in self.countries if code in Country.values),
        ])
        super().save(*args, **kwargs)

    @property
    def country_names(self) -> list[str]:
        return [str(Country(code).label) for code in self.countries if code in Country.values]


class Call(models.Model):
    """One call of a fund: a budget for a period, for some countries and products, with overrides of
    the fund's parameters (a shorter decision clock, for instance)."""

    fund = models.ForeignKey("funds.Fund", verbose_name=_("fund"), on_delete=models.PROTECT,
                             related_name="calls")
    title_es = models.CharField(_("title in Spanish"), max_length=200)
    title_pt = models.CharField(_("title in Portuguese"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True,
                                 help_text=_("Empty: always open."))
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countries = models.JSONField(_("countries"), default=list, blank=True,
                                 help_text=_("ISO 3166 alpha-2 codes; empty: every country."))
    products = models.JSONField(_("products"), default=list, blank=True,
                                help_text=_("Product codes; empty: every product."))
    parameter_overrides = models.JSONField(
        _("parameter overrides"), default=dict, blank=True,
        help_text=_("Fund parameters that differ in this call, e.g. {\"decision_limit_days\": 15}."),
    )
    event = models.ForeignKey(ClimateEvent, verbose_name=_("declared event"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="calls")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["fund", "opens_on"], name="call_fund_opens_idx")]
        constraints = [
            models.CheckConstraint(name="call_budget_not_negative", condition=Q(budget__gte=0)),
            models.CheckConstraint(
                name="call_closes_after_opening",
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search_text_for([self.title_es, self.title_pt, self.title_fr, self.title_en,
                                            *self.countries])
        super().save(*args, **kwargs)

    def clean(self):
        """The admin's check of what the pages' service checks: overrides the fund knows, valid values."""
        from django.core.exceptions import ValidationError

        from .services import override_errors

        if self.fund_id:
            problems = override_errors(self.fund, self.parameter_overrides or {})
            if problems:
                raise ValidationError({"parameter_overrides": problems})

    def title_in(self, language: str) -> str:
        """The title in ``language``; a call named in fewer languages falls back to English, then Spanish."""
        for code in (language, "en", "es"):
            title = getattr(self, f"title_{code}", "") if code in LANGUAGES else ""
            if title:
                return title
        return self.title_es

    @property
    def title(self) -> str:
        return self.title_in((translation.get_language() or "es")[:2])

    @property
    def always_open(self) -> bool:
        return self.closes_on is None and self.closed_at is None

    def is_open_on(self, day: datetime.date) -> bool:
        if self.closed_at is not None or day < self.opens_on:
            return False
        return self.closes_on is None or day <= self.closes_on

    def is_for(self, organization) -> bool:
        """Whether ``organization`` may apply to this call: its country and, when the call names
        products, one of its products."""
        if self.countries and organization.country not in self.countries:
            return False
        if self.products:
            own = set(organization.products.values_list("code", flat=True))
            if not own & set(self.products):
                return False
        return True

    @property
    def budget_money(self) -> Money:
        return Money(self.budget, self.currency)

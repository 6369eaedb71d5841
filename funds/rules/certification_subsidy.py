"""Fairtrade certification subsidy: pays part of an OPP's pending certification invoice.

Award = min(coverage × invoice, cap per application, what is left of the year's budget, what the fund
has available). Coverage is 75% for first-grade organisations and 50% for second and third grade, the
rates of Fairtrade International's Producer Certification Fund. One subsidy per organisation per
certification year. The payee is the certification body named on the invoice.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import Money, minor_unit, quantize, smallest
from organizations.choices import Grade

from .base import GRANT, PAYEE_CERTIFIER, Assessment, AssessmentContext, FundRules, ReportDue, Step, percent
from .fields import FundFieldsSerializer, money_field


class CertificationSubsidyFields(FundFieldsSerializer):
    invoice_amount = money_field(label=_("Invoice amount"),
                                 help_text=_("Amount of the pending certification invoice."))
    invoice_currency = serializers.RegexField(
        r"^[A-Z]{3}$", label=_("Invoice currency"),
        help_text=_("ISO 4217 code of the invoice's currency, e.g. USD or EUR."),
    )
    invoice_number = serializers.CharField(max_length=64, label=_("Invoice number"))
    certifier = serializers.CharField(
        max_length=120, label=_("Certification body"),
        help_text=_("The certification body that issued the invoice (the payee)."),
    )
    certification_year = serializers.IntegerField(min_value=2000, max_value=2100,
                                                  label=_("Certification year"))
    exchange_rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, min_value=Decimal("0.00000001"), required=False,
        label=_("Exchange rate"),
        help_text=_("Units of the fund's currency per unit of the invoice's currency, when they "
                    "differ."),
    )


class CertificationSubsidyRules(FundRules):
    code = "certification-subsidy"
    name = _("Fairtrade certification subsidy fund")
    reference_prefix = "CERT"
    kind = GRANT
    fields_serializer = CertificationSubsidyFields
    form_steps = (
        Step("invoice", _("The certification invoice"),
             ("invoice_amount", "invoice_currency", "invoice_number", "certifier", "certification_year",
              "exchange_rate")),
    )
    document_kinds = {
        "audited_financial_statements": _("Signed audited financial statements"),
        "pending_invoice": _("Pending certification invoice"),
        "other": _("Other supporting document"),
    }
    required_documents = ("audited_financial_statements", "pending_invoice")
    criterion_labels = {
        "completeness": _("Complete and consistent file"),
        "market_access_risk": _("Risk of losing market access without the certificate"),
    }
    requested_amount_field = None
    parameter_defaults = {
        "decision_warning_days": 20,
        "decision_limit_days": 30,
        "coverage_first_grade_percent": "75",
        "coverage_other_grades_percent": "50",
        "cap_per_application": "5000.00",
        "annual_budget": "150000.00",
        "rubric": ["completeness", "market_access_risk"],
        # Reports: the certificate, once the certifier issues it, within this many days of payment.
        "certificate_report_days": 120,
        "reports_block_next_tranche": True,
        "reports_required_to_close": True,
    }

    def report_requirements(self, data, *, paid_on, parameters) -> list[ReportDue]:
        days = datetime.timedelta(days=parameters.certificate_report_days)
        return [ReportDue("certificate", 1, paid_on + days)]

    def limits(self, parameters, figures) -> list[str]:
        return [
            _("The fund pays %(first)s of the certification invoice for a first-grade organisation and "
              "%(other)s for other grades, up to %(cap)s per application, straight to the certifier.") % {
                "first": figures.percent(parameters.coverage_first_grade_percent),
                "other": figures.percent(parameters.coverage_other_grades_percent),
                "cap": figures.money(parameters.cap_per_application)},
            _("One subsidy per organisation and certification year, while the year's budget of %(budget)s "
              "lasts.") % {"budget": figures.money(parameters.annual_budget)},
            _("Fairtrade-certified small producer organisations may apply, with their certification "
              "invoice."),
        ]

    def coverage_percent(self, organization, parameters) -> Decimal:
        if organization.grade == Grade.FIRST:
            return parameters.coverage_first_grade_percent
        return parameters.coverage_other_grades_percent

    def invoice_in_fund_currency(self, data, currency: str) -> Money | None:
        if data.get("invoice_amount") in (None, ""):
            return None
        amount = Decimal(data["invoice_amount"])
        if data.get("invoice_currency", currency) != currency:
            if not data.get("exchange_rate"):
                return None
            amount = amount * Decimal(data["exchange_rate"])
        return Money(quantize(amount, minor_unit(currency)), currency)

    def assess(self, data, ctx: AssessmentContext) -> Assessment:
        reasons = []
        coverage = self.coverage_percent(ctx.organization, ctx.parameters)
        invoice = self.invoice_in_fund_currency(data, ctx.currency)
        figures = {"coverage_percent": percent(coverage)}
        if invoice is None:
            if data.get("invoice_currency") not in (None, ctx.currency):
                reasons.append(_("Give the exchange rate from the invoice's currency."))
            else:
                reasons.append(_("Give the invoice amount."))
            return Assessment(eligible=False, max_award=None, reasons=reasons, figures=figures)

        remaining_budget = self.remaining_annual_budget(ctx)
        candidates = [
            (invoice * (coverage / Decimal(100))).rounded(),
            Money(ctx.parameters.cap_per_application, ctx.currency),
            remaining_budget,
            ctx.available,
        ]
        max_award = smallest(*candidates)
        if max_award.amount < 0:
            max_award = Money.zero(ctx.currency)
        figures.update(
            invoice_in_fund_currency=invoice,
            remaining_annual_budget=remaining_budget,
        )
        year = data.get("certification_year")
        if year and self.has_other_subsidy(ctx, year):
            reasons.append(
                _("The organisation already has a subsidy application for certification year %s.")
                % year
            )
        if max_award.amount <= 0:
            reasons.append(_("The fund has no budget left for this year."))
        return Assessment(
            eligible=not reasons, max_award=max_award, reasons=reasons, figures=figures
        )

    def remaining_annual_budget(self, ctx: AssessmentContext) -> Money:
        awarded = ctx.awards.awarded(year=ctx.on.year)
        return Money(ctx.parameters.annual_budget - awarded, ctx.currency)

    def has_other_subsidy(self, ctx: AssessmentContext, year: int) -> bool:
        """Whether the organisation holds (or may still obtain) another subsidy for ``year``."""
        return ctx.awards.holds_another(organization=ctx.organization,
                                        data_matches={"certification_year": year})

    def payee(self, data, organization) -> tuple[str, str]:
        """The certification body named on the invoice, when the application names one."""
        certifier = (data or {}).get("certifier")
        if certifier:
            return PAYEE_CERTIFIER, str(certifier)
        return super().payee(data, organization)

    def submission_errors(self, data, ctx):
        errors = super().submission_errors(data, ctx)
        if (
            data.get("invoice_currency") and data["invoice_currency"] != ctx.currency
            and not data.get("exchange_rate")
        ):
            errors.setdefault("exchange_rate", []).append(
                str(_("Required when the invoice is not in %s.") % ctx.currency)
            )
        return errors

    # A certification subsidy per organisation and certification year.
    demo_past_stories = (
        {"opp": "FLO-30003", "days_ago": 290, "to": "in_execution"},
        {"opp": "FLO-10001", "days_ago": 4, "to": "draft"},
        {"opp": "FLO-20002", "days_ago": 6, "to": "submitted"},
        {"opp": "FLO-40004", "days_ago": 12, "to": "screening"},
        {"opp": "FLO-50005", "days_ago": 9, "to": "information_requested"},
        {"opp": "FLO-60006", "days_ago": 150, "to": "withdrawn"},
    )

    def demo_past_fields(self, day):
        return {"invoice_amount": "3800.00", "invoice_currency": "USD",
                "invoice_number": f"FC-{day.year}-{day.timetuple().tm_yday:03d}", "certifier": "FLOCERT GmbH",
                "certification_year": day.year}

"""The demo's calls: one open call of each fund for the current year (the certification subsidy's is
always open), each with the fund's demo capital as its budget. Safe to run again."""

import datetime
from decimal import Decimal

from django.utils import timezone

from funds.models import Fund, FundCode

from .models import Call
from .services import call_create

TITLES = {
    FundCode.CERTIFICATION_SUBSIDY: ("Subsidio a la certificación {year}", "Subsídio à certificação {year}",
                                     "Subvention à la certification {year}", "Certification subsidy {year}"),
    FundCode.YOUTH_REVOLVING: ("Fondo rotatorio juvenil {year}", "Fundo rotativo juvenil {year}",
                               "Fonds renouvelable jeunesse {year}", "Youth revolving fund {year}"),
    FundCode.CLIMATE_EVENTUALITY: ("Eventualidades climáticas {year}", "Eventualidades climáticas {year}",
                                   "Aléas climatiques {year}", "Climate eventualities {year}"),
    FundCode.CATASTROPHIC_EVENTS: ("Eventos catastróficos {year}", "Eventos catastróficos {year}",
                                   "Événements catastrophiques {year}", "Catastrophic events {year}"),
}


def demo_calls(*, by, budgets: dict[str, Decimal]) -> list[Call]:
    year = timezone.localdate().year
    calls = []
    for fund in Fund.objects.filter(code__in=budgets).order_by("id"):
        titles = [title.format(year=year) for title in TITLES[fund.code]]
        existing = Call.objects.filter(fund=fund, title_es=titles[0]).first()
        if existing is not None:
            calls.append(existing)
            continue
        always_open = fund.code == FundCode.CERTIFICATION_SUBSIDY
        calls.append(call_create(by=by, fund=fund, values={
            "title_es": titles[0], "title_pt": titles[1], "title_fr": titles[2], "title_en": titles[3],
            "budget": str(budgets[fund.code]), "opens_on": datetime.date(year, 1, 1),
            "closes_on": None if always_open else datetime.date(year, 12, 31),
        }))
    return calls

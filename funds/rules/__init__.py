"""The registry of fund rules: one module per fund, behind ``funds.rules.base.FundRules``."""

from .base import FundRules
from .catastrophic_events import CatastrophicEventsRules
from .certification_subsidy import CertificationSubsidyRules
from .climate_eventuality import ClimateEventualityRules
from .youth_revolving import YouthRevolvingRules

RULES: dict[str, FundRules] = {
    rules.code: rules
    for rules in (
        CertificationSubsidyRules(),
        YouthRevolvingRules(),
        ClimateEventualityRules(),
        CatastrophicEventsRules(),
    )
}


def rules_for(code: str) -> FundRules:
    return RULES[code]

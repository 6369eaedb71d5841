"""The registry of fund rules: one module per fund, behind ``funds.rules.base.FundRules``.

Every part of Fondos asks this registry about a fund (``rules_for(code)``, or ``fund.rules``) and lists
the funds it knows from it (``fund_choices()``): no other module names a fund. A fund is registered
once, at import, below; tests register a fund of their own with ``register`` and take it away with
``unregister``.
"""

from __future__ import annotations

from .base import FundRules
from .catastrophic_events import CatastrophicEventsRules
from .certification_subsidy import CertificationSubsidyRules
from .climate_eventuality import ClimateEventualityRules
from .youth_revolving import YouthRevolvingRules

RULES: dict[str, FundRules] = {}


def register(rules: FundRules) -> FundRules:
    """Make ``rules`` the rules of the fund with its code (``Fund`` rows with that code use them)."""
    if not rules.code or rules.code != rules.code.lower() or not all(
        part.isalpha() and part.isascii() for part in rules.code.split("-")
    ):
        raise ValueError(f"A fund's code is lower-case ASCII words joined by hyphens, not {rules.code!r}.")
    if rules.kind not in ("grant", "loan"):
        raise ValueError(f"A fund is a grant or a loan fund, not {rules.kind!r}.")
    RULES[rules.code] = rules
    return rules


def unregister(code: str) -> None:
    """Forget the fund ``code`` (a test's own fund, once the test is over)."""
    RULES.pop(code, None)


def rules_for(code: str) -> FundRules:
    return RULES[code]


def fund_codes() -> list[str]:
    """The codes of every registered fund, in the order they were registered."""
    return list(RULES)


def fund_choices() -> list[tuple[str, object]]:
    """(code, name) of every registered fund: the choices of every list's and form's fund filter."""
    return [(code, rules.name) for code, rules in RULES.items()]


class RegisteredFunds:
    """(code, name) of every registered fund, read afresh each time it is iterated: the choices of a
    list's fund filter (a form made per request sees a fund registered after start-up, and the API
    schema still lists the funds as an enum)."""

    def __iter__(self):
        return iter(fund_choices())

    def __len__(self) -> int:
        return len(RULES)


FUND_CHOICES = RegisteredFunds()


def fund_code_for_events(role: str) -> str | None:
    """The fund whose calls a declared event opens in ``role`` (``funds.rules.events``), if any."""
    return next((code for code, rules in RULES.items() if rules.declared_event_calls == role), None)


def fund_name(code: str) -> str:
    """The fund's name in the active language; an unknown code stays as it is."""
    rules = RULES.get(code)
    return str(rules.name) if rules is not None else code


for _rules in (
    CertificationSubsidyRules(),
    YouthRevolvingRules(),
    ClimateEventualityRules(),
    CatastrophicEventsRules(),
):
    register(_rules)
del _rules

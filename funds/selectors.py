import datetime

from .models import Fund, FundParameters
from .rules.base import Parameters


def fund_parameters_on(*, fund: Fund, day: datetime.date) -> Parameters:
    """The fund's parameters in force on ``day``: the latest version valid from that day or before."""
    version = (
        FundParameters.objects.filter(fund=fund, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("values", flat=True)
        .first()
    )
    return fund.rules.parse_parameters(version or {})

"""Reference data every installation has: the four funds and CLAC's product codes."""

FUNDS = [
    ("certification-subsidy", "grant"),
    ("youth-revolving", "loan"),
    ("climate-eventuality", "grant"),
    ("catastrophic-events", "grant"),
]
PRODUCTS = ["coffee", "banana", "cacao", "sugar", "honey", "fruit", "flowers", "wine_grapes",
            "quinoa", "other"]


def create_reference_data(fund_model=None, product_model=None):
    if fund_model is None:
        from funds.models import Fund as fund_model
        from organizations.models import ProductCode as product_model
    for code, kind in FUNDS:
        fund_model.objects.get_or_create(code=code, defaults={"kind": kind, "currency": "USD"})
    if product_model is not None:
        for code in PRODUCTS:
            product_model.objects.get_or_create(code=code)

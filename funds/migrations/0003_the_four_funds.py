from django.db import migrations

FUNDS = [
    ("certification-subsidy", "grant"),
    ("youth-revolving", "loan"),
    ("climate-eventuality", "grant"),
    ("catastrophic-events", "grant"),
]


def create_funds(apps, schema_editor):
    Fund = apps.get_model("funds", "Fund")
    for code, kind in FUNDS:
        Fund.objects.get_or_create(code=code, defaults={"kind": kind, "currency": "USD"})


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_initial")]
    operations = [migrations.RunPython(create_funds, migrations.RunPython.noop)]

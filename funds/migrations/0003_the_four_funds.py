from django.db import migrations

from ._reference import create_reference_data


def create_funds(apps, schema_editor):
    create_reference_data(fund_model=apps.get_model("funds", "Fund"))


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_initial")]
    operations = [migrations.RunPython(create_funds, migrations.RunPython.noop)]

from django.db import migrations

from funds.migrations._reference import PRODUCTS


def create_products(apps, schema_editor):
    ProductCode = apps.get_model("organizations", "ProductCode")
    for code in PRODUCTS:
        ProductCode.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(create_products, migrations.RunPython.noop)]

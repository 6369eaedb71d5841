from django.db import migrations, models

from listing.trigram import trigram_index


def backfill(apps, schema_editor):
    from organizations.models import organization_search_text

    Organization = apps.get_model("organizations", "Organization")
    changed = []
    for organization in Organization.objects.only("short_name", "legal_name", "country", "fairtrade_id").iterator(
            chunk_size=2000):
        organization.search_text = organization_search_text(
            organization.short_name, organization.legal_name, organization.country, organization.fairtrade_id)
        changed.append(organization)
        if len(changed) >= 2000:
            Organization.objects.bulk_update(changed, ["search_text"])
            changed = []
    Organization.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0006_deputy_committee_chair"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False,
                help_text="Names, country and Fairtrade ID without accents or capitals, kept on every save.",
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        trigram_index("organizations_organization", "search_text", "org_search_trgm"),
    ]

from django.db import migrations, models

from listing.trigram import trigram_index


def backfill(apps, schema_editor):
    from applications.models import application_search_text, reference_for

    Application = apps.get_model("applications", "Application")
    rows = (Application.objects.order_by("pk")
            .values_list("pk", "fund__code", "created_at", "organization__search_text",
                         "created_by__first_name", "created_by__last_name"))
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:2000])
        if not chunk:
            break
        changed = [
            Application(pk=pk, search_text=application_search_text(
                reference_for(code, created_at, pk), organization_text or "", f"{first} {last_name}"))
            for pk, code, created_at, organization_text, first, last_name in chunk
        ]
        Application.objects.bulk_update(changed, ["search_text"])
        last = chunk[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_review_superseded_and_changes"),
        ("organizations", "0007_organization_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False,
                help_text="Reference, organisation, country and applicant without accents or capitals.",
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        trigram_index("applications_application", "search_text", "app_search_trgm"),
    ]

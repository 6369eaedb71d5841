from django.db import migrations, models

from listing.trigram import trigram_index


def backfill(apps, schema_editor):
    from organizations.models import person_search_text

    User = apps.get_model("organizations", "User")
    changed = []
    for user in User.objects.only("username", "first_name", "last_name", "email").iterator(chunk_size=2000):
        user.search_text = person_search_text(user.username, user.first_name, user.last_name, user.email)
        changed.append(user)
        if len(changed) >= 2000:
            User.objects.bulk_update(changed, ["search_text"])
            changed = []
    User.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0007_organization_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False,
                help_text="Name, username and e-mail without accents or capitals, kept on every save.",
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        trigram_index("organizations_user", "search_text", "user_search_trgm"),
    ]

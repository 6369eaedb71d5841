import datetime
import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.crypto import salted_hmac

OLD_TABLE = "authtoken_token"


def hash_the_old_tokens(apps, schema_editor):
    """Keys issued before tokens were hashed keep working until they expire; their plain copies go."""
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("organizations", "ApiToken")
    User = apps.get_model("organizations", "User")
    expires = timezone.now() + datetime.timedelta(days=getattr(settings, "FONDOS_API_TOKEN_DAYS", 90))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {OLD_TABLE}")  # noqa: S608
        for key, user_id in cursor.fetchall():
            password = User.objects.filter(pk=user_id).values_list("password", flat=True).first()
            if password is None:
                continue
            # As AbstractBaseUser.get_session_auth_hash computes it.
            fingerprint = salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                                      password, algorithm="sha256").hexdigest()
            ApiToken.objects.create(user_id=user_id, key_hash=hashlib.sha256(key.encode()).hexdigest(),
                                    password_fingerprint=fingerprint, expires_at=expires)
        cursor.execute(f"DELETE FROM {OLD_TABLE}")  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0004_historicaluser'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('password_fingerprint', models.CharField(editable=False, max_length=128)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created_at'],
            },
        ),
        migrations.RunPython(hash_the_old_tokens, migrations.RunPython.noop),
    ]

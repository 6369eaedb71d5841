import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parent.parent


def run_django(*args, env_overrides=None):
    # A fresh process with the machine's environment, less what tests set for themselves (the browser
    # tests allow Django's ORM inside Playwright's event loop, which a deployment must never do).
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_database_follows_database_url():
    expected = "postgresql" if ON_POSTGRES else "sqlite"
    assert connection.vendor == expected


def test_embedded_default_is_sqlite_under_data_and_in_process_tasks():
    result = run_django(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE)",
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.base"},
    )
    assert result.returncode == 0, result.stderr
    engine, name, eager, language = result.stdout.splitlines()[-1].split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "data" / "fondos.sqlite3"
    assert eager == "True"
    assert language == "es"


def test_redis_url_switches_to_a_real_broker():
    result = run_django(
        "shell", "-c",
        "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)",
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.base",
                       "REDIS_URL": "redis://127.0.0.1:6379/3"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["redis://127.0.0.1:6379/3", "False"]


@pytest.mark.parametrize("secret", ["", "short", "insecure-development-key-never-use-in-production"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = run_django(
        "check",
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": secret},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean():
    result = run_django(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "k" * 20 + "x9Q!zP4#mW2$rT7&yU1*eI5(oA8)sD3^fG6-hJ0",
            "ALLOWED_HOSTS": "fondos.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_four_languages_spanish_first():
    assert [code for code, _ in settings.LANGUAGES] == ["es", "pt", "fr", "en"]
    assert settings.LANGUAGE_CODE == "es"


SHOW_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, 'loadtest' in s.INSTALLED_APPS, s.DATABASES['default']['ENGINE'], "
    "s.CELERY_TASK_ALWAYS_EAGER, 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE, "
    "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1], s.SECURE_PROXY_SSL_HEADER)"
)
PRODUCTION_KEY = "k" * 20 + "x9Q!zP4#mW2$rT7&yU1*eI5(oA8)sD3^fG6-hJ0"


def shown(settings_module, **env):
    result = run_django("shell", "-c", SHOW_SETTINGS,
                        env_overrides={"DJANGO_SETTINGS_MODULE": settings_module, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split(maxsplit=6)


def test_debug_is_off_unless_the_environment_turns_it_on():
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings as s; print(s.DEBUG)"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"
    assert shown("config.settings.base", DEBUG="true")[0] == "True"


def test_the_demo_settings_debug_on_sqlite_in_process_tasks_whatever_the_environment_says():
    debug, loadtest, engine, eager, whitenoise, _, _ = shown(
        "config.settings.local", DATABASE_URL="postgres://postgres@127.0.0.1:9/production",
        REDIS_URL="redis://127.0.0.1:9/0",
    )
    assert (debug, loadtest, engine, eager, whitenoise) == (
        "True", "True", "django.db.backends.sqlite3", "True", "True"
    )


def test_production_has_no_load_generator_and_serves_hashed_static_files():
    debug, loadtest, _, _, whitenoise, storage, proxy_header = shown(
        "config.settings.production", SECRET_KEY=PRODUCTION_KEY, DEBUG="true"
    )
    assert (debug, loadtest, whitenoise) == ("False", "False", "True")
    assert storage == "CompressedManifestStaticFilesStorage"
    assert proxy_header == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_trusts_no_forwarded_protocol_when_gunicorn_holds_the_certificate():
    proxy_header = shown("config.settings.production", SECRET_KEY=PRODUCTION_KEY,
                         TRUST_X_FORWARDED_PROTO="false")[-1]
    assert proxy_header == "None"


def test_the_application_serves_its_own_static_files(client):
    response = client.get("/static/css/fondos.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "nosniff" in response["X-Content-Type-Options"]
    assert response.headers.get("Content-Security-Policy")
    assert b"".join(response.streaming_content)
    assert client.get("/static/css/not-there.css").status_code == 404

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

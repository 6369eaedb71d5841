"""docker-compose.yml and the Dockerfile say what bin/production-smoke proves on this machine: they must
keep the order and the pieces it relies on."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_the_database_is_migrated_once_before_web_worker_and_beat_start():
    services = COMPOSE["services"]
    assert "manage.py migrate" in services["migrate"]["command"]
    assert "manage.py install_schedules" in services["migrate"]["command"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in services[name]["command"]
    assert services["web"]["command"].startswith("gunicorn config.wsgi --bind 0.0.0.0:8000")


def test_every_fondos_service_shares_the_media_and_backups_volumes():
    for name in ("migrate", "web", "worker", "beat"):
        service = COMPOSE["services"][name]
        assert {"media:/data/media", "backups:/data/backups"} <= set(service["volumes"])
        assert service["environment"]["MEDIA_ROOT"] == "/data/media"
        assert service["environment"]["BACKUP_DIR"] == "/data/backups"


def test_the_image_runs_the_production_settings_with_its_static_files_and_the_backup_tools():
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in DOCKERFILE
    assert "manage.py collectstatic" in DOCKERFILE
    assert "postgresql-client" in DOCKERFILE
    locked = {line.split("==")[0].lower() for line in (ROOT / "requirements.lock").read_text().splitlines()}
    assert "whitenoise" in locked

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backup and restore of the database and the media files, and the integrity check run after a
    restore (``manage.py backup``, ``restore``, ``verify_integrity``). No models."""

    name = "backups"
    verbose_name = "Backups"

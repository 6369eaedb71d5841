FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
# postgresql-client: pg_dump and pg_restore for manage.py backup / restore (version 15, as the db service);
# gnupg: backups encrypted with BACKUP_PASSPHRASE.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core postgresql-client gnupg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_hex(32))') \
    python manage.py compilemessages --ignore=.venv -v0 \
 && SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_hex(32))') \
    python manage.py collectstatic --noinput -v0
RUN useradd --system --home /app fondos && mkdir -p /data/media /data/backups && chown -R fondos /data
USER fondos
EXPOSE 8000
# Static files are collected above and served by gunicorn itself (whitenoise); see docker-compose.yml.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

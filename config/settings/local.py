"""The demo and local development (``bin/demo``): DEBUG on, the SQLite file under ``data/``, tasks run
in the web process, and the load generator (``manage.py generate_load_data``) installed.

``DATABASE_URL`` and ``REDIS_URL`` are ignored here on purpose, so that the demo's data can never be
written into a database or broker that a ``.env`` file points at.
"""

from .base import *  # noqa: F403
from .base import EMBEDDED_DATABASE_URL, INSTALLED_APPS, MIDDLEWARE, database, env

DEBUG = env.bool("DEBUG", default=True)
INSTALLED_APPS = [*INSTALLED_APPS, "loadtest"]

DATABASES = {"default": database(EMBEDDED_DATABASE_URL)}
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
# The demo's administrator and finance accounts sign in with the password alone unless this asks for
# two-factor sign-in (production requires it of them: config/settings/base.py).
FONDOS_TWO_FACTOR_REQUIRED_ROLES = env.list("FONDOS_TWO_FACTOR_ROLES", default=[])
# The demo shows the same 403, 404 and 500 pages as production, in the person's language, even with DEBUG
# on; DEBUG_TECHNICAL_PAGES=true brings back Django's technical pages for development.
if not env.bool("DEBUG_TECHNICAL_PAGES", default=False):
    MIDDLEWARE = [*MIDDLEWARE, "portal.error_pages.ErrorPagesMiddleware"]

"""Test settings: the embedded default unless DATABASE_URL / REDIS_URL say otherwise.

Tasks run eagerly (after commit) so that tests are deterministic; tests marked ``broker`` switch that
off and run a real Celery worker against Redis.
"""

import tempfile
import uuid

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The load generator makes the data of the query-count tests.
INSTALLED_APPS = [*INSTALLED_APPS, "loadtest"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="fondos-test-media-")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Sign-in failure counters live in the cache (Redis on the PostgreSQL pass): keep each run's apart.
FONDOS_LOGIN_LOCKOUT_NAMESPACE = f"fondos-test-{uuid.uuid4().hex}:login-fail"
# Two-factor sign-in is required of no role here; tests/security/test_two_factor_roles.py turns it on.
FONDOS_TWO_FACTOR_REQUIRED_ROLES = []
# Static files straight from the apps' folders, found on each request: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

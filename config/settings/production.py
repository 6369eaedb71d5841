"""Production: PostgreSQL, Redis, secure cookies and headers. Refuses to start without a real key.

HTTPS is required: either gunicorn holds the certificate (``GUNICORN_CMD_ARGS="--certfile ...
--keyfile ..."``) or a TLS-terminating proxy in front sets ``X-Forwarded-Proto``; plain HTTP requests are
redirected to HTTPS. ``SECURE_SSL_REDIRECT=false`` is only for a proxy that redirects by itself.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure-") or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# Behind a TLS-terminating proxy (the default) its X-Forwarded-Proto says whether the client used HTTPS;
# that is safe only when gunicorn is reachable through the proxy alone. When gunicorn holds the
# certificate itself, set TRUST_X_FORWARDED_PROTO=false so that no client can claim HTTPS by a header.
if env.bool("TRUST_X_FORWARDED_PROTO", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# No script reads the CSRF cookie: forms (and the upload script) send the token from the page.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Collected files get content hashes in their names and compressed copies, so they can be cached forever.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Only the hashed names are kept (templates always name files through {% static %}); source maps are
# for developers' tools and stay uncompressed, which keeps collectstatic quick.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz",
                                       "xz", "br", "swf", "flv", "woff", "woff2", "map")

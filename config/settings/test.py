from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Off in tests; tests about rate limits switch them on with override_settings.
ACCOUNT_RATE_LIMITS = False
# Eager unless a test is about the real worker (those start one themselves, and that
# worker process runs with CELERY_REAL_WORKER=1 so what it enqueues goes to Redis too).
CELERY_TASK_ALWAYS_EAGER = not env.bool("CELERY_REAL_WORKER", default=False)
CELERY_BROKER_URL = env("REDIS_URL", default="") or "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:" if "DATABASE_URL" not in env.ENVIRON else DATABASES["default"]["NAME"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

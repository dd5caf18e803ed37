"""Settings for the benchmark server: production settings served over plain HTTP on
127.0.0.1, plus a timing middleware and one bench-only URL (bench/urls.py). Never used
outside `make bench-search`."""

import os

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings.production import *  # noqa: E402,F403
from config.settings.production import MIDDLEWARE  # noqa: E402

ROOT_URLCONF = "bench.urls"
# Outermost, so the time it reports covers every other middleware, the view and the template.
MIDDLEWARE = ["bench.middleware.server_timing", *MIDDLEWARE]
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/practicum_bench_static")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

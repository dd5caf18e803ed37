"""Personas (STYLE.md) and the rules that decide which tests need real services.

Tests marked `postgres`, `redis` or `browser` need PostgreSQL, a Redis broker or Chromium.
Where one is missing they are skipped with the reason, so `make test` passes on a bare
machine; with PRACTICUM_REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails
those tests instead, so CI can never pass by skipping.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("PRACTICUM_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_reason():
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set (run with a Redis broker, as .ci/run does)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL is not reachable: {exc}"
    return None


def _missing_reasons():
    reasons = {}
    if connection.vendor != "postgresql":
        reasons["postgres"] = "needs PostgreSQL: DATABASE_URL is not set, the suite runs on SQLite"
    redis_reason = _redis_reason()
    if redis_reason:
        reasons["redis"] = redis_reason
    if not shutil.which(CHROMIUM):
        reasons["browser"] = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reasons["browser"] = "the playwright package is not installed (make install)"
    return reasons


_REASONS: dict[str, str] = {}


def pytest_collection_modifyitems(config, items):
    _REASONS.update(_missing_reasons())
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
    if REQUIRE_SERVICES:
        return  # pytest_runtest_setup fails them instead
    for item in items:
        for marker, reason in _REASONS.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item):
    if REQUIRE_SERVICES:
        missing = [reason for marker, reason in _REASONS.items() if marker in item.keywords]
        if missing:
            pytest.fail("PRACTICUM_REQUIRE_SERVICES=1 but " + "; ".join(missing), pytrace=False)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _shipped_taxonomy(request):
    """Transactional tests (browser, concurrency, worker) flush the database after each
    test, which also removes the taxonomy that a data migration ships; load it again."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from accounts.models import Discipline

    if not Discipline.objects.exists():
        import importlib

        importlib.import_module("accounts.migrations.0002_taxonomy").load(apps, None)


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    """Each test stores uploads in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-media", "base_url": None},
        },
    }


# --- Personas -------------------------------------------------------------------------
@pytest.fixture
def school(db):
    return f.SchoolFactory(name="Riverside College of Health")


@pytest.fixture
def other_school(db):
    return f.SchoolFactory(name="Lakeside University", city="Chicago", state="IL")


@pytest.fixture
def site(db):
    return f.SiteFactory(name="Mercy General Hospital")


@pytest.fixture
def other_site(db):
    return f.SiteFactory(name="Bayview Rehabilitation Centre", kind="rehab", city="Tampa", state="FL")


@pytest.fixture
def student(school):
    return f.StudentFactory(school=school, email="student@example.org", first_name="Sam", last_name="Lee")


@pytest.fixture
def other_student(other_school):
    return f.StudentFactory(school=other_school, email="other-student@example.org", first_name="Jo", last_name="Park")


@pytest.fixture
def coordinator(school):
    return f.CoordinatorFactory(school=school, email="coordinator@example.org", first_name="Casey", last_name="Ng")


@pytest.fixture
def other_coordinator(other_school):
    return f.CoordinatorFactory(school=other_school, email="other-coordinator@example.org")


@pytest.fixture
def site_staff(site):
    return f.SiteStaffFactory(site=site, email="staff@example.org", first_name="Morgan", last_name="Diaz")


@pytest.fixture
def other_site_staff(other_site):
    return f.SiteStaffFactory(site=other_site, email="other-staff@example.org")


@pytest.fixture
def mentor(site):
    return f.MentorFactory(site=site, email="mentor@example.org", first_name="Robin", last_name="Shah")


@pytest.fixture
def platform_staff(db):
    return f.PlatformStaffFactory(email="admin@example.org")


PERSONAS = (
    "anonymous",
    "student",
    "other_student",
    "coordinator",
    "other_coordinator",
    "site_staff",
    "other_site_staff",
    "mentor",
    "platform_staff",
)


@pytest.fixture
def personas(request, db):
    """Every persona by name; anonymous is None.

    It asks for `db` itself: the personas come through getfixturevalue, which pytest-django
    cannot see when it orders tests, and a test it takes for database-free runs after the
    transactional ones, whose flush has removed the taxonomy the factories need."""
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in PERSONAS}


@pytest.fixture
def client_for(client, db):
    """client_for(user) gives a test client logged in as user (or anonymous for None)."""

    def _client(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def is_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

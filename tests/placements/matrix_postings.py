"""Matrix rows for the posting, search and saved-item URLs (see tests/matrix.py)."""

from tests.matrix import Case  # noqa: F401

CASES: list = []

# --- manage (site staff: placements/views/posting_manage.py) --------------------------
import datetime as _dt  # noqa: E402

from django.urls import reverse as _reverse  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402

from tests.matrix import expect as _expect  # noqa: E402


def _posting_data(world):
    """A valid posting form for the site's staff (the world's nursing/cardiology)."""
    today = _timezone.localdate()
    published = world["published"]
    return {
        "title": "Matrix test internship",
        "kind": "internship",
        "discipline": published.discipline_id,
        "specialties": [s.pk for s in published.specialties.all()],
        "description": "A placement.",
        "duties": "Shadowing.",
        "learning_objectives": "Basics.",
        "city": "Cleveland",
        "state": "OH",
        "work_mode": "onsite",
        "start_date": (today + _dt.timedelta(days=60)).isoformat(),
        "end_date": (today + _dt.timedelta(days=120)).isoformat(),
        "application_deadline": (today + _dt.timedelta(days=30)).isoformat(),
        "hours_per_week": 20,
        "slots": 2,
    }


def _url(name, key=None):
    if key is None:
        return lambda world: _reverse(f"placements:{name}")
    return lambda world: _reverse(f"placements:{name}", args=[world[key].pk])


# Site staff of any site manage their own list; everyone else signed in is refused.
_OWN_LIST = _expect(403, anonymous=302, site_staff=200, other_site_staff=200)
# A draft of `site`: invisible (404) to all but its staff and platform staff, who may
# see but not change it (403). Anonymous people are sent to log in first.
_DRAFT = _expect(404, anonymous=302, site_staff=200, platform_staff=403)
_DRAFT_POST = _expect(404, anonymous=302, site_staff=302, platform_staff=403)
# A published posting of `site`: everyone may see it, only its staff change it.
_PUBLISHED = _expect(403, anonymous=302, site_staff=200)
_PUBLISHED_POST = _expect(403, anonymous=302, site_staff=302)

CASES += [
    Case("placements:posting-manage-list", _url("posting-manage-list"), _OWN_LIST),
    Case("placements:posting-create", _url("posting-create"), _OWN_LIST),
    Case(
        "placements:posting-create",
        _url("posting-create"),
        _expect(403, anonymous=302, site_staff=302, other_site_staff=302),
        method="post",
        data=_posting_data,
        label="valid",
    ),
    Case("placements:posting-edit", _url("posting-edit", "draft"), _DRAFT, label="draft"),
    Case("placements:posting-edit", _url("posting-edit", "published"), _PUBLISHED, label="published"),
    Case(
        "placements:posting-edit",
        _url("posting-edit", "other_draft"),
        _expect(404, anonymous=302, other_site_staff=200, platform_staff=403),
        label="other site's draft",
    ),
    Case(
        "placements:posting-edit",
        _url("posting-edit", "draft"),
        _DRAFT_POST,
        method="post",
        data=_posting_data,
        label="draft saved",
    ),
    Case("placements:posting-preview", _url("posting-preview", "draft"), _DRAFT, label="draft"),
    Case("placements:posting-preview", _url("posting-preview", "published"), _PUBLISHED, label="published"),
    Case("placements:posting-publish", _url("posting-publish", "draft"), _DRAFT_POST, method="post", label="draft"),
    Case(
        "placements:posting-publish",
        _url("posting-publish", "other_draft"),
        _expect(404, anonymous=302, other_site_staff=302, platform_staff=403),
        method="post",
        label="other site's draft",
    ),
    Case("placements:posting-close", _url("posting-close", "published"), _PUBLISHED, label="confirm"),
    Case(
        "placements:posting-close",
        _url("posting-close", "published"),
        _PUBLISHED_POST,
        method="post",
        data=lambda world: {"reason": "manual"},
    ),
    Case("placements:posting-archive", _url("posting-archive", "draft"), _DRAFT, label="confirm"),
    Case("placements:posting-archive", _url("posting-archive", "draft"), _DRAFT_POST, method="post"),
    Case("placements:posting-duplicate", _url("posting-duplicate", "published"), _PUBLISHED_POST, method="post"),
    Case(
        "placements:posting-duplicate",
        _url("posting-duplicate", "draft"),
        _DRAFT_POST,
        method="post",
        label="draft",
    ),
]

# --- browse (students and the public: placements/views/postings.py) ---------------------


def _site_url(world):
    return _reverse("placements:site-detail", args=[world["site"].slug])


def _unverified_site_url(world):
    site = world["site"]
    site.verified = False
    site.save(update_fields=["verified"])
    return _reverse("placements:site-detail", args=[site.slug])


# Only students keep saved postings and searches; others signed in are refused (403),
# anonymous people are sent to log in.
_STUDENTS_ONLY = _expect(403, anonymous=302, student=200, other_student=200)
_STUDENTS_ONLY_POST = _expect(403, anonymous=302, student=302, other_student=302)
# A saved search is its student's alone: anyone else gets 404, as for a missing one.
_OWN_SAVED_SEARCH = _expect(404, anonymous=302, student=302)

CASES += [
    Case("placements:posting-list", _url("posting-list"), _expect(200)),
    Case("placements:posting-detail", _url("posting-detail", "published"), _expect(200), label="published"),
    Case(
        "placements:posting-detail",
        _url("posting-detail", "draft"),
        _expect(404, site_staff=200, platform_staff=200),
        label="draft",
    ),
    Case(
        "placements:posting-detail",
        _url("posting-detail", "other_draft"),
        _expect(404, other_site_staff=200, platform_staff=200),
        label="other site's draft",
    ),
    Case(
        "placements:posting-save",
        _url("posting-save", "published"),
        _STUDENTS_ONLY_POST,
        method="post",
        data=lambda world: {"saved": "1"},
    ),
    Case(
        "placements:posting-save",
        _url("posting-save", "draft"),
        _expect(404, anonymous=302, site_staff=403, platform_staff=403),
        method="post",
        data=lambda world: {"saved": "1"},
        label="draft",
    ),
    Case("placements:site-detail", _site_url, _expect(200)),
    Case(
        "placements:site-detail",
        _unverified_site_url,
        _expect(404, site_staff=200, mentor=200, platform_staff=200),
        label="unverified",
    ),
    Case("placements:saved-postings", _url("saved-postings"), _STUDENTS_ONLY),
    Case("placements:saved-searches", _url("saved-searches"), _STUDENTS_ONLY),
    Case(
        "placements:saved-search-create",
        _url("saved-search-create"),
        _STUDENTS_ONLY_POST,
        method="post",
        data=lambda world: {"name": "Matrix search", "query": "state=OH&discipline=nursing"},
    ),
    Case(
        "placements:saved-search-update",
        _url("saved-search-update", "saved_search"),
        _OWN_SAVED_SEARCH,
        method="post",
        data=lambda world: {"alerts": "0"},
    ),
    Case(
        "placements:saved-search-delete",
        _url("saved-search-delete", "saved_search"),
        _OWN_SAVED_SEARCH,
        method="post",
    ),
]

"""The demo postings: many, varied, valid, and a second run adds nothing."""

import io

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import Discipline
from placements import demo
from placements.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db

_CITIES = [("Cleveland", "OH"), ("Tampa", "FL"), ("Austin", "TX"), ("Denver", "CO"), ("Seattle", "WA")]


@pytest.fixture
def demo_sites():
    mercy = f.SiteFactory(name="Mercy General Hospital")
    mentor = f.MentorFactory(site=mercy, email="mentor@example.com")
    f.SiteStaffFactory(site=mercy, email="site@example.com")
    others = [f.SiteFactory(city=city, state=state) for city, state in _CITIES * 4]
    f.SiteFactory(name="Unverified Clinic", verified=False)
    return mercy, mentor, others


def test_demo_seeds_varied_valid_postings_and_is_idempotent(demo_sites):
    mercy, mentor, _others = demo_sites
    out = io.StringIO()
    demo.seed(stdout=out)
    postings = Posting.objects.all()
    count = postings.count()
    assert count == demo.DEMO_POSTINGS
    assert not postings.filter(site__verified=False).exists()
    assert set(postings.values_list("discipline", flat=True)) == set(Discipline.objects.values_list("pk", flat=True))
    assert postings.values("specialties").distinct().count() >= 30
    statuses = dict(postings.order_by().values_list("status").annotate(n=Count("pk")))
    assert statuses[Posting.Status.PUBLISHED] > count * 0.6
    assert statuses.get(Posting.Status.CLOSED) and statuses.get(Posting.Status.DRAFT)
    assert postings.filter(is_paid=True).exists() and postings.filter(work_mode="hybrid").exists()
    assert postings.filter(kind="externship").exists() and postings.filter(kind="internship").exists()
    assert postings.filter(site=mercy).count() >= 8
    assert postings.filter(site=mercy, mentor=mentor).exists()
    today = timezone.localdate()
    for posting in postings:
        assert posting.end_date > posting.start_date and posting.application_deadline < posting.start_date
        if posting.status == Posting.Status.PUBLISHED:
            assert posting.application_deadline >= today
        if posting.is_paid:
            assert posting.stipend_amount and posting.stipend_period
        assert posting.specialties.exists()

    demo.seed(stdout=out)
    assert Posting.objects.count() == count
    assert "0 created" in out.getvalue().splitlines()[-1]


def test_demo_without_sites_says_so(db):
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "no verified sites" in out.getvalue()
    assert not Posting.objects.exists()

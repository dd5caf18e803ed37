"""The listing page (full page vs htmx fragment), the posting page and the public site page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from placements.models import Application, Posting
from placements.services.search import posting_search_refresh
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("placements:posting-list")


def _detail(posting):
    return reverse("placements:posting-detail", args=[posting.pk])


# --- listing -------------------------------------------------------------------------
def test_full_page_without_htmx_and_fragment_with_it(client, site):
    f.PostingFactory(site=site, title="Cardiac nursing internship")
    full = client.get(LIST, {"discipline": "nursing"})
    assert full.status_code == 200
    assert "HX-Request" in full["Vary"]
    html = full.content.decode()
    assert "<html" in html and 'id="posting-filters"' in html and 'method="get"' in html
    assert 'hx-push-url="true"' in html and "Updating results…" in html
    assert 'aria-live="polite"' in html
    fragment = client.get(LIST, {"discipline": "nursing"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in fragment["Vary"]
    part = fragment.content.decode()
    assert "<html" not in part and 'id="posting-filters"' not in part
    assert "Cardiac nursing internship" in part
    # The count and the facets travel out of band, so the form's counts stay true.
    assert part.count('hx-swap-oob="') == 4
    assert 'id="facet-discipline"' in part and 'id="facet-specialties"' in part


def test_history_restore_gets_the_full_page(client, site):
    f.PostingFactory(site=site)
    response = client.get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_cards_show_what_a_student_needs(client, site, student):
    today = timezone.localdate()
    posting = f.PostingFactory(
        site=site,
        title="Paid cardiac internship",
        is_paid=True,
        stipend_amount=Decimal("18.00"),
        stipend_period=Posting.StipendPeriod.HOUR,
        slots=3,
        application_deadline=today + dt.timedelta(days=3),
        start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30 + 70),
        specialties=[f.specialty("cardiology"), f.specialty("critical-care")],
    )
    f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)
    html = client.get(LIST).content.decode()
    for text in (
        "Paid cardiac internship",
        site.name,
        f"{site.city}, {site.state}",
        "Internship",
        "On-site",
        "Nursing",
        "Cardiology",
        "Critical care",
        "10 weeks",
        "24 hours a week",
        "$18 per hour",
        "2 of 3 places left",
        "Closes in 3 days",
    ):
        assert text in html, text
    assert reverse("placements:site-detail", args=[site.slug]) in html
    # Save buttons only for students.
    assert "☆ Save" not in html
    client.force_login(student)
    assert "☆ Save" in client.get(LIST).content.decode()


def test_empty_listing_says_so(client):
    html = client.get(LIST).content.decode()
    assert "No postings match right now" in html
    assert "include_closed=on" in html


def test_nav_links(client, student, site_staff):
    assert reverse("placements:posting-list") in client.get(reverse("home")).content.decode()
    client.force_login(student)
    html = client.get(LIST).content.decode()
    assert 'href="/saved/"' in html and ">Browse openings<" in html


# --- posting page ----------------------------------------------------------------------
def test_posting_page_shows_everything(client, site, mentor):
    mentor.mentor_profile.credentials = "RN, CCRN"
    mentor.mentor_profile.save()
    posting = f.PostingFactory(
        site=site,
        title="Cardiac step-down internship",
        mentor=mentor,
        requirements="Flu shot and BLS.",
        slots=2,
        work_mode=Posting.WorkMode.HYBRID,
    )
    other = f.PostingFactory(site=site, title="ICU externship")
    f.PostingFactory(site=site, title="Draft at same site", status=Posting.Status.DRAFT)
    html = client.get(_detail(posting)).content.decode()
    for text in (
        "Cardiac step-down internship",
        posting.description,
        posting.duties,
        posting.learning_objectives,
        "Flu shot and BLS.",
        "Robin Shah",
        "RN, CCRN",
        "2 places",
        "Unpaid",
        "hybrid",
        "Closes in 3 weeks",
        "Log in as a student to apply",
        "ICU externship",
    ):
        assert text in html, text
    assert _detail(other) in html
    assert "Draft at same site" not in html
    assert reverse("placements:site-detail", args=[site.slug]) in html


def test_draft_is_not_found_for_the_public(client, site, site_staff):
    draft = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    assert client.get(_detail(draft)).status_code == 404
    client.force_login(site_staff)
    assert client.get(_detail(draft)).status_code == 200


def test_closed_posting_says_applications_are_closed(client, site, student):
    posting = f.PostingFactory(site=site, status=Posting.Status.CLOSED, close_reason=Posting.CloseReason.FILLED)
    client.force_login(student)
    html = client.get(_detail(posting)).content.decode()
    assert "Applications for this posting are closed: all slots filled" in html


def test_preview_banner_hides_save_and_apply(site, student):
    posting = f.PostingFactory(site=site, status=Posting.Status.DRAFT)
    request = RequestFactory().get("/")
    request.user = student
    html = render_to_string(
        "placements/posting_detail.html", {"posting": posting, "is_preview": True, "can_save": True}, request
    )
    assert "Preview — not yet visible to students" in html
    assert "☆ Save" not in html
    assert reverse("placements:application-create", args=[posting.pk]) not in html


def test_posting_page_query_count_is_constant(client, site, student, django_assert_max_num_queries):
    posting = f.PostingFactory(site=site)
    for _ in range(8):
        f.PostingFactory(site=site, specialties=[f.specialty("oncology"), f.specialty("surgery")])
    client.force_login(student)
    with django_assert_max_num_queries(16):
        assert client.get(_detail(posting)).status_code == 200


# --- public site page ------------------------------------------------------------------
def test_site_page_lists_open_postings(client, site):
    site.specialties.set([f.specialty("cardiology")])
    f.PostingFactory(site=site, title="Open at Mercy")
    f.PostingFactory(site=site, title="Closed at Mercy", status=Posting.Status.CLOSED)
    f.PostingFactory(site=f.SiteFactory(), title="Elsewhere")
    html = client.get(reverse("placements:site-detail", args=[site.slug])).content.decode()
    assert site.name in html and site.description in html and "Cardiology" in html
    assert "Open at Mercy" in html
    assert "Closed at Mercy" not in html and "Elsewhere" not in html
    assert "Open postings <span" in html


def test_site_page_empty_state(client, site):
    html = client.get(reverse("placements:site-detail", args=[site.slug])).content.decode()
    assert "has no open postings right now" in html


def test_unverified_site_is_only_for_its_own_people(client, site, site_staff, mentor, student, platform_staff):
    site.verified = False
    site.save()
    url = reverse("placements:site-detail", args=[site.slug])
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 404
    for person in (site_staff, mentor, platform_staff):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "until Practicum verifies" in response.content.decode()


@pytest.mark.postgres
def test_listing_on_postgres_uses_the_index_copy_of_specialties(client, site):
    """A posting written without the refresh has no specialty ids on PostgreSQL; the
    services always refresh, and then the filter and facets see it."""
    posting = f.PostingFactory(site=site, specialties=[f.specialty("oncology")])
    assert client.get(LIST, {"specialty": "oncology"}).context["search"].total == 0
    posting_search_refresh(posting_ids=[posting.pk])
    assert client.get(LIST, {"specialty": "oncology"}).context["search"].total == 1

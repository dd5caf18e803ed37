"""The listing's filters: each alone, combined, sorting, pagination, facets, drafts never
listed, invalid values, and a query count that does not grow with the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Site
from placements.models import Posting
from placements.selectors.postings import postings_search
from placements.services.search import posting_search_refresh
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("placements:posting-list")


def _refresh():
    """What the posting services do after every write (a no-op on SQLite)."""
    posting_search_refresh(posting_ids=list(Posting.objects.values_list("pk", flat=True)))


def _titles(query: str = "", user=None) -> set[str]:
    search = postings_search(params=QueryDict(query), user=user, per_page=100)
    return {p.title for p in search.page.object_list}


@pytest.fixture
def catalogue(site, other_site):
    """Postings that differ in one attribute each from the baseline `cardiac`."""
    today = timezone.localdate()
    clinic = f.SiteFactory(name="Lakeside Family Clinic", kind=Site.Kind.CLINIC, city="Columbus", state="OH")
    postings = {
        "cardiac": f.PostingFactory(site=site, title="Cardiac nursing internship"),
        "pharmacy": f.PostingFactory(
            site=site,
            title="Hospital pharmacy externship",
            kind=Posting.Kind.EXTERNSHIP,
            discipline=f.discipline("pharmacy"),
            specialties=[f.specialty("hospital-pharmacy")],
        ),
        "rehab": f.PostingFactory(
            site=other_site,
            title="Neuro rehab internship",
            discipline=f.discipline("physical-therapy"),
            specialties=[f.specialty("neurorehabilitation"), f.specialty("neurology")],
            work_mode=Posting.WorkMode.HYBRID,
            hours_per_week=12,
        ),
        "paid": f.PostingFactory(
            site=clinic,
            title="Paid paediatric clinic internship",
            specialties=[f.specialty("paediatrics")],
            is_paid=True,
            stipend_amount=Decimal("18.00"),
            stipend_period="hour",
            hours_per_week=40,
        ),
        "short": f.PostingFactory(
            site=site,
            title="Two-week emergency externship",
            kind=Posting.Kind.EXTERNSHIP,
            specialties=[f.specialty("emergency-medicine")],
            start_date=today + dt.timedelta(days=200),
            end_date=today + dt.timedelta(days=214),
        ),
        "long": f.PostingFactory(
            site=site,
            title="Year-long oncology internship",
            specialties=[f.specialty("oncology")],
            start_date=today + dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=30 + 300),
        ),
    }
    # Never listed by default: a draft, an archived one, a closed one, and one whose
    # deadline passed (still "published" until the periodic close runs).
    f.PostingFactory(site=site, title="Draft posting", status=Posting.Status.DRAFT, published_at=None)
    f.PostingFactory(site=site, title="Archived posting", status=Posting.Status.ARCHIVED)
    f.PostingFactory(
        site=site,
        title="Closed posting",
        status=Posting.Status.CLOSED,
        application_deadline=today - dt.timedelta(days=3),
    )
    f.PostingFactory(site=site, title="Deadline passed posting", application_deadline=today - dt.timedelta(days=1))
    _refresh()
    return postings


OPEN = {
    "Cardiac nursing internship",
    "Hospital pharmacy externship",
    "Neuro rehab internship",
    "Paid paediatric clinic internship",
    "Two-week emergency externship",
    "Year-long oncology internship",
}


def test_default_lists_published_open_postings_only(catalogue):
    assert _titles() == OPEN


def test_include_closed_adds_closed_and_past_deadline_but_never_drafts(catalogue):
    titles = _titles("include_closed=on")
    assert titles == OPEN | {"Closed posting", "Deadline passed posting"}
    assert "Draft posting" not in titles and "Archived posting" not in titles


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("discipline=pharmacy", {"Hospital pharmacy externship"}),
        ("specialty=neurology", {"Neuro rehab internship"}),
        (
            "specialty=oncology&specialty=paediatrics",
            {"Year-long oncology internship", "Paid paediatric clinic internship"},
        ),
        ("kind=externship", {"Hospital pharmacy externship", "Two-week emergency externship"}),
        ("state=FL", {"Neuro rehab internship"}),
        ("city=columbus", {"Paid paediatric clinic internship"}),
        ("city=  Tampa ", {"Neuro rehab internship"}),
        ("site_kind=clinic", {"Paid paediatric clinic internship"}),
        ("site_kind=rehab", {"Neuro rehab internship"}),
        ("mode=hybrid", {"Neuro rehab internship"}),
        ("paid=on", {"Paid paediatric clinic internship"}),
        ("hours_min=30", {"Paid paediatric clinic internship"}),
        ("hours_max=12", {"Neuro rehab internship"}),
        ("hours_min=20&hours_max=30", OPEN - {"Paid paediatric clinic internship", "Neuro rehab internship"}),
        ("duration=upto4w", {"Two-week emergency externship"}),
        ("duration=over6m", {"Year-long oncology internship"}),
        ("duration=1to3m", OPEN - {"Two-week emergency externship", "Year-long oncology internship"}),
        ("duration=3to6m", set()),
    ],
)
def test_each_filter_alone(catalogue, query, expected):
    assert _titles(query) == expected


def test_start_date_range(catalogue):
    today = timezone.localdate()
    after = (today + dt.timedelta(days=100)).isoformat()
    before = (today + dt.timedelta(days=45)).isoformat()
    assert _titles(f"start_from={after}") == {"Two-week emergency externship"}
    assert _titles(f"start_to={before}") == {"Year-long oncology internship"}
    window = f"start_from={(today + dt.timedelta(days=50)).isoformat()}&start_to={(today + dt.timedelta(days=70)).isoformat()}"
    assert _titles(window) == OPEN - {"Two-week emergency externship", "Year-long oncology internship"}


def test_filters_combine_with_and(catalogue):
    assert _titles("kind=externship&discipline=nursing") == {"Two-week emergency externship"}
    assert _titles("discipline=nursing&specialty=paediatrics&paid=on&state=OH") == {"Paid paediatric clinic internship"}
    assert _titles("discipline=nursing&specialty=paediatrics&paid=on&state=FL") == set()
    assert _titles("kind=internship&mode=hybrid&hours_max=20&site_kind=rehab") == {"Neuro rehab internship"}


def test_invalid_values_are_ignored_and_reported(catalogue):
    search = postings_search(
        params=QueryDict("discipline=astrology&hours_min=lots&start_from=2030-13-45&kind=internship&duration=forever")
    )
    errors = search.filterset.form.errors
    assert set(errors) == {"discipline", "hours_min", "start_from", "duration"}
    # The valid filter still applies.
    assert {p.kind for p in search.page.object_list} == {Posting.Kind.INTERNSHIP}


def test_reversed_ranges_are_refused_with_a_message(catalogue):
    search = postings_search(params=QueryDict("hours_min=30&hours_max=10&start_from=2031-05-01&start_to=2031-01-01"))
    errors = search.filterset.form.errors
    assert "less than the minimum" in errors["hours_max"][0]
    assert "before the “from” date" in errors["start_to"][0]


def test_sorting(catalogue, site):
    today = timezone.localdate()
    soon = f.PostingFactory(site=site, title="Closes soonest", application_deadline=today + dt.timedelta(days=1))
    newest = f.PostingFactory(site=site, title="Just published", published_at=timezone.now() + dt.timedelta(hours=1))
    _refresh()
    by_deadline = postings_search(params=QueryDict("")).page.object_list
    assert by_deadline[0] == soon
    deadlines = [p.application_deadline for p in by_deadline]
    assert deadlines == sorted(deadlines)
    by_start = postings_search(params=QueryDict("sort=start")).page.object_list
    assert by_start[0].title == "Year-long oncology internship"
    assert [p.start_date for p in by_start] == sorted(p.start_date for p in by_start)
    assert postings_search(params=QueryDict("sort=newest")).page.object_list[0] == newest
    # "Best match" without a keyword falls back to the deadline.
    assert postings_search(params=QueryDict("sort=relevance")).sort == "deadline"


def test_facets_count_over_the_other_filters(catalogue):
    search = postings_search(params=QueryDict("discipline=nursing&specialty=oncology"))
    disciplines = {facet.slug: facet.count for facet in search.discipline_facets}
    specialties = {facet.slug: facet.count for facet in search.specialty_facets}
    # Discipline counts ignore the discipline filter but keep the specialty one.
    assert disciplines["nursing"] == 1 and disciplines["pharmacy"] == 0
    # Specialty counts ignore the specialty filter but keep the discipline one.
    assert specialties == {
        "cardiology": 1,
        "paediatrics": 1,
        "emergency-medicine": 1,
        "oncology": 1,
    }
    assert search.total == 1
    selected = [facet.slug for facet in search.specialty_facets if facet.selected]
    assert selected == ["oncology"]


def test_facets_and_total_without_filters(catalogue):
    search = postings_search(params=QueryDict(""))
    disciplines = {facet.slug: facet.count for facet in search.discipline_facets if facet.count}
    assert disciplines == {"nursing": 4, "pharmacy": 1, "physical-therapy": 1}
    specialties = {facet.slug: facet.count for facet in search.specialty_facets}
    assert specialties["neurology"] == 1 and specialties["neurorehabilitation"] == 1
    assert search.total == len(OPEN) == sum(disciplines.values())


def test_pagination_keeps_the_filters(client, site):
    for i in range(45):
        f.PostingFactory(site=site, title=f"Nursing posting {i:02}")
    f.PostingFactory(site=site, title="Pharmacy posting", discipline=f.discipline("pharmacy"))
    _refresh()
    response = client.get(LIST, {"discipline": "nursing", "kind": "internship"})
    assert response.context["search"].total == 45
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 3 and len(page.object_list) == 20
    html = response.content.decode()
    assert "?discipline=nursing&amp;kind=internship&amp;page=2" in html
    second = client.get(LIST, {"discipline": "nursing", "kind": "internship", "page": 3})
    assert len(second.context["page_obj"].object_list) == 5
    # A page past the end shows the last page rather than an error.
    assert client.get(LIST, {"discipline": "nursing", "page": 99}).context["page_obj"].number == 3
    assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_empty_result_suggests_the_filter_to_drop(catalogue, client):
    response = client.get(LIST, {"discipline": "pharmacy", "paid": "on", "state": "OH"})
    search = response.context["search"]
    assert search.total == 0
    # Dropping "paid" brings back the pharmacy posting; dropping "pharmacy", the paid one.
    suggestions = {item.name: item.count_without for item in search.widening}
    assert suggestions == {"discipline": 1, "paid": 1}
    html = response.content.decode()
    assert "No postings match these filters" in html
    assert "Widen your search" in html


def _listing_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(queries)


def _add_postings(sites, n):
    for i in range(n):
        f.PostingFactory(
            site=sites[i % len(sites)], specialties=[f.specialty("cardiology"), f.specialty("critical-care")]
        )
    _refresh()


def test_listing_query_count_does_not_grow_with_rows(client, student, site, django_assert_num_queries):
    """Taxonomy (2), facets (2), page, specialties, seats, saved flags (4), plus the
    session, the user and what the base template needs; no COUNT (the total comes from
    the discipline facet). The same with 5 and with 40 postings on the page."""
    sites = [site, f.SiteFactory(name="Second site")]
    client.force_login(student)
    params = {"per_page": 100, "discipline": "nursing"}
    _add_postings(sites, 5)
    with_five = _listing_queries(client, params)
    _add_postings(sites, 35)
    with django_assert_num_queries(with_five):
        response = client.get(LIST, params)
    assert response.context["search"].total == 40
    assert with_five <= 12


def test_anonymous_listing_query_count_is_constant(client, site, django_assert_num_queries):
    _add_postings([site], 5)
    with_five = _listing_queries(client, {"specialty": "cardiology"})
    _add_postings([site], 35)
    with django_assert_num_queries(with_five):
        client.get(LIST, {"specialty": "cardiology", "per_page": 50})
    assert with_five <= 8  # 7 on PostgreSQL (both facets in one query)

"""Keyword search: PostgreSQL full-text search (weights, ranking, stemming, refreshes) and
the SQLite fallback."""

import pytest
from django.db import connection
from django.http import QueryDict

from accounts.models import Site
from placements.models import Posting
from placements.selectors.postings import postings_search
from placements.services.search import (
    posting_search_refresh,
    posting_search_refresh_for_sites,
    posting_search_refresh_for_specialties,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _refresh():
    posting_search_refresh(posting_ids=list(Posting.objects.values_list("pk", flat=True)))


def _search(query: str) -> list[str]:
    return [p.title for p in postings_search(params=QueryDict(query), per_page=100).page.object_list]


PLAIN = {
    "description": "A supervised placement on a busy ward.",
    "duties": "Vitals and shadowing.",
    "learning_objectives": "Teamwork and documentation.",
}


@pytest.mark.postgres
def test_title_match_ranks_above_description_match(site):
    f.PostingFactory(
        site=site,
        title="Medical-surgical internship",
        description="Includes two weeks with the cardiology consult team.",
        duties="Vitals and shadowing.",
        learning_objectives="Teamwork.",
        specialties=[f.specialty("surgery")],
    )
    f.PostingFactory(site=site, title="Cardiology nursing internship", specialties=[f.specialty("surgery")], **PLAIN)
    f.PostingFactory(site=site, title="Orthopaedic externship", specialties=[f.specialty("orthopaedics")], **PLAIN)
    _refresh()
    assert _search("q=cardiology") == ["Cardiology nursing internship", "Medical-surgical internship"]


@pytest.mark.postgres
def test_stemming_and_specialty_and_site_names(site):
    cardiac = f.PostingFactory(
        site=site, title="Cardiac step-down internship", specialties=[f.specialty("critical-care")], **PLAIN
    )
    tagged = f.PostingFactory(
        site=site, title="Telemetry unit externship", specialties=[f.specialty("paediatrics")], **PLAIN
    )
    other_site = f.SiteFactory(name="Lakeshore Children's Hospital")
    at_childrens = f.PostingFactory(
        site=other_site, title="Ward internship", specialties=[f.specialty("geriatrics")], **PLAIN
    )
    _refresh()
    # "paediatric" stems to the same lexeme as the specialty name "Paediatrics".
    assert _search("q=paediatric") == [tagged.title]
    # Plural and singular meet: "internships" finds "internship".
    assert cardiac.title in _search("q=internships")
    # "cardiac" does not stem to "cardiology"; it finds the posting that says cardiac.
    assert _search("q=cardiac") == [cardiac.title]
    # The site's name is searched too.
    assert _search("q=lakeshore") == [at_childrens.title]
    # Web-search syntax: a phrase and an exclusion.
    assert _search('q="step-down internship"') == [cardiac.title]
    assert cardiac.title not in _search("q=internship -cardiac")


@pytest.mark.postgres
def test_keyword_combines_with_filters_and_facets(site):
    f.PostingFactory(site=site, title="Cardiac nursing internship", **PLAIN)
    f.PostingFactory(
        site=site,
        title="Cardiac pharmacy externship",
        discipline=f.discipline("pharmacy"),
        specialties=[f.specialty("hospital-pharmacy")],
        **PLAIN,
    )
    f.PostingFactory(site=site, title="Oncology nursing internship", specialties=[f.specialty("oncology")], **PLAIN)
    _refresh()
    search = postings_search(params=QueryDict("q=cardiac&discipline=pharmacy"))
    assert [p.title for p in search.page.object_list] == ["Cardiac pharmacy externship"]
    facets = {facet.slug: facet.count for facet in search.discipline_facets if facet.count}
    assert facets == {"nursing": 1, "pharmacy": 1}
    assert search.sort == "relevance"


@pytest.mark.postgres
def test_refreshes_follow_site_and_specialty_renames(site):
    posting = f.PostingFactory(site=site, title="Ward internship", specialties=[f.specialty("wound-care")], **PLAIN)
    _refresh()
    assert _search("q=riverbend") == []
    Site.objects.filter(pk=site.pk).update(name="Riverbend Medical Center")
    posting_search_refresh_for_sites(site_ids=[site.pk])
    assert _search("q=riverbend") == [posting.title]
    specialty = f.specialty("wound-care")
    specialty.name = "Wound and ostomy care"
    specialty.save()
    posting_search_refresh_for_specialties(specialty_ids=[specialty.pk])
    assert _search("q=ostomy") == [posting.title]


@pytest.mark.postgres
def test_refresh_copies_specialty_ids_and_is_one_statement(site, django_assert_num_queries):
    posting = f.PostingFactory(site=site, specialties=[f.specialty("oncology"), f.specialty("cardiology")])
    other = f.PostingFactory(site=site, specialties=[])
    with django_assert_num_queries(1):
        posting_search_refresh(posting_ids=[posting.pk, other.pk])
    posting.refresh_from_db()
    other.refresh_from_db()
    assert sorted(posting.specialty_ids) == sorted([f.specialty("oncology").pk, f.specialty("cardiology").pk])
    assert other.specialty_ids == [] and other.specialty_key == ""
    assert posting.specialty_key == ",".join(str(pk) for pk in sorted(posting.specialty_ids))
    assert posting.search_vector is not None


def test_refresh_is_a_no_op_on_sqlite(site, django_assert_num_queries):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite fallback")
    posting = f.PostingFactory(site=site)
    with django_assert_num_queries(0):
        posting_search_refresh(posting_ids=[posting.pk])
        posting_search_refresh_for_sites(site_ids=[site.pk])
    posting_search_refresh(posting_ids=[])


def test_sqlite_fallback_matches_title_description_site_and_specialty(site):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite fallback")
    oncology = [f.specialty("oncology")]
    f.PostingFactory(site=site, title="Cardiac step-down internship", specialties=oncology, **PLAIN)
    f.PostingFactory(
        site=site, title="Ward A", description="Time with the CARDIAC rehab team.", duties="x", specialties=oncology
    )
    f.PostingFactory(
        site=f.SiteFactory(name="Cardiac Care Clinic"), title="Ward B", specialties=[f.specialty("oncology")], **PLAIN
    )
    f.PostingFactory(site=site, title="Ward C", specialties=[f.specialty("cardiology")], **PLAIN)
    f.PostingFactory(site=site, title="Unrelated", specialties=oncology, **PLAIN)
    assert set(_search("q=cardiac")) == {"Cardiac step-down internship", "Ward A", "Ward B"}
    assert _search("q=cardiology") == ["Ward C"]
    # Every word must match somewhere.
    assert _search("q=cardiac step-down") == ["Cardiac step-down internship"]
    # Ranking needs PostgreSQL: "best match" falls back to the deadline order.
    assert postings_search(params=QueryDict("q=cardiac")).sort == "relevance"


def test_blank_keyword_is_no_filter(site):
    f.PostingFactory(site=site)
    _refresh()
    assert len(_search("q=+++")) == 1


@pytest.mark.postgres
def test_renaming_a_site_in_the_admin_refreshes_its_postings_keyword_index(site, platform_staff, client):
    posting = f.PostingFactory(site=site, title="Ward internship", **PLAIN)
    _refresh()
    client.force_login(platform_staff)
    response = client.get(f"/admin/accounts/site/{site.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(name="Riverbend Medical Center", specialties=[s.pk for s in site.specialties.all()])
    response = client.post(f"/admin/accounts/site/{site.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert _search("q=riverbend") == [posting.title]


@pytest.mark.postgres
def test_renaming_an_unverified_site_refreshes_its_postings_keyword_index(site_staff):
    from accounts.services import site_update

    site = site_staff.site
    Site.objects.filter(pk=site.pk).update(verified=False)
    site.refresh_from_db()
    posting = f.PostingFactory(site=site, title="Ward internship", **PLAIN)
    _refresh()
    site_update(site=site, by=site_staff, name="Riverbend Medical Center")
    assert _search("q=riverbend") == [posting.title]

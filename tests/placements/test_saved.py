"""Saved postings and saved searches: services, pages and who may touch what."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from placements.models import Posting, SavedPosting, SavedSearch
from placements.services.saved import (
    MAX_SAVED_SEARCHES,
    saved_posting_toggle,
    saved_search_create,
    saved_search_delete,
    saved_search_update,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- saved postings ---------------------------------------------------------------------
def test_saving_is_idempotent_and_explicit(student, site):
    posting = f.PostingFactory(site=site)
    assert saved_posting_toggle(student=student, posting=posting, saved=True) is True
    assert saved_posting_toggle(student=student, posting=posting, saved=True) is True
    assert SavedPosting.objects.filter(student=student, posting=posting).count() == 1
    assert saved_posting_toggle(student=student, posting=posting, saved=False) is False
    assert saved_posting_toggle(student=student, posting=posting, saved=False) is False
    assert not SavedPosting.objects.exists()


def test_closed_posting_cannot_be_newly_saved_but_can_be_unsaved(student, site):
    posting = f.PostingFactory(site=site)
    saved_posting_toggle(student=student, posting=posting, saved=True)
    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.CLOSED)
    posting.refresh_from_db()
    assert saved_posting_toggle(student=student, posting=posting, saved=True) is True
    assert saved_posting_toggle(student=student, posting=posting, saved=False) is False
    with pytest.raises(ValidationError, match="no longer open"):
        saved_posting_toggle(student=student, posting=posting, saved=True)


def test_only_students_save(coordinator, site):
    with pytest.raises(ValidationError):
        saved_posting_toggle(student=coordinator, posting=f.PostingFactory(site=site), saved=True)


def test_save_button_with_htmx_swaps_the_button(client, student, site):
    posting = f.PostingFactory(site=site)
    client.force_login(student)
    url = reverse("placements:posting-save", args=[posting.pk])
    response = client.post(url, {"saved": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "★ Saved" in html and 'name="saved" value="0"' in html
    assert "<html" not in html
    assert SavedPosting.objects.filter(student=student, posting=posting).exists()
    response = client.post(url, {"saved": "0"}, HTTP_HX_REQUEST="true")
    assert "☆ Save" in response.content.decode()
    assert not SavedPosting.objects.exists()


def test_save_without_javascript_redirects_back_with_a_message(client, student, site):
    posting = f.PostingFactory(site=site)
    client.force_login(student)
    listing = reverse("placements:posting-list") + "?discipline=nursing"
    response = client.post(
        reverse("placements:posting-save", args=[posting.pk]), {"saved": "1", "next": listing}, follow=True
    )
    assert response.redirect_chain[-1][0] == listing
    assert "Find it under Saved" in response.content.decode()
    # An outside "next" is ignored.
    response = client.post(
        reverse("placements:posting-save", args=[posting.pk]), {"saved": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("placements:posting-detail", args=[posting.pk])


def test_anonymous_save_goes_to_log_in_and_back_to_the_posting(client, site):
    posting = f.PostingFactory(site=site)
    response = client.post(reverse("placements:posting-save", args=[posting.pk]), {"saved": "1"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert f"/postings/{posting.pk}/" in response["Location"]


def test_saved_postings_page(client, student, site):
    today = timezone.localdate()
    open_posting = f.PostingFactory(site=site, title="Open one", application_deadline=today + dt.timedelta(days=3))
    closed = f.PostingFactory(site=site, title="Closed one", status=Posting.Status.CLOSED)
    archived = f.PostingFactory(site=site, title="Archived one", status=Posting.Status.ARCHIVED)
    for posting in (open_posting, closed, archived):
        f.SavedPostingFactory(student=student, posting=posting)
    f.SavedPostingFactory(student=f.StudentFactory(), posting=f.PostingFactory(site=site, title="Someone else's"))
    client.force_login(student)
    html = client.get(reverse("placements:saved-postings")).content.decode()
    assert "Open one" in html and "Closes in 3 days" in html
    assert "Closed one" in html and "Closed</span>" in html
    assert "Archived one" not in html and "Someone else" not in html


def test_saved_postings_empty_state(client, student):
    client.force_login(student)
    html = client.get(reverse("placements:saved-postings")).content.decode()
    assert "You have not saved any postings yet" in html
    assert reverse("placements:posting-list") in html


# --- saved searches ---------------------------------------------------------------------
def test_saved_search_fills_structured_columns_from_valid_filters(student):
    params = QueryDict(
        "discipline=nursing&specialty=cardiology&specialty=oncology&kind=internship&state=OH&city=%20Columbus%20"
        "&mode=hybrid&site_kind=clinic&paid=on&q=night%20shift&hours_min=abc&page=3&per_page=50"
    )
    search = saved_search_create(student=student, name="  Night cardiology  ", params=params)
    assert search.name == "Night cardiology"
    assert search.discipline == f.discipline("nursing")
    assert set(search.specialties.values_list("slug", flat=True)) == {"cardiology", "oncology"}
    assert (search.kind, search.state, search.city, search.work_mode, search.site_kind) == (
        "internship",
        "OH",
        "Columbus",
        "hybrid",
        "clinic",
    )
    assert search.paid_only is True and search.keyword == "night shift" and search.alerts is True
    # The stored query reopens the search: valid filters only, no page.
    reopened = QueryDict(search.query)
    assert reopened.getlist("specialty") == ["cardiology", "oncology"]
    assert "page" not in reopened and "per_page" not in reopened and "hours_min" not in reopened


def test_saved_search_names_are_unique_per_student_and_required(student, other_student):
    saved_search_create(student=student, name="Ohio", params=QueryDict("state=OH"))
    with pytest.raises(ValidationError, match="already have a saved search"):
        saved_search_create(student=student, name="ohio", params=QueryDict("state=OH"))
    with pytest.raises(ValidationError, match="Give the search a name"):
        saved_search_create(student=student, name="   ", params=QueryDict("state=OH"))
    saved_search_create(student=other_student, name="Ohio", params=QueryDict("state=OH"))
    assert SavedSearch.objects.count() == 2


def test_saved_searches_are_limited(student):
    for i in range(MAX_SAVED_SEARCHES):
        f.SavedSearchFactory(student=student, name=f"Search {i}")
    with pytest.raises(ValidationError, match=f"up to {MAX_SAVED_SEARCHES}"):
        saved_search_create(student=student, name="One more", params=QueryDict("state=OH"))


def test_update_and_delete(student):
    search = saved_search_create(student=student, name="Ohio", params=QueryDict("state=OH"))
    f.SavedSearchFactory(student=student, name="Taken")
    saved_search_update(saved_search=search, alerts=False)
    search.refresh_from_db()
    assert search.alerts is False
    saved_search_update(saved_search=search, name="Ohio nursing")
    assert SavedSearch.objects.get(pk=search.pk).name == "Ohio nursing"
    with pytest.raises(ValidationError):
        saved_search_update(saved_search=search, name="taken")
    saved_search_delete(saved_search=search)
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_save_search_from_the_listing(client, student):
    client.force_login(student)
    listing = client.get(reverse("placements:posting-list"), {"discipline": "nursing", "state": "OH"})
    html = listing.content.decode()
    assert "Alert me about new postings like these" in html
    assert 'value="Nursing · OH"' in html
    response = client.post(
        reverse("placements:saved-search-create"),
        {"name": "Nursing in Ohio", "query": "discipline=nursing&state=OH"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("placements:posting-list") + "?discipline=nursing&state=OH"
    assert "We will tell you when a new posting matches it" in response.content.decode()
    search = SavedSearch.objects.get(student=student)
    assert search.state == "OH" and search.discipline.slug == "nursing"


def test_save_search_error_is_shown_and_nothing_changes(client, student):
    f.SavedSearchFactory(student=student, name="Nursing in Ohio")
    client.force_login(student)
    response = client.post(
        reverse("placements:saved-search-create"), {"name": "Nursing in Ohio", "query": "state=OH"}, follow=True
    )
    assert "The search was not saved" in response.content.decode()
    assert SavedSearch.objects.filter(student=student).count() == 1


def test_no_save_search_form_without_filters_or_for_non_students(client, student, coordinator):
    client.force_login(student)
    assert "Alert me" not in client.get(reverse("placements:posting-list")).content.decode()
    client.force_login(coordinator)
    assert "Alert me" not in client.get(reverse("placements:posting-list"), {"state": "OH"}).content.decode()


def test_saved_searches_page_lists_opens_renames_toggles_and_deletes(client, student, other_student):
    mine = saved_search_create(
        student=student, name="Cardiology", params=QueryDict("discipline=nursing&specialty=cardiology")
    )
    saved_search_create(student=other_student, name="Theirs", params=QueryDict("state=FL"))
    client.force_login(student)
    html = client.get(reverse("placements:saved-searches")).content.decode()
    assert "Cardiology" in html and "Theirs" not in html
    assert "/postings/?discipline=nursing&amp;specialty=cardiology" in html
    assert "Alerts are <strong>on</strong>" in html
    update = reverse("placements:saved-search-update", args=[mine.pk])
    client.post(update, {"alerts": "0"})
    assert SavedSearch.objects.get(pk=mine.pk).alerts is False
    client.post(update, {"name": "Heart"})
    assert SavedSearch.objects.get(pk=mine.pk).name == "Heart"
    response = client.post(update, {"name": ""}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    client.post(reverse("placements:saved-search-delete", args=[mine.pk]))
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()


def test_saved_searches_empty_state(client, student):
    client.force_login(student)
    assert "No saved searches yet" in client.get(reverse("placements:saved-searches")).content.decode()


def test_other_students_saved_search_is_not_found(client, student, other_student):
    search = f.SavedSearchFactory(student=student)
    client.force_login(other_student)
    assert client.post(reverse("placements:saved-search-delete", args=[search.pk])).status_code == 404
    assert client.post(reverse("placements:saved-search-update", args=[search.pk]), {"name": "x"}).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk, name=search.name).exists()

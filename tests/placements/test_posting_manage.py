"""The site's posting pages: list with counts, create/edit form, status moves by button."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from placements.models import Application, Posting
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST_URL = reverse("placements:posting-manage-list")
CREATE_URL = reverse("placements:posting-create")


def _url(name, posting):
    return reverse(f"placements:{name}", args=[posting.pk])


def _form_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Paediatric emergency externship",
        "kind": "externship",
        "discipline": f.discipline("nursing").pk,
        "specialties": [f.specialty("paediatrics").pk, f.specialty("emergency-medicine").pk],
        "description": "Eight weeks in our paediatric emergency department.",
        "duties": "Triage support, vitals, family education.",
        "learning_objectives": "Paediatric assessment and triage.",
        "requirements": "Immunizations, BLS.",
        "city": "Cleveland",
        "state": "OH",
        "work_mode": "onsite",
        "start_date": (today + dt.timedelta(days=45)).isoformat(),
        "end_date": (today + dt.timedelta(days=45 + 56)).isoformat(),
        "application_deadline": (today + dt.timedelta(days=20)).isoformat(),
        "hours_per_week": 32,
        "slots": 2,
    }
    data.update(overrides)
    return data


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- The list -------------------------------------------------------------------------
def test_list_shows_open_slots_and_application_counts(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, title="Cardiac internship", slots=3)
    f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)
    f.ApplicationFactory(posting=posting, status=Application.Status.SUBMITTED)
    f.ApplicationFactory(posting=posting, status=Application.Status.SUBMITTED)
    f.ApplicationFactory(posting=posting, status=Application.Status.UNDER_REVIEW)
    f.ApplicationFactory(posting=posting, status=Application.Status.WITHDRAWN)

    response = client_for(site_staff).get(LIST_URL)

    assert response.status_code == 200
    row = response.context["rows"][0][0]
    assert (row.open_slots, row.seats_taken, row.applications_total, row.applications_new) == (2, 1, 5, 2)
    html = response.content.decode()
    assert "<strong>2</strong> of 3 slots open" in html
    assert "<strong>5</strong> applications" in html
    assert "2 new" in html
    assert "closes in 21 days" in html.lower()


def test_list_shows_only_the_own_sites_postings(client_for, site_staff, site, other_site):
    f.PostingFactory(site=site, title="Ours")
    f.PostingFactory(site=other_site, title="Theirs")
    response = client_for(site_staff).get(LIST_URL)
    assert [p.title for p, _perms in response.context["rows"]] == ["Ours"]


def test_list_filters_by_status_and_counts_each_tab(client_for, site_staff, site):
    f.PostingFactory(site=site, title="Open one")
    f.PostingFactory(site=site, title="A draft", status=Posting.Status.DRAFT, published_at=None)
    f.PostingFactory(site=site, title="Old one", status=Posting.Status.ARCHIVED)
    client = client_for(site_staff)

    default = client.get(LIST_URL)
    assert {p.title for p, _ in default.context["rows"]} == {"Open one", "A draft"}
    assert {t["key"]: t["count"] for t in default.context["tabs"]} == {
        "active": 2,
        "published": 1,
        "draft": 1,
        "closed": 0,
        "archived": 1,
    }
    drafts = client.get(LIST_URL, {"status": "draft"})
    assert [p.title for p, _ in drafts.context["rows"]] == ["A draft"]
    archived = client.get(LIST_URL, {"status": "archived"})
    assert [p.title for p, _ in archived.context["rows"]] == ["Old one"]
    # An unknown filter is the default one, not an error.
    assert client.get(LIST_URL, {"status": "nonsense"}).context["current"] == "active"


def test_empty_list_invites_the_first_posting(client_for, site_staff):
    response = client_for(site_staff).get(LIST_URL)
    assert "Create your first posting" in response.content.decode()


def test_empty_tab_says_so_and_links_back(client_for, site_staff, site):
    f.PostingFactory(site=site)
    html = client_for(site_staff).get(LIST_URL, {"status": "closed"}).content.decode()
    assert "Nothing here" in html and "Show all active postings" in html


def test_list_query_count_does_not_grow_with_postings(client_for, site_staff, site, django_assert_max_num_queries):
    client = client_for(site_staff)
    mentor = f.MentorFactory(site=site)

    def add(n):
        for _ in range(n):
            posting = f.PostingFactory(
                site=site, mentor=mentor, specialties=[f.specialty("cardiology"), f.specialty("oncology")]
            )
            f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)

    add(2)
    client.get(LIST_URL)  # warm the session and the taxonomy caches alike
    # session, user, site, tab counts, page count, page, specialties
    with django_assert_max_num_queries(8):
        client.get(LIST_URL)
    add(20)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 22


def test_list_is_paginated(client_for, site_staff, site):
    for _ in range(27):
        f.PostingFactory(site=site)
    client = client_for(site_staff)
    assert len(client.get(LIST_URL).context["rows"]) == 25
    assert len(client.get(LIST_URL, {"page": 2}).context["rows"]) == 2
    assert len(client.get(LIST_URL, {"page": "junk"}).context["rows"]) == 25


def test_unverified_site_is_told_it_cannot_publish_yet(client_for):
    staff = f.SiteStaffFactory(site=f.SiteFactory(verified=False))
    f.PostingFactory(site=staff.site, status=Posting.Status.DRAFT, published_at=None)
    html = client_for(staff).get(LIST_URL).content.decode()
    assert "waiting for verification" in html
    assert "Publishing opens once your site is verified" in html


def test_site_staff_see_the_nav_link(client_for, site_staff, student):
    assert LIST_URL in client_for(site_staff).get(reverse("dashboard")).content.decode()
    assert LIST_URL not in client_for(student).get(reverse("dashboard")).content.decode()


# --- Create ---------------------------------------------------------------------------
def test_form_defaults_to_the_sites_city_and_lists_only_its_mentors(client_for, site_staff, site, other_site):
    own = f.MentorFactory(site=site, first_name="Robin", last_name="Shah")
    f.MentorFactory(site=other_site, first_name="Other", last_name="Mentor")
    form = client_for(site_staff).get(CREATE_URL).context["form"]
    assert form["city"].value() == site.city and form["state"].value() == site.state
    assert list(form.fields["mentor"].queryset) == [own]


def test_specialty_boxes_carry_their_disciplines_and_patients_are_warned_about(client_for, site_staff):
    html = client_for(site_staff).get(CREATE_URL).content.decode()
    hand = f.specialty("hand-therapy")
    occupational = f.discipline("occupational-therapy").pk
    assert re.search(rf'value="{hand.pk}"[^>]* data-disciplines="{occupational}"', html)
    assert "Never include patient information" in html


def test_create_saves_a_draft_and_opens_the_preview(client_for, site_staff, site):
    response = client_for(site_staff).post(CREATE_URL, _form_data())
    posting = Posting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("posting-preview", posting)
    assert posting.status == Posting.Status.DRAFT and posting.site == site and posting.created_by == site_staff
    assert posting.kind == "externship" and posting.hours_per_week == 32


def test_create_and_publish_in_one_step(client_for, site_staff):
    response = client_for(site_staff).post(CREATE_URL, {**_form_data(), "publish": "1"}, follow=True)
    assert Posting.objects.get().status == Posting.Status.PUBLISHED
    assert "published" in _messages(response)


def test_unverified_site_saves_a_draft_but_does_not_publish(client_for):
    staff = f.SiteStaffFactory(site=f.SiteFactory(verified=False))
    response = client_for(staff).post(CREATE_URL, {**_form_data(), "publish": "1"})
    assert Posting.objects.get().status == Posting.Status.DRAFT
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2020-01-01"}, "end_date", "The end date must be after the start date."),
        (
            {"application_deadline": "2020-01-01"},
            "application_deadline",
            "The application deadline cannot be in the past.",
        ),
        ({"slots": "0"}, "slots", "Offer between 1 and 50 slots."),
        ({"hours_per_week": "80"}, "hours_per_week", "Hours per week must be between 1 and 60."),
        ({"is_paid": "on"}, "stipend_amount", "A paid posting needs the stipend amount."),
        ({"stipend_amount": "12"}, "stipend_amount", "An unpaid posting has no stipend"),
        ({"specialties": []}, "specialties", "Choose at least one specialty."),
        ({"title": ""}, "title", "This field is required."),
        ({"start_date": "next week"}, "start_date", "Enter a valid date."),
    ],
)
def test_create_shows_a_clear_message_next_to_the_field(client_for, site_staff, overrides, field, message):
    response = client_for(site_staff).post(CREATE_URL, _form_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Please fix the" in response.content.decode()
    assert not Posting.objects.exists()


def test_deadline_on_or_after_start_is_refused(client_for, site_staff):
    data = _form_data()
    response = client_for(site_staff).post(CREATE_URL, {**data, "application_deadline": data["start_date"]})
    assert response.context["form"].errors["application_deadline"] == [
        "The application deadline must be before the start date."
    ]


def test_a_mentor_of_another_site_cannot_be_posted(client_for, site_staff, other_site):
    stranger = f.MentorFactory(site=other_site)
    response = client_for(site_staff).post(CREATE_URL, _form_data(mentor=stranger.pk))
    assert response.status_code == 200 and "mentor" in response.context["form"].errors
    assert not Posting.objects.exists()


# --- Edit -----------------------------------------------------------------------------
def test_edit_form_is_filled_with_the_posting(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, title="Cardiac internship", slots=4)
    form = client_for(site_staff).get(_url("posting-edit", posting)).context["form"]
    assert form["title"].value() == "Cardiac internship" and form["slots"].value() == 4
    assert form["specialties"].value() == [f.specialty("cardiology").pk]


def test_edit_saves_changes(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    response = client_for(site_staff).post(_url("posting-edit", posting), _form_data(title="Renamed", slots=5))
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.title == "Renamed" and posting.slots == 5
    assert posting.status == Posting.Status.PUBLISHED


def test_edit_refuses_fewer_slots_than_seats_taken(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, slots=3)
    f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)
    f.ApplicationFactory(posting=posting, status=Application.Status.APPROVED)
    response = client_for(site_staff).post(_url("posting-edit", posting), _form_data(slots=1))
    assert response.status_code == 200
    assert "2 slots are already offered or filled" in response.content.decode()
    posting.refresh_from_db()
    assert posting.slots == 3


def test_edit_refuses_a_new_discipline_after_applications(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    f.ApplicationFactory(posting=posting)
    response = client_for(site_staff).post(
        _url("posting-edit", posting),
        _form_data(discipline=f.discipline("medicine").pk, specialties=[f.specialty("cardiology").pk]),
    )
    assert "discipline can no longer change" in response.content.decode()
    posting.refresh_from_db()
    assert posting.discipline.slug == "nursing"


def test_archived_posting_sends_the_editor_back_with_a_message(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.ARCHIVED)
    response = client_for(site_staff).get(_url("posting-edit", posting))
    assert response.status_code == 302 and response["Location"] == _url("posting-preview", posting)


def test_another_sites_staff_cannot_change_a_posting(client_for, other_site_staff, site):
    posting = f.PostingFactory(site=site, title="Ours")
    client = client_for(other_site_staff)
    assert client.post(_url("posting-edit", posting), _form_data(title="Hijacked")).status_code == 403
    assert client.post(_url("posting-close", posting), {"reason": "manual"}).status_code == 403
    posting.refresh_from_db()
    assert (posting.title, posting.status) == ("Ours", Posting.Status.PUBLISHED)


# --- Status moves ---------------------------------------------------------------------
def test_publish_button_publishes_a_draft(client_for, site_staff, site, django_capture_on_commit_callbacks):
    posting = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    with (
        mock.patch("placements.tasks.posting_match_fanout_task.delay") as fanout,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(site_staff).post(_url("posting-publish", posting), follow=True)
    fanout.assert_called_once_with(posting.pk)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED and posting.published_at is not None
    assert "is published" in _messages(response)


def test_publish_refused_for_an_unverified_site_says_why(client_for):
    staff = f.SiteStaffFactory(site=f.SiteFactory(verified=False))
    posting = f.PostingFactory(site=staff.site, status=Posting.Status.DRAFT, published_at=None)
    response = client_for(staff).post(_url("posting-publish", posting), follow=True)
    assert "waiting for verification" in _messages(response)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_publish_returns_to_the_page_it_came_from_but_never_elsewhere(client_for, site_staff, site):
    client = client_for(site_staff)
    draft = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    back = LIST_URL + "?status=draft"
    assert client.post(_url("posting-publish", draft), {"next": back})["Location"] == back
    other = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    assert client.post(_url("posting-publish", other), {"next": "https://evil.example/"})["Location"] == LIST_URL


def test_close_asks_for_a_reason_then_closes(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    client = client_for(site_staff)
    page = client.get(_url("posting-close", posting))
    assert "Why are you closing it?" in page.content.decode()
    response = client.post(_url("posting-close", posting), {"reason": "filled"}, follow=True)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.CLOSED and posting.close_reason == "filled"
    assert "is closed" in _messages(response)


def test_close_with_an_unknown_reason_changes_nothing(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    response = client_for(site_staff).post(_url("posting-close", posting), {"reason": "deadline"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED


def test_closing_a_draft_is_refused_with_a_message(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    response = client_for(site_staff).post(_url("posting-close", posting), {"reason": "manual"}, follow=True)
    assert "Only an open posting can be closed" in _messages(response)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_reopen_a_closed_posting(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.CLOSED, close_reason="manual")
    response = client_for(site_staff).post(_url("posting-publish", posting), follow=True)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert "open again" in _messages(response)


def test_archive_after_confirmation(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.CLOSED)
    client = client_for(site_staff)
    assert "Archive the posting" in client.get(_url("posting-archive", posting)).content.decode()
    client.post(_url("posting-archive", posting))
    posting.refresh_from_db()
    assert posting.status == Posting.Status.ARCHIVED


def test_archiving_an_open_posting_is_refused(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    response = client_for(site_staff).post(_url("posting-archive", posting), follow=True)
    assert "close this one first" in _messages(response)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED


def test_duplicate_opens_the_copy_for_editing(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, title="Cardiac internship")
    response = client_for(site_staff).post(_url("posting-duplicate", posting))
    copy = Posting.objects.exclude(pk=posting.pk).get()
    assert response["Location"] == _url("posting-edit", copy)
    assert copy.title == "Cardiac internship (copy)" and copy.status == Posting.Status.DRAFT


def test_status_moves_need_post(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    client = client_for(site_staff)
    assert client.get(_url("posting-publish", posting)).status_code == 405
    assert client.get(_url("posting-duplicate", posting)).status_code == 405


# --- Preview --------------------------------------------------------------------------
def test_preview_of_a_draft_shows_the_student_page_and_the_sites_actions(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, title="Draft ICU externship", status=Posting.Status.DRAFT, published_at=None)
    response = client_for(site_staff).get(_url("posting-preview", posting))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["is_preview"] is True
    assert "Draft ICU externship" in html and "What you will do" in html
    assert "A draft: students cannot see it yet." in html
    assert _url("posting-publish", posting) in html and _url("posting-edit", posting) in html
    assert _url("posting-close", posting) not in html


def test_preview_of_an_open_posting_offers_close_and_the_public_page(client_for, site_staff, site):
    posting = f.PostingFactory(site=site)
    html = client_for(site_staff).get(_url("posting-preview", posting)).content.decode()
    assert "Open: students can find it and apply; it closes in 21 days." in html
    assert _url("posting-close", posting) in html
    assert reverse("placements:posting-detail", args=[posting.pk]) in html
    assert _url("posting-publish", posting) not in html
    assert "not yet visible to students" not in html
    assert "this is how students see it now" in html


def test_preview_of_an_archived_posting_offers_only_duplicate(client_for, site_staff, site):
    posting = f.PostingFactory(site=site, status=Posting.Status.ARCHIVED)
    html = client_for(site_staff).get(_url("posting-preview", posting)).content.decode()
    assert _url("posting-duplicate", posting) in html
    for name in ("posting-edit", "posting-publish", "posting-close", "posting-archive"):
        assert _url(name, posting) not in html


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (-3, "closed 3 days ago"),
        (0, "closes today"),
        (1, "closes tomorrow"),
        (5, "closes in 5 days"),
        (91, "closes in 3 months"),
    ],
)
def test_deadline_in_words(days, words):
    from placements.templatetags.posting_manage_tags import deadline_words

    assert deadline_words(timezone.localdate() + dt.timedelta(days=days)) == words


# --- Permission booleans --------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Posting.Status.DRAFT, {"can_edit", "can_publish", "can_archive", "can_duplicate"}),
        (Posting.Status.PUBLISHED, {"can_edit", "can_close", "can_duplicate"}),
        (Posting.Status.CLOSED, {"can_edit", "can_reopen", "can_archive", "can_duplicate"}),
        (Posting.Status.ARCHIVED, {"can_duplicate"}),
    ],
)
def test_posting_permissions_follow_the_lifecycle(site_staff, other_site_staff, platform_staff, site, status, allowed):
    from placements.permissions import posting_permissions

    posting = f.PostingFactory(site=site, status=status)
    moves = {"can_edit", "can_publish", "can_reopen", "can_close", "can_archive", "can_duplicate"}
    own = posting_permissions(site_staff, posting)
    assert {name for name in moves if own[name]} == allowed
    for outsider in (other_site_staff, platform_staff, None):
        perms = posting_permissions(outsider or AnonymousUser(), posting)
        assert not any(perms[name] for name in moves | {"can_manage", "can_preview"})


def test_closed_posting_past_its_deadline_cannot_be_reopened_from_the_page(site_staff, site):
    from placements.permissions import posting_permissions

    posting = f.PostingFactory(
        site=site, status=Posting.Status.CLOSED, application_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    assert posting_permissions(site_staff, posting)["can_reopen"] is False

"""The site's review: the applicants page, the application page, moves, notes, bulk
actions and the resume download, from every party's side."""

import pytest
from django.urls import reverse

from placements.models import Application, ApplicationNote
from placements.services import applications as services
from placements.services.transitions import TransitionRefused
from tests import factories as f
from tests.placements.applications_helpers import pdf_bytes, set_status

S = Application.Status


@pytest.fixture
def posting(site, mentor):
    return f.PostingFactory(site=site, title="Cardiac step-down internship", slots=2, mentor=mentor)


@pytest.fixture
def application(student, posting):
    from django.core.files.base import ContentFile

    application = f.ApplicationFactory(student=student, posting=posting, cover_letter="I love telemetry.")
    application.resume.save("r.pdf", ContentFile(pdf_bytes("sam")), save=False)
    application.resume_name = "Sam_Lee_resume.pdf"
    application.save()
    return application


def _detail(application):
    return reverse("placements:application-detail", args=[application.pk])


def _applicants(posting, status=""):
    url = reverse("placements:posting-applicants", args=[posting.pk])
    return f"{url}?status={status}" if status else url


# --- The applicants page --------------------------------------------------------------
def test_applicants_page_lists_counts_and_filters_by_status(client_for, site_staff, posting, application):
    others = [f.ApplicationFactory(posting=posting) for _ in range(3)]
    set_status(others[0], S.SHORTLISTED)
    set_status(others[1], S.REJECTED)
    elsewhere = f.ApplicationFactory(posting=f.PostingFactory(), student=f.StudentFactory(first_name="Hidden"))

    client = client_for(site_staff)
    body = client.get(_applicants(posting)).content.decode()
    assert "Applicants for Cardiac step-down internship" in body
    assert "Sam Lee" in body and others[0].student.display_name in body
    assert elsewhere.student.display_name not in body

    response = client.get(_applicants(posting, "shortlisted"))
    rows = response.context["applications"]
    assert [a.pk for a in rows] == [others[0].pk]
    assert {tab["label"]: tab["count"] for tab in response.context["tabs"]} == {
        "All": 4,
        "Shortlisted": 1,
        "Submitted": 2,
        "Not selected": 1,
    }


def test_applicants_page_query_count_is_constant(client_for, site_staff, posting, django_assert_max_num_queries):
    client = client_for(site_staff)
    f.ApplicationFactory(posting=posting)
    client.get(_applicants(posting))
    with django_assert_max_num_queries(12) as few:
        client.get(_applicants(posting))
    for _ in range(15):
        f.ApplicationFactory(posting=posting)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_applicants(posting))
    assert len(response.context["applications"]) == 16


def test_applicants_page_empty_state(client_for, site_staff, posting):
    body = client_for(site_staff).get(_applicants(posting)).content.decode()
    assert "No applications yet" in body


def test_other_sites_staff_cannot_see_applicants_or_counts(client_for, other_site_staff, mentor, posting, application):
    assert client_for(other_site_staff).get(_applicants(posting)).status_code == 404
    assert client_for(mentor).get(_applicants(posting)).status_code == 403


# --- The application page -------------------------------------------------------------
def test_site_sees_profile_letter_resume_timeline_and_notes(client_for, site_staff, application):
    ApplicationNote.objects.create(application=application, author=site_staff, body="Call her references.")
    body = client_for(site_staff).get(_detail(application)).content.decode()
    assert "I love telemetry." in body
    assert "Riverside College of Health" in body  # the profile summary
    assert reverse("placements:application-resume", args=[application.pk]) in body
    assert "Timeline" in body and "Submitted" in body
    assert "Call her references." in body and "Add an internal note" in body
    assert "Make an offer" in body and "Shortlist" in body


def test_student_never_sees_internal_notes(client_for, student, site_staff, application):
    services.application_note_create(application=application, author=site_staff, body="Internal: maybe.")
    body = client_for(student).get(_detail(application)).content.decode()
    assert "Internal: maybe." not in body
    assert "Internal notes" not in body
    assert "Make an offer" not in body


def test_coordinator_reads_without_actions_or_notes(client_for, coordinator, site_staff, application):
    services.application_note_create(application=application, author=site_staff, body="Internal: maybe.")
    response = client_for(coordinator).get(_detail(application))
    body = response.content.decode()
    assert response.status_code == 200
    assert "I love telemetry." in body
    assert "Internal: maybe." not in body
    assert "Make an offer" not in body and "Withdraw" not in body


def test_timeline_signs_site_moves_with_the_site_for_the_student(client_for, student, site_staff, application):
    services.application_reject(
        application_id=application.pk, actor=site_staff, reason="We needed ICU experience.", expected_from="submitted"
    )
    student_view = client_for(student).get(_detail(application)).content.decode()
    assert "Morgan Diaz" not in student_view
    assert "Mercy General Hospital <span>(site)</span>" in student_view
    assert "We needed ICU experience." in student_view  # the reason the student sees
    site_view = client_for(site_staff).get(_detail(application)).content.decode()
    assert "Morgan Diaz <span>(site staff)</span>" in site_view


def test_resume_download_checks_who_asks(client_for, personas, application):
    url = reverse("placements:application-resume", args=[application.pk])
    for name in ("student", "site_staff", "coordinator"):
        response = client_for(personas[name]).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == pdf_bytes("sam")
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Sam_Lee_resume.pdf" in response["Content-Disposition"]
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    for name in ("other_student", "other_site_staff", "other_coordinator", "mentor", "platform_staff"):
        assert client_for(personas[name]).get(url).status_code == 404, name


# --- Moves ----------------------------------------------------------------------------
def test_site_moves_to_review_then_shortlist(client_for, site_staff, application):
    client = client_for(site_staff)
    client.post(reverse("placements:application-review", args=[application.pk]), {"expected_from": "submitted"})
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    response = client.post(
        reverse("placements:application-shortlist", args=[application.pk]),
        {"expected_from": "under_review"},
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == S.SHORTLISTED
    assert "Sam Lee&#x27;s application is shortlisted." in response.content.decode()
    assert [e.to_status for e in application.events.all()] == [S.UNDER_REVIEW, S.SHORTLISTED]


def test_reject_needs_a_reason_and_changes_nothing_without_one(client_for, site_staff, application):
    url = reverse("placements:application-reject", args=[application.pk])
    response = client_for(site_staff).post(url, {"expected_from": "submitted", "reason": "  "})
    assert response.status_code == 400
    assert "Give the student a reason" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and not application.events.exists()


def test_reject_with_a_reason_the_student_sees(client_for, site_staff, student, application):
    url = reverse("placements:application-reject", args=[application.pk])
    client_for(site_staff).post(url, {"expected_from": "submitted", "reason": "All places went to seniors."})
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert application.decision_reason == "All places went to seniors."
    body = client_for(student).get(_detail(application)).content.decode()
    assert "Reason given:</strong> All places went to seniors." in body


def test_a_stale_page_is_refused_with_a_message(client_for, site_staff, student, application):
    services.application_withdraw(application_id=application.pk, student=student)
    response = client_for(site_staff).post(
        reverse("placements:application-shortlist", args=[application.pk]), {"expected_from": "submitted"}, follow=True
    )
    assert "This application changed while you were looking: it is now withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.application_review, {}),
        (services.application_shortlist, {}),
        (services.application_reject, {"reason": "No."}),
    ],
)
def test_refused_moves_do_nothing(student, application, service, kwargs):
    with pytest.raises(TransitionRefused):
        service(application_id=application.pk, actor=student, **kwargs)
    set_status(application, S.REJECTED)
    with pytest.raises(TransitionRefused):
        service(application_id=application.pk, actor=application.posting.site.members.first() or student, **kwargs)


def test_other_sites_staff_cannot_move_it_even_through_the_service(other_site_staff, application):
    with pytest.raises(TransitionRefused, match="only the site's staff"):
        services.application_shortlist(application_id=application.pk, actor=other_site_staff)


# --- Notes ----------------------------------------------------------------------------
def test_site_adds_a_note_and_an_empty_one_is_refused(client_for, site_staff, application):
    client = client_for(site_staff)
    url = reverse("placements:application-note-create", args=[application.pk])
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert "Write something in the note first." in response.content.decode()
    assert not ApplicationNote.objects.exists()
    client.post(url, {"body": "Good fit for nights."})
    note = ApplicationNote.objects.get()
    assert (note.body, note.author, note.application) == ("Good fit for nights.", site_staff, application)


def test_notes_service_refuses_anyone_but_the_sites_staff(mentor, other_site_staff, student, application):
    for user in (mentor, other_site_staff, student):
        with pytest.raises(TransitionRefused):
            services.application_note_create(application=application, author=user, body="Hi")


# --- Bulk -----------------------------------------------------------------------------
def test_bulk_reject_reports_the_ones_skipped(client_for, site_staff, posting):
    apps = [f.ApplicationFactory(posting=posting) for _ in range(4)]
    withdrawn_meanwhile = apps[3]
    data = {"action": "rejected", "reason": "Places filled.", "applications": [a.pk for a in apps]}
    data.update({f"seen-{a.pk}": "submitted" for a in apps})
    services.application_withdraw(application_id=withdrawn_meanwhile.pk, student=withdrawn_meanwhile.student)

    response = client_for(site_staff).post(
        reverse("placements:posting-applicants-bulk", args=[posting.pk]), data, follow=True
    )
    assert "3 rejected, 1 skipped because it was withdrawn meanwhile." in response.content.decode()
    statuses = sorted(Application.objects.filter(posting=posting).values_list("status", flat=True))
    assert statuses == ["rejected", "rejected", "rejected", "withdrawn"]
    assert Application.objects.filter(decision_reason="Places filled.").count() == 3


def test_bulk_shortlist_skips_those_that_cannot_move(site_staff, posting):
    a, b = f.ApplicationFactory(posting=posting), f.ApplicationFactory(posting=posting)
    set_status(b, S.OFFERED)
    result = services.applications_bulk_move(
        posting=posting, actor=site_staff, to_status=S.SHORTLISTED, items=[(a.pk, "submitted"), (b.pk, "offered")]
    )
    assert result.summary() == "1 shortlisted, 1 skipped because it is already offered."


def test_bulk_reject_without_a_reason_changes_nothing_and_keeps_the_selection(client_for, site_staff, posting):
    a, b = f.ApplicationFactory(posting=posting), f.ApplicationFactory(posting=posting)
    response = client_for(site_staff).post(
        reverse("placements:posting-applicants-bulk", args=[posting.pk]),
        {"action": "rejected", "applications": [a.pk], f"seen-{a.pk}": "submitted"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the students a reason" in body
    assert f'id="sel-{a.pk}" checked' in body and f'id="sel-{b.pk}" checked' not in body
    assert '<option value="rejected" selected>' in body
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_bulk_cannot_reach_another_postings_applications(client_for, site_staff, posting):
    elsewhere = f.ApplicationFactory(posting=f.PostingFactory(site=posting.site))
    foreign = f.ApplicationFactory(posting=f.PostingFactory())
    for target in (elsewhere, foreign):
        response = client_for(site_staff).post(
            reverse("placements:posting-applicants-bulk", args=[posting.pk]),
            {"action": "under_review", "applications": [target.pk]},
            follow=True,
        )
        assert "This page was out of date" in response.content.decode()
        target.refresh_from_db()
        assert target.status == S.SUBMITTED


def test_bulk_with_nothing_selected_says_so(client_for, site_staff, posting):
    f.ApplicationFactory(posting=posting)
    response = client_for(site_staff).post(
        reverse("placements:posting-applicants-bulk", args=[posting.pk]), {"action": "under_review"}
    )
    assert response.status_code == 400
    assert "Select at least one application" in response.content.decode()


def test_reject_all_remaining_once_the_slots_are_filled(client_for, site_staff, posting):
    offered = [set_status(f.ApplicationFactory(posting=posting), S.OFFERED) for _ in range(2)]
    waiting = [f.ApplicationFactory(posting=posting) for _ in range(3)]
    set_status(waiting[2], S.SHORTLISTED)
    client = client_for(site_staff)
    page = client.get(_applicants(posting)).content.decode()
    assert "Reject 3 remaining applications" in page
    response = client.post(
        reverse("placements:posting-applicants-reject-remaining", args=[posting.pk]),
        {"reason": "All places are filled."},
        follow=True,
    )
    assert "3 rejected." in response.content.decode()
    for a in waiting:
        a.refresh_from_db()
        assert a.status == S.REJECTED and a.decision_reason == "All places are filled."
    for a in offered:
        a.refresh_from_db()
        assert a.status == S.OFFERED


def test_reject_all_remaining_is_refused_while_slots_are_open(client_for, site_staff, posting):
    a = f.ApplicationFactory(posting=posting)
    response = client_for(site_staff).post(
        reverse("placements:posting-applicants-reject-remaining", args=[posting.pk]), {"reason": "x"}, follow=True
    )
    assert "2 of 2 slots still open" in response.content.decode()
    a.refresh_from_db()
    assert a.status == S.SUBMITTED
    assert "Reject all remaining" not in client_for(site_staff).get(_applicants(posting)).content.decode()

"""Applying and withdrawing, from the student's side; the student's own list."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StudentProfile
from placements.models import Application, ApplicationEvent, Posting
from placements.services import applications as services
from placements.services.transitions import TransitionRefused
from tests import factories as f
from tests.placements.applications_helpers import give_profile_resume, pdf_bytes, pdf_upload, set_status

S = Application.Status


@pytest.fixture
def posting(site):
    return f.PostingFactory(site=site, title="Cardiac step-down internship", slots=2)


def _apply_url(posting):
    return reverse("placements:application-create", args=[posting.pk])


# --- The service ----------------------------------------------------------------------
def test_student_applies_with_a_copy_of_the_profile_resume(student, posting):
    original = give_profile_resume(student, "version one")
    application = services.application_submit(student=student, posting=posting, cover_letter="  Dear team  ")

    assert application.status == S.SUBMITTED
    assert application.cover_letter == "Dear team"
    assert application.resume.read() == original
    assert application.resume_name == "Sam_Lee_resume.pdf"
    event = ApplicationEvent.objects.get(application=application)
    assert (event.from_status, event.to_status, event.actor) == ("", S.SUBMITTED, student)

    # A later profile change does not alter what the site received.
    give_profile_resume(student, "version two")
    application.refresh_from_db()
    with application.resume.open("rb") as handle:
        assert handle.read() == original


def test_student_applies_with_a_pdf_for_this_application_only(student, posting):
    profile_pdf = give_profile_resume(student, "profile")
    upload = pdf_upload("Sam CV (final).pdf", "special")
    application = services.application_submit(
        student=student, posting=posting, cover_letter="Hello", resume_upload=upload
    )
    assert application.resume.read() == pdf_bytes("special")
    assert application.resume_name.endswith(".pdf")
    assert StudentProfile.objects.get(user=student).resume.read() == profile_pdf


def test_a_second_application_is_refused_with_the_first_date(student, posting):
    give_profile_resume(student)
    first = services.application_submit(student=student, posting=posting, cover_letter="Hello")
    with pytest.raises(services.AlreadyApplied) as exc:
        services.application_submit(student=student, posting=posting, cover_letter="Again")
    assert exc.value.application == first
    assert str(exc.value).startswith("You already applied on ")
    assert Application.objects.count() == 1


def test_a_racing_double_submit_gets_already_applied_not_an_integrity_error(student, posting, monkeypatch):
    """Two tabs pass the "already applied?" check at the same instant: the unique
    constraint stops the second, which is reported like any second attempt."""
    give_profile_resume(student)
    first = services.application_submit(student=student, posting=posting, cover_letter="Tab one")
    real_filter = Application.objects.filter
    calls = {"n": 0}

    def blind_first_check(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # the pre-check does not see tab one's row yet
            return Application.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Application.objects, "filter", blind_first_check)
    with pytest.raises(services.AlreadyApplied) as exc:
        services.application_submit(student=student, posting=posting, cover_letter="Tab two")
    assert exc.value.application.pk == first.pk
    monkeypatch.undo()
    assert Application.objects.filter(student=student).count() == 1
    assert ApplicationEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Posting.Status.CLOSED}, "closed"),
        ({"application_deadline": dt.date.today() - dt.timedelta(days=1)}, "deadline"),
    ],
)
def test_closed_or_past_deadline_postings_refuse(student, posting, change, message):
    give_profile_resume(student)
    Posting.objects.filter(pk=posting.pk).update(**change)
    posting.refresh_from_db()
    with pytest.raises(services.ApplicationRefused, match=message):
        services.application_submit(student=student, posting=posting, cover_letter="Hello")
    assert not Application.objects.exists()


def test_the_deadline_day_itself_still_takes_applications(student, posting):
    give_profile_resume(student)
    Posting.objects.filter(pk=posting.pk).update(application_deadline=timezone.localdate())
    posting.refresh_from_db()
    assert services.application_submit(student=student, posting=posting, cover_letter="Just in time").pk


def test_unverified_school_refuses(student, posting, school):
    give_profile_resume(student)
    school.verified = False
    school.save()
    student.refresh_from_db()
    with pytest.raises(services.ApplicationRefused, match="waiting for verification"):
        services.application_submit(student=student, posting=posting, cover_letter="Hello")


def test_no_resume_at_all_refuses(student, posting):
    with pytest.raises(services.ApplicationRefused, match="no resume"):
        services.application_submit(student=student, posting=posting, cover_letter="Hello")
    assert not Application.objects.exists()


def test_non_students_cannot_apply(site_staff, coordinator, posting):
    for user in (site_staff, coordinator):
        with pytest.raises(services.ApplicationRefused, match="Only students"):
            services.application_submit(student=user, posting=posting, cover_letter="Hello")


# --- The apply page -------------------------------------------------------------------
def test_apply_page_submits_with_an_uploaded_pdf(client_for, student, posting):
    client = client_for(student)
    page = client.get(_apply_url(posting))
    assert page.status_code == 200
    assert "Upload a PDF for this application" in page.content.decode()  # no profile resume yet

    response = client.post(
        _apply_url(posting),
        {"cover_letter": "I want to learn telemetry.", "resume_source": "upload", "resume": pdf_upload()},
    )
    application = Application.objects.get(student=student, posting=posting)
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:application-detail", args=[application.pk])
    assert application.resume.read() == pdf_bytes("uploaded")
    followed = client.get(response["Location"])
    assert "Your application to “Cardiac step-down internship” was sent." in followed.content.decode()


def test_apply_page_refuses_a_file_that_is_not_a_pdf(client_for, student, posting):
    fake = SimpleUploadedFile("resume.pdf", b"MZ\x90\x00 a program, not a PDF", content_type="application/pdf")
    response = client_for(student).post(
        _apply_url(posting), {"cover_letter": "Hello", "resume_source": "upload", "resume": fake}
    )
    assert response.status_code == 400
    assert "This file is not a PDF" in response.content.decode()
    assert not Application.objects.exists()


def test_apply_page_without_a_file_and_without_a_profile_resume_says_so(client_for, student, posting):
    response = client_for(student).post(_apply_url(posting), {"cover_letter": "Hello", "resume_source": "upload"})
    assert response.status_code == 400
    assert "Choose a PDF file to upload" in response.content.decode()
    assert not Application.objects.exists()


def test_apply_page_empty_cover_letter_is_an_error(client_for, student, posting):
    give_profile_resume(student)
    response = client_for(student).post(_apply_url(posting), {"cover_letter": "", "resume_source": "profile"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Application.objects.exists()


def test_second_submit_from_the_page_links_to_the_first(client_for, student, posting):
    give_profile_resume(student)
    client = client_for(student)
    data = {"cover_letter": "Hello", "resume_source": "profile"}
    assert client.post(_apply_url(posting), data).status_code == 302
    second = client.post(_apply_url(posting), data, follow=True)
    application = Application.objects.get()
    body = second.content.decode()
    assert second.status_code == 200
    assert "You already applied on" in body
    assert reverse("placements:application-detail", args=[application.pk]) in body
    assert Application.objects.count() == 1
    # The page itself says so too, instead of offering the form again.
    again = client.get(_apply_url(posting)).content.decode()
    assert "You already applied on" in again and "Send application" not in again


def test_apply_page_on_a_closed_posting_says_why_and_does_nothing(client_for, student, posting):
    give_profile_resume(student)
    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.CLOSED)
    client = client_for(student)
    page = client.get(_apply_url(posting)).content.decode()
    assert "This posting is closed" in page and "Send application" not in page
    response = client.post(_apply_url(posting), {"cover_letter": "Hello", "resume_source": "profile"})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_apply_page_is_refused_to_non_students(client_for, site_staff, posting):
    response = client_for(site_staff).get(_apply_url(posting))
    assert response.status_code == 403
    assert "Only students can apply" in response.content.decode()


def test_draft_postings_cannot_be_applied_to(client_for, student, site):
    draft = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    assert client_for(student).get(_apply_url(draft)).status_code == 404


# --- Withdraw -------------------------------------------------------------------------
def test_student_withdraws_with_a_confirm_step_and_a_reason(client_for, student, posting):
    application = f.ApplicationFactory(student=student, posting=posting)
    url = reverse("placements:application-withdraw", args=[application.pk])
    client = client_for(student)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Withdraw your application?" in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED  # the GET changed nothing

    response = client.post(url, {"expected_from": "submitted", "reason": "I took another placement."}, follow=True)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert "You withdrew your application" in response.content.decode()
    event = application.events.get(to_status=S.WITHDRAWN)
    assert event.reason == "I took another placement." and event.actor == student


def test_a_double_withdraw_says_the_application_changed(client_for, student, posting):
    application = f.ApplicationFactory(student=student, posting=posting)
    url = reverse("placements:application-withdraw", args=[application.pk])
    client = client_for(student)
    client.post(url, {"expected_from": "submitted"})
    response = client.post(url, {"expected_from": "submitted"}, follow=True)
    assert "This application changed while you were looking" in response.content.decode()
    assert application.events.filter(to_status=S.WITHDRAWN).count() == 1


def test_withdraw_without_the_seen_status_changes_nothing(client_for, student, posting):
    application = f.ApplicationFactory(student=student, posting=posting)
    url = reverse("placements:application-withdraw", args=[application.pk])
    response = client_for(student).post(url, {}, follow=True)
    assert "This page was out of date" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.OFFERED, S.ACCEPTED])
def test_withdraw_is_possible_until_approval(student, posting, status):
    application = set_status(f.ApplicationFactory(student=student, posting=posting), status)
    services.application_withdraw(application_id=application.pk, student=student)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_withdraw_after_approval_is_refused(student, posting):
    application = set_status(f.ApplicationFactory(student=student, posting=posting), S.APPROVED)
    with pytest.raises(TransitionRefused, match="cannot be withdrawn"):
        services.application_withdraw(application_id=application.pk, student=student)


def test_nobody_else_withdraws_for_the_student(other_student, site_staff, student, posting):
    application = f.ApplicationFactory(student=student, posting=posting)
    for user in (other_student, site_staff):
        with pytest.raises(TransitionRefused):
            services.application_withdraw(application_id=application.pk, student=user)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- My applications ------------------------------------------------------------------
def test_my_applications_groups_by_status_and_shows_only_mine(client_for, student, other_student, site):
    offered = set_status(
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Offer A")), S.OFFERED
    )
    f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Waiting B"))
    set_status(f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Closed C")), S.REJECTED)
    f.ApplicationFactory(student=other_student, posting=f.PostingFactory(site=site, title="Someone else's D"))

    response = client_for(student).get(reverse("placements:application-list-student"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Offers waiting for your answer" in body and "Offer A" in body
    assert "Waiting for the site" in body and "Waiting B" in body
    assert "Closed C" in body
    assert "Someone else" not in body
    assert "Answer by" in body and "from now" in body  # the offer's deadline, in words
    assert reverse("placements:application-detail", args=[offered.pk]) in body


def test_my_applications_empty_state_says_what_to_do(client_for, student):
    body = client_for(student).get(reverse("placements:application-list-student")).content.decode()
    assert "You have not applied to anything yet" in body


def test_my_applications_query_count_does_not_grow(client_for, student, site, django_assert_max_num_queries):
    client = client_for(student)
    url = reverse("placements:application-list-student")
    f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site))
    client.get(url)  # warm the session
    with django_assert_max_num_queries(6) as few:
        client.get(url)
    for _ in range(8):
        set_status(f.ApplicationFactory(student=student, posting=f.PostingFactory()), S.OFFERED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_integrity_errors_other_than_duplicates_are_not_swallowed(student, posting, monkeypatch):
    give_profile_resume(student)

    def broken_save(self, *args, **kwargs):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(Application, "save", broken_save)
    with pytest.raises(IntegrityError):
        services.application_submit(student=student, posting=posting, cover_letter="Hello")


# --- The posting page's apply box -----------------------------------------------------
def test_posting_page_apply_box_from_each_side(client_for, student, site_staff, coordinator, posting):
    url = reverse("placements:posting-detail", args=[posting.pk])
    apply_url = _apply_url(posting)
    assert "Log in as a student to apply" in client_for(None).get(url).content.decode()
    assert f'href="{apply_url}"' in client_for(student).get(url).content.decode()
    applicants = reverse("placements:posting-applicants", args=[posting.pk])
    assert f'href="{applicants}"' in client_for(site_staff).get(url).content.decode()
    body = client_for(coordinator).get(url).content.decode()
    assert "Only students apply to postings." in body and apply_url not in body

    application = f.ApplicationFactory(student=student, posting=posting)
    body = client_for(student).get(url).content.decode()
    assert "You applied on" in body and f'href="{apply_url}"' not in body
    assert reverse("placements:application-detail", args=[application.pk]) in body


def test_posting_page_says_why_a_student_cannot_apply(client_for, student, posting, school):
    school.verified = False
    school.save()
    body = client_for(student).get(reverse("placements:posting-detail", args=[posting.pk])).content.decode()
    assert "waiting for verification" in body and _apply_url(posting) not in body


def test_a_file_with_profile_resume_chosen_asks_which_one(client_for, student, posting):
    give_profile_resume(student)
    response = client_for(student).post(
        _apply_url(posting), {"cover_letter": "Hello", "resume_source": "profile", "resume": pdf_upload()}
    )
    assert response.status_code == 400
    assert "You attached a file but chose your profile resume" in response.content.decode()
    assert not Application.objects.exists()

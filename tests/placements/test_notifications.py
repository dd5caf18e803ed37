"""Notifications: fan-out, status changes, scans, email, preferences, the centre."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Site
from placements.models import Application, ApplicationEvent, Notification, NotificationKind, NotificationPreference
from placements.services.notifications import (
    agreement_expiry_scan,
    application_deadline_scan,
    application_event_dispatch,
    approval_reminder_scan,
    notification_digest_send,
    notifications_outbox_sweep,
    offer_deadline_scan,
    posting_match_fanout,
)
from placements.services.notifications._common import unsubscribe_token
from placements.services.transitions import application_transition
from tests import factories as f

K = NotificationKind
S = Application.Status
ES = Notification.EmailStatus
pytestmark = pytest.mark.django_db


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _student(state="OH", discipline="nursing", specialties=("cardiology",), **kwargs):
    student = f.StudentFactory(**kwargs)
    profile = student.student_profile
    profile.state = state
    profile.discipline = f.discipline(discipline)
    profile.save()
    profile.specialties.set([f.specialty(s) for s in specialties])
    return student


def _quiet_student(**kwargs):
    """A student nothing fits by interests (no specialties stated)."""
    return _student(specialties=(), state="", **kwargs)


# --- Match fan-out --------------------------------------------------------------------
class TestMatchFanout:
    def test_saved_searches_and_interests_that_fit_hear_once(self, site):
        posting = f.PostingFactory(site=site, title="Cardiac step-down internship", state="OH", city="Cleveland")
        by_search = _quiet_student()
        f.SavedSearchFactory(student=by_search, state="OH", city="cleveland", kind="internship")
        by_interest = _student(state="OH", specialties=("cardiology", "oncology"))
        both = _student(state="OH")
        f.SavedSearchFactory(student=both)
        _student(state="FL")
        alerts_off = _quiet_student()
        f.SavedSearchFactory(student=alerts_off, alerts=False)
        wrong_kind = _quiet_student()
        f.SavedSearchFactory(student=wrong_kind, kind="externship")
        paid_only = _quiet_student()
        f.SavedSearchFactory(student=paid_only, paid_only=True)
        other_specialty = _quiet_student()
        search = f.SavedSearchFactory(student=other_specialty)
        search.specialties.set([f.specialty("oncology")])
        wrong_site_kind = _quiet_student()
        f.SavedSearchFactory(student=wrong_site_kind, site_kind=Site.Kind.PHARMACY)

        assert posting_match_fanout(posting_id=posting.pk) == 3
        assert posting_match_fanout(posting_id=posting.pk) == 0  # a second run adds nothing
        told = set(
            Notification.objects.filter(kind=K.POSTING_MATCH, object_id=posting.pk).values_list("recipient", flat=True)
        )
        assert told == {by_search.pk, by_interest.pk, both.pk}
        note = Notification.objects.get(recipient=by_search)
        assert note.title == "New posting for you: Cardiac step-down internship"
        assert note.due_on == posting.application_deadline

    def test_keyword_fits_like_the_listing(self, site):
        posting = f.PostingFactory(site=site, title="Cardiac step-down internship")
        fits = _quiet_student()
        f.SavedSearchFactory(student=fits, keyword="cardiac step-down")
        misses = _quiet_student()
        f.SavedSearchFactory(student=misses, keyword="dialysis")
        posting_match_fanout(posting_id=posting.pk)
        assert _kinds(fits) == [K.POSTING_MATCH]
        assert _kinds(misses) == []

    def test_queries_grow_with_batches_not_students(self, site, settings):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def fanout_queries(students):
            posting = f.PostingFactory(site=site)
            with CaptureQueriesContext(connection) as queries:
                assert posting_match_fanout(posting_id=posting.pk) == students
            assert Notification.objects.filter(object_id=posting.pk).count() == students
            return len(queries)

        settings.NOTIFY_FANOUT_BATCH_SIZE = 1000
        [_student() for _ in range(5)]
        few = fanout_queries(5)
        [_student() for _ in range(25)]
        assert fanout_queries(30) == few  # six times the students, the same queries
        settings.NOTIFY_FANOUT_BATCH_SIZE = 10
        extra = fanout_queries(30) - few  # three more batches
        assert extra % 3 == 0 and extra // 3 <= 4  # each: savepoint, (SET LOCAL jit), insert, release

    def test_unpublished_or_missing_posting_notifies_no_one(self, site):
        _student()
        draft = f.PostingFactory(site=site, status="draft", published_at=None)
        assert posting_match_fanout(posting_id=draft.pk) == 0
        assert posting_match_fanout(posting_id=999_999) == 0
        assert not Notification.objects.exists()

    def test_publish_notifies_after_commit_and_rollback_notifies_no_one(
        self, site, site_staff, django_capture_on_commit_callbacks
    ):
        from placements.services.postings import posting_publish

        student = _student()
        draft = f.PostingFactory(site=site, status="draft", published_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    posting_publish(posting=draft, actor=site_staff)
                    raise RuntimeError("the request failed after publishing")
            except RuntimeError:
                pass
        assert not Notification.objects.exists()
        assert mail.outbox == []

        draft.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            posting_publish(posting=draft, actor=site_staff)
        assert _kinds(student) == [K.POSTING_MATCH]
        assert len(mail.outbox) == 1

    def test_preference_decides_the_email(self, site):
        posting = f.PostingFactory(site=site)
        instant, digest, off = _student(), _student(), _student()
        NotificationPreference.objects.create(user=digest, kind=K.POSTING_MATCH, channel="digest")
        NotificationPreference.objects.create(user=off, kind=K.POSTING_MATCH, channel="off")
        posting_match_fanout(posting_id=posting.pk)
        status = dict(Notification.objects.values_list("recipient", "email_status"))
        assert status == {instant.pk: ES.PENDING, digest.pk: ES.DIGEST, off.pk: ES.SKIPPED}


# --- Status changes -------------------------------------------------------------------
@pytest.fixture
def application(site, student):
    posting = f.PostingFactory(site=site, title="Cardiac step-down internship")
    return f.ApplicationFactory(posting=posting, student=student)


def _move(application, actor, to, **kwargs):
    return application_transition(application_id=application.pk, actor=actor, to_status=to, **kwargs)


class TestStatusChanges:
    def test_offer_reaches_the_student_once_with_email(
        self, application, site_staff, student, django_capture_on_commit_callbacks
    ):
        expires = timezone.now() + dt.timedelta(days=5)
        with django_capture_on_commit_callbacks(execute=True):
            result = _move(application, site_staff, S.OFFERED, updates={"offer_expires_at": expires})
        note = Notification.objects.get(recipient=student)
        assert note.kind == K.APPLICATION_UPDATE
        assert note.title.startswith("Mercy General Hospital offered you a place")
        assert note.due_on == timezone.localtime(expires).date()
        assert not Notification.objects.filter(recipient=site_staff).exists()  # the actor is not told
        result.event.refresh_from_db()
        assert result.event.dispatched_at is not None
        assert application_event_dispatch(event_id=result.event.pk) == 0  # second run: nothing
        assert Notification.objects.count() == 1

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [student.email]
        assert "offered you a place" in message.subject
        assert "Cardiac step-down internship" in message.body
        html = message.alternatives[0][0]
        assert "offered you a place" in html and "Open your application" in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")
        note.refresh_from_db()
        assert note.email_status == ES.SENT and note.email_attempts == 1

    def test_each_move_reaches_the_people_design_names(
        self, application, site_staff, student, coordinator, mentor, django_capture_on_commit_callbacks
    ):
        application.posting.mentor = mentor
        application.posting.save()
        f.AgreementFactory(school=student.school, site=application.posting.site)
        with django_capture_on_commit_callbacks(execute=True):
            application_event_dispatch(
                event_id=ApplicationEvent.objects.create(
                    application=application, actor=student, to_status=S.SUBMITTED
                ).pk
            )
            _move(
                application, site_staff, S.OFFERED, updates={"offer_expires_at": timezone.now() + dt.timedelta(days=3)}
            )
            _move(application, student, S.ACCEPTED)
            _move(application, coordinator, S.APPROVED)
        assert _kinds(site_staff) == [K.APPLICANT_UPDATE, K.APPLICANT_UPDATE, K.NEW_APPLICATION]
        assert _kinds(student) == [K.APPLICATION_UPDATE, K.APPLICATION_UPDATE]
        assert _kinds(coordinator) == [K.APPROVAL_NEEDED]
        assert _kinds(mentor) == [K.APPLICANT_UPDATE]
        titles = list(Notification.objects.filter(recipient=coordinator).values_list("title", flat=True))
        assert "waits for your approval" in titles[0]

    def test_withdrawal_and_denial(self, site, student, site_staff, coordinator, django_capture_on_commit_callbacks):
        first = f.ApplicationFactory(posting=f.PostingFactory(site=site), student=student)
        second = f.ApplicationFactory(posting=f.PostingFactory(site=site), student=student, status=S.ACCEPTED)
        with django_capture_on_commit_callbacks(execute=True):
            _move(first, student, S.WITHDRAWN)
            _move(second, coordinator, S.DENIED, reason="The agreement does not cover these dates.")
        staff_titles = sorted(Notification.objects.filter(recipient=site_staff).values_list("title", flat=True))
        assert any("withdrew" in t for t in staff_titles) and any("did not approve" in t for t in staff_titles)
        denial = Notification.objects.get(recipient=student)
        assert "did not approve" in denial.title and denial.body == "The agreement does not cover these dates."

    def test_a_rolled_back_transition_notifies_no_one(
        self, application, site_staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    _move(application, site_staff, S.SHORTLISTED)
                    raise RuntimeError
            except RuntimeError:
                pass
        assert not Notification.objects.exists() and mail.outbox == []


# --- Email delivery -------------------------------------------------------------------
class TestEmailDelivery:
    def test_failures_retry_then_are_recorded_not_lost(
        self, application, site_staff, django_capture_on_commit_callbacks
    ):
        with (
            mock.patch(
                "placements.services.notifications.delivery.send_templated_email",
                side_effect=ConnectionRefusedError("SMTP server refused"),
            ) as send,
            django_capture_on_commit_callbacks(execute=True),
        ):
            _move(application, site_staff, S.SHORTLISTED)
        note = Notification.objects.get()
        assert note.email_status == ES.FAILED
        assert note.email_attempts == send.call_count == 6  # the first try and 5 retries
        assert "SMTP server refused" in note.email_last_error

    def test_a_second_send_does_nothing(self, application, site_staff, django_capture_on_commit_callbacks):
        from placements.services.notifications import notification_email_send

        with django_capture_on_commit_callbacks(execute=True):
            _move(application, site_staff, S.SHORTLISTED)
        note = Notification.objects.get()
        assert notification_email_send(notification_id=note.pk) is False
        assert len(mail.outbox) == 1

    def test_digest_gathers_waiting_notifications_in_one_email(self, site, student):
        NotificationPreference.objects.create(user=student, kind=K.POSTING_MATCH, channel="digest")
        student.student_profile.specialties.set([f.specialty("cardiology")])
        for title in ("Cardiac internship A", "Cardiac internship B"):
            posting_match_fanout(posting_id=f.PostingFactory(site=site, title=title).pk)
        assert mail.outbox == []
        assert notification_digest_send(user_id=student.pk) == 2
        assert notification_digest_send(user_id=student.pk) == 0
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert "2 updates" in message.subject
        assert "Cardiac internship A" in message.body and "Cardiac internship B" in message.alternatives[0][0]
        assert set(Notification.objects.values_list("email_status", flat=True)) == {ES.SENT}


# --- Unsubscribe and preferences ------------------------------------------------------
class TestUnsubscribe:
    def test_one_click_post_turns_off_only_that_kind_without_login(self, client, student):
        NotificationPreference.objects.create(user=student, kind=K.APPLICATION_UPDATE, channel="digest")
        url = reverse(
            "placements:notification-unsubscribe", args=[unsubscribe_token(user_id=student.pk, kind=K.POSTING_MATCH)]
        )
        page = client.get(url)
        assert page.status_code == 200 and b"Stop these emails?" in page.content
        assert not NotificationPreference.objects.filter(user=student, kind=K.POSTING_MATCH).exists()
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and b"You are unsubscribed" in response.content
        prefs = dict(NotificationPreference.objects.filter(user=student).values_list("kind", "channel"))
        assert prefs == {K.POSTING_MATCH: "off", K.APPLICATION_UPDATE: "digest"}
        assert client.post(url).status_code == 200  # again: still fine

    def test_link_in_the_email_works(
        self, client, application, site_staff, student, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _move(application, site_staff, S.SHORTLISTED)
        header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
        path = header.split("://", 1)[1].split("/", 1)[1]
        assert f"/{path}" in mail.outbox[0].body
        assert client.post(f"/{path}").status_code == 200
        assert NotificationPreference.objects.get(user=student).channel == "off"

    def test_a_damaged_token_changes_nothing(self, client, student):
        token = unsubscribe_token(user_id=student.pk, kind=K.POSTING_MATCH)
        url = reverse("placements:notification-unsubscribe", args=[token[:-3] + "abc"])
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
        assert not NotificationPreference.objects.exists()


class TestPreferences:
    def test_student_chooses_per_kind(self, client_for, student):
        client = client_for(student)
        page = client.get(reverse("placements:notification-preferences"))
        assert page.status_code == 200
        assert (
            b"New postings that fit you" in page.content and b"Placements waiting for your approval" not in page.content
        )
        data = {
            "pref-posting_match": "digest",
            "pref-application_deadline": "off",
            "pref-application_update": "instant",
            "pref-offer_deadline": "instant",
        }
        response = client.post(reverse("placements:notification-preferences"), data)
        assert response.status_code == 302
        prefs = dict(NotificationPreference.objects.filter(user=student).values_list("kind", "channel"))
        assert prefs[K.POSTING_MATCH] == "digest" and prefs[K.APPLICATION_DEADLINE] == "off"

    def test_bad_input_changes_nothing(self, client_for, student):
        client = client_for(student)
        response = client.post(reverse("placements:notification-preferences"), {"pref-posting_match": "weekly"})
        assert response.status_code == 400
        assert not NotificationPreference.objects.exists()

    def test_coordinator_sees_their_kinds(self, client_for, coordinator):
        page = client_for(coordinator).get(reverse("placements:notification-preferences"))
        assert b"Placements waiting for your approval" in page.content
        assert b"New postings that fit you" not in page.content


# --- Periodic scans -------------------------------------------------------------------
class TestScans:
    def test_application_deadline_reminders_3_and_1_days_before(self, site):
        today = timezone.localdate()
        soon = f.PostingFactory(site=site, application_deadline=today + dt.timedelta(days=3))
        saver, matched, applied, stranger = _quiet_student(), _student(), _quiet_student(), _quiet_student()
        f.SavedPostingFactory(student=saver, posting=soon)
        f.SavedPostingFactory(student=applied, posting=soon)
        f.ApplicationFactory(posting=soon, student=applied)
        posting_match_fanout(posting_id=soon.pk)  # tells `matched`

        assert application_deadline_scan(today=today) == 2
        assert application_deadline_scan(today=today) == 0  # twice adds nothing
        reminded = set(Notification.objects.filter(kind=K.APPLICATION_DEADLINE).values_list("recipient", flat=True))
        assert reminded == {saver.pk, matched.pk}
        assert application_deadline_scan(today=today + dt.timedelta(days=1)) == 0  # 2 days left: still the 3-day window
        assert application_deadline_scan(today=today + dt.timedelta(days=2)) == 2  # 1 day left
        windows = sorted(
            Notification.objects.filter(recipient=saver, kind=K.APPLICATION_DEADLINE).values_list("window", flat=True)
        )
        assert windows == [f"1d:{soon.application_deadline}", f"3d:{soon.application_deadline}"]
        assert stranger.notifications.count() == 0

    def test_offer_deadline_reminders(self, application, site_staff, student):
        now = timezone.now()
        Application.objects.filter(pk=application.pk).update(
            status=S.OFFERED, offer_expires_at=now + dt.timedelta(hours=40)
        )
        assert offer_deadline_scan(now=now) == 1
        assert offer_deadline_scan(now=now) == 0
        assert offer_deadline_scan(now=now + dt.timedelta(hours=20)) == 1  # the 1-day reminder
        assert offer_deadline_scan(now=now + dt.timedelta(hours=20)) == 0
        assert list(Notification.objects.order_by("window").values_list("window", flat=True)) == ["1d", "2d"]

    def test_approval_waiting_reminds_the_coordinators(self, application, coordinator, other_coordinator):
        now = timezone.now()
        Application.objects.filter(pk=application.pk).update(
            status=S.ACCEPTED, status_changed_at=now - dt.timedelta(days=4)
        )
        assert approval_reminder_scan(now=now) == 1
        assert approval_reminder_scan(now=now) == 0
        assert _kinds(coordinator) == [K.APPROVAL_NEEDED] and _kinds(other_coordinator) == []
        assert approval_reminder_scan(now=now + dt.timedelta(days=4)) == 1  # the 7-day reminder

    def test_agreement_expiring_30_and_7_days(self, school, site, coordinator, site_staff, other_coordinator):
        today = timezone.localdate()
        f.AgreementFactory(school=school, site=site, end_date=today + dt.timedelta(days=20))
        assert agreement_expiry_scan(today=today) == 2
        assert agreement_expiry_scan(today=today) == 0
        assert _kinds(coordinator) == _kinds(site_staff) == [K.AGREEMENT_EXPIRING]
        assert agreement_expiry_scan(today=today + dt.timedelta(days=14)) == 2  # 6 days left
        assert _kinds(other_coordinator) == []

    def test_outbox_sweep_redoes_what_a_dead_worker_left(
        self, application, student, django_capture_on_commit_callbacks
    ):
        event = ApplicationEvent.objects.create(
            application=application, actor=None, from_status=S.SUBMITTED, to_status=S.REJECTED
        )
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
        stale = Notification.objects.create(
            recipient=student,
            kind=K.POSTING_MATCH,
            object_id=application.posting_id,
            title="Old news",
            email_queued_at=timezone.now() - dt.timedelta(hours=1),
        )
        with django_capture_on_commit_callbacks(execute=True):
            result = notifications_outbox_sweep()
        assert result == {"events": 1, "emails": 1}
        event.refresh_from_db()
        assert event.dispatched_at is not None
        stale.refresh_from_db()
        assert stale.email_status == ES.SENT
        assert notifications_outbox_sweep() == {"events": 0, "emails": 0}


# --- The centre -----------------------------------------------------------------------
def _notes(user, count):
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user, kind=K.APPLICATION_UPDATE, object_id=i, title=f"Update {i}",
            created_at=now - dt.timedelta(minutes=count - i), email_status=ES.SKIPPED,
        )
        for i in range(count)
    )  # fmt: skip


class TestCentre:
    def test_newest_first_paginated_with_unread_badge(self, client_for, student, django_assert_max_num_queries):
        _notes(student, 25)
        client = client_for(student)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("placements:notification-list"))
        body = page.content.decode()
        assert body.index("Update 24") < body.index("Update 23")  # newest first
        assert "Update 4<" not in body and "Page 1 of 2" in body
        assert 'id="notifications-badge">25<' in body
        second = client.get(reverse("placements:notification-list"), {"page": 2}).content.decode()
        assert "Update 0<" in second

    def test_open_marks_read_and_leads_to_the_object(self, client_for, student, application):
        note = Notification.objects.create(
            recipient=student, kind=K.APPLICATION_UPDATE, object_id=application.pk, title="Offer"
        )
        response = client_for(student).get(reverse("placements:notification-open", args=[note.pk]))
        assert response.status_code == 302
        assert response.url == reverse("placements:application-detail", args=[application.pk])
        note.refresh_from_db()
        assert note.read_at is not None

    def test_mark_one_with_htmx_updates_the_counts(self, client_for, student):
        first, second = _notes(student, 2)
        client = client_for(student)
        response = client.post(reverse("placements:notification-read", args=[first.pk]), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and f'id="notification-{first.pk}"' in body
        assert '<span id="unread-count" hx-swap-oob="true">1</span>' in body
        response = client.post(reverse("placements:notification-read", args=[second.pk]), HTTP_HX_REQUEST="true")
        assert 'hx-swap-oob="delete"' in response.content.decode()  # no unread left: the badge goes
        assert not Notification.objects.filter(read_at__isnull=True).exists()

    def test_mark_all_read_touches_only_mine(self, client_for, student, other_student):
        _notes(student, 3)
        _notes(other_student, 2)
        response = client_for(student).post(reverse("placements:notification-read-all"))
        assert response.status_code == 302
        assert not student.notifications.filter(read_at__isnull=True).exists()
        assert other_student.notifications.filter(read_at__isnull=True).count() == 2

    def test_someone_elses_notification_is_not_found(self, client_for, student, other_student):
        (note,) = _notes(student, 1)
        client = client_for(other_student)
        assert client.get(reverse("placements:notification-open", args=[note.pk])).status_code == 404
        assert client.post(reverse("placements:notification-read", args=[note.pk])).status_code == 404
        note.refresh_from_db()
        assert note.read_at is None

    def test_empty_centre_says_what_to_do(self, client_for, student):
        body = client_for(student).get(reverse("placements:notification-list")).content.decode()
        assert "No notifications yet" in body and "Save a search" in body

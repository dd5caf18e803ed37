"""Offers and the student's answer: deadlines, accept, decline, expiry, the overlap rule."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from placements.models import Application, ApplicationEvent
from placements.services import applications as services
from placements.services.transitions import TransitionRefused
from placements.tasks import applications_expire_offers_task
from tests import factories as f
from tests.placements.applications_helpers import offer_deadline, set_status

S = Application.Status


@pytest.fixture
def posting(site):
    return f.PostingFactory(site=site, title="Cardiac step-down internship", slots=2)


@pytest.fixture
def application(student, posting):
    return f.ApplicationFactory(student=student, posting=posting)


def _offer(application, actor, days=3, expected="submitted"):
    return services.application_offer(
        application_id=application.pk,
        actor=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
        expected_from=expected,
    )


# --- Making an offer ------------------------------------------------------------------
def test_offer_sets_the_response_deadline_and_records_the_event(site_staff, application):
    result = _offer(application, site_staff)
    application.refresh_from_db()
    assert application.status == S.OFFERED
    assert application.offer_expires_at == result.application.offer_expires_at
    event = ApplicationEvent.objects.get(application=application)
    assert (event.from_status, event.to_status, event.actor) == (S.SUBMITTED, S.OFFERED, site_staff)


def test_offer_deadline_must_be_in_the_future_and_before_the_start(site_staff, application, posting):
    with pytest.raises(TransitionRefused, match="in the future"):
        _offer(application, site_staff, days=-1)
    late = (posting.start_date - timezone.localdate()).days + 1
    with pytest.raises(TransitionRefused, match="before the placement starts"):
        _offer(application, site_staff, days=late)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.offer_expires_at is None


def test_offer_form_defaults_to_a_week_at_five_pm(client_for, site_staff, application):
    response = client_for(site_staff).get(reverse("placements:application-detail", args=[application.pk]))
    initial = response.context["offer_form"].fields["expires_at"].initial
    expected = timezone.localdate() + dt.timedelta(days=7)
    assert (initial.date(), initial.hour, initial.minute) == (expected, 17, 0)


def test_default_deadline_is_the_day_before_a_close_start(site):
    soon = f.PostingFactory(site=site, start_date=timezone.localdate() + dt.timedelta(days=3))
    default = timezone.localtime(services.offer_default_deadline(posting=soon))
    assert default.date() == soon.start_date - dt.timedelta(days=1) and default.hour == 17


def test_offer_page_shows_a_bad_deadline_as_a_field_error(client_for, site_staff, application):
    url = reverse("placements:application-offer", args=[application.pk])
    response = client_for(site_staff).post(url, {"expected_from": "submitted", "expires_at": "2001-01-01T10:00"})
    assert response.status_code == 400
    assert "The response deadline must be in the future." in response.content.decode()
    response = client_for(site_staff).post(url, {"expected_from": "submitted", "expires_at": "not a date"})
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_offer_through_the_page(client_for, site_staff, application):
    url = reverse("placements:application-offer", args=[application.pk])
    response = client_for(site_staff).post(
        url, {"expected_from": "submitted", "expires_at": offer_deadline(5)}, follow=True
    )
    assert "Offer sent to Sam Lee. They have until" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.OFFERED


def test_only_the_site_offers(student, coordinator, application):
    for user in (student, coordinator):
        with pytest.raises(TransitionRefused):
            _offer(application, user)


# --- The student's answer -------------------------------------------------------------
def test_student_accepts_before_the_deadline(client_for, student, site_staff, application):
    _offer(application, site_staff)
    response = client_for(student).post(
        reverse("placements:application-accept", args=[application.pk]), {"expected_from": "offered"}, follow=True
    )
    assert "You accepted “Cardiac step-down internship”" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.ACCEPTED


def test_student_declines_with_a_confirm_step(client_for, student, site_staff, application):
    _offer(application, site_staff)
    client = client_for(student)
    url = reverse("placements:application-decline", args=[application.pk])
    assert "Decline this offer?" in client.get(url).content.decode()
    client.post(url, {"expected_from": "offered", "reason": "I chose a paediatrics placement."})
    application.refresh_from_db()
    assert application.status == S.DECLINED
    assert application.events.last().reason == "I chose a paediatrics placement."


def test_accept_after_the_deadline_is_refused_even_before_the_scan(student, site_staff, application):
    set_status(application, S.OFFERED, offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(TransitionRefused, match="This offer expired on"):
        services.application_accept(application_id=application.pk, student=student, expected_from="offered")
    application.refresh_from_db()
    assert application.status == S.OFFERED


def test_the_page_hides_accept_once_the_deadline_passed(client_for, student, application):
    set_status(application, S.OFFERED, offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    body = client_for(student).get(reverse("placements:application-detail", args=[application.pk])).content.decode()
    assert "Accept offer" not in body and "The response deadline passed" in body


def test_accept_is_refused_unless_offered(student, application):
    with pytest.raises(TransitionRefused, match="cannot be accepted"):
        services.application_accept(application_id=application.pk, student=student)


def test_a_double_accept_is_refused_the_second_time(client_for, student, site_staff, application):
    _offer(application, site_staff)
    client = client_for(student)
    url = reverse("placements:application-accept", args=[application.pk])
    client.post(url, {"expected_from": "offered"})
    response = client.post(url, {"expected_from": "offered"}, follow=True)
    assert "This application changed while you were looking: it is now accepted" in response.content.decode()
    assert application.events.filter(to_status=S.ACCEPTED).count() == 1


def test_nobody_else_accepts_for_the_student(other_student, site_staff, application):
    _offer(application, site_staff)
    for user in (other_student, site_staff):
        with pytest.raises(TransitionRefused):
            services.application_accept(application_id=application.pk, student=user)


# --- Expiry ---------------------------------------------------------------------------
def test_expiry_scan_expires_due_offers_only_and_is_safe_twice(student, other_student, site, site_staff):
    due = set_status(
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site)),
        S.OFFERED,
        offer_expires_at=timezone.now() - dt.timedelta(minutes=5),
    )
    open_offer = set_status(
        f.ApplicationFactory(student=other_student, posting=f.PostingFactory(site=site)),
        S.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert services.applications_expire_offers() == 1
    assert services.applications_expire_offers() == 0
    assert applications_expire_offers_task.delay().get() == 0  # the task, through Celery (eager)
    due.refresh_from_db()
    open_offer.refresh_from_db()
    assert due.status == S.EXPIRED and open_offer.status == S.OFFERED
    event = due.events.get()
    assert (event.actor, event.from_status, event.to_status) == (None, S.OFFERED, S.EXPIRED)


def test_expiry_leaves_an_offer_answered_meanwhile_alone(student, site_staff, application, monkeypatch):
    """The scan lists the due offers, then the student's accept lands before the scan's
    move: the move expects "offered" and is skipped, nothing breaks."""
    set_status(application, S.OFFERED, offer_expires_at=timezone.now() - dt.timedelta(seconds=1))
    real = services.application_transition

    def accepted_first(**kwargs):
        Application.objects.filter(pk=kwargs["application_id"]).update(status=S.DECLINED)
        return real(**kwargs)

    monkeypatch.setattr(services, "application_transition", accepted_first)
    assert services.applications_expire_offers() == 0
    application.refresh_from_db()
    assert application.status == S.DECLINED


def test_expiry_runs_every_five_minutes_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["applications-expire-offers"]
    assert entry["task"] == "placements.tasks.applications_expire_offers_task"
    assert entry["schedule"] == 5 * 60


def test_expired_offer_shows_in_the_timeline_as_automatic(client_for, student, application):
    set_status(application, S.OFFERED, offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    services.applications_expire_offers()
    body = client_for(student).get(reverse("placements:application-detail", args=[application.pk])).content.decode()
    assert "Practicum <span>(automatic)</span>" in body
    assert "Offer expired" in body


# --- Overlap --------------------------------------------------------------------------
def _placement(student, site, start, end, title, status=S.OFFERED):
    posting = f.PostingFactory(site=site, title=title, start_date=start, end_date=end)
    return set_status(f.ApplicationFactory(student=student, posting=posting), status)


def test_overlapping_acceptance_is_refused_naming_the_first(student, site, other_site):
    year = timezone.localdate().year + 1
    _placement(student, other_site, dt.date(year, 6, 1), dt.date(year, 8, 10), "Rehab summer", S.ACCEPTED)
    second = _placement(student, site, dt.date(year, 8, 1), dt.date(year, 9, 30), "ICU autumn")
    with pytest.raises(TransitionRefused) as exc:
        services.application_accept(application_id=second.pk, student=student, expected_from="offered")
    assert "overlaps your accepted placement “Rehab summer” at Bayview Rehabilitation Centre, Jun 1 – Aug 10" in str(
        exc.value
    )
    second.refresh_from_db()
    assert second.status == S.OFFERED


def test_an_approved_placement_also_blocks_an_overlapping_one(student, site, other_site):
    year = timezone.localdate().year + 1
    _placement(student, other_site, dt.date(year, 6, 1), dt.date(year, 8, 10), "Rehab summer", S.APPROVED)
    second = _placement(student, site, dt.date(year, 5, 1), dt.date(year, 6, 1), "Spring block")
    with pytest.raises(TransitionRefused, match="Rehab summer"):
        services.application_accept(application_id=second.pk, student=student)


def test_back_to_back_placements_are_fine(student, site, other_site):
    year = timezone.localdate().year + 1
    _placement(student, other_site, dt.date(year, 6, 1), dt.date(year, 8, 10), "Rehab summer", S.ACCEPTED)
    after = _placement(student, site, dt.date(year, 8, 11), dt.date(year, 9, 30), "ICU autumn")
    services.application_accept(application_id=after.pk, student=student)
    after.refresh_from_db()
    assert after.status == S.ACCEPTED


def test_a_withdrawn_or_declined_placement_does_not_block(student, site, other_site):
    year = timezone.localdate().year + 1
    _placement(student, other_site, dt.date(year, 6, 1), dt.date(year, 8, 10), "Rehab summer", S.WITHDRAWN)
    again = _placement(student, site, dt.date(year, 7, 1), dt.date(year, 9, 30), "ICU summer")
    services.application_accept(application_id=again.pk, student=student)
    again.refresh_from_db()
    assert again.status == S.ACCEPTED


def test_overlap_message_reaches_the_page(client_for, student, site, other_site):
    year = timezone.localdate().year + 1
    _placement(student, other_site, dt.date(year, 6, 1), dt.date(year, 8, 10), "Rehab summer", S.ACCEPTED)
    second = _placement(student, site, dt.date(year, 7, 1), dt.date(year, 9, 30), "ICU autumn")
    response = client_for(student).post(
        reverse("placements:application-accept", args=[second.pk]), {"expected_from": "offered"}, follow=True
    )
    assert response.status_code == 200
    assert "overlaps your accepted placement “Rehab summer”" in response.content.decode()

"""The coordinator's approval: the queue, approve (agreement and compliance rules), deny,
cancel, and that nothing changes when a decision is refused."""

import datetime as dt
import threading
import time

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from placements.models import AffiliationAgreement, Application, ApplicationEvent
from placements.services.approvals import placement_approve, placement_cancel, placement_deny
from placements.services.transitions import TransitionRefused, application_transition
from tests import factories as f

pytestmark = pytest.mark.django_db
S = Application.Status


def accepted_application(*, student, site_staff, posting=None, **posting_fields):
    """An application that went submitted -> offered -> accepted through the real transitions."""
    posting = posting or f.PostingFactory(site=site_staff.site, **posting_fields)
    application = f.ApplicationFactory(posting=posting, student=student)
    application_transition(
        application_id=application.pk,
        actor=site_staff,
        to_status=S.OFFERED,
        updates={"offer_expires_at": timezone.now() + dt.timedelta(days=3)},
    )
    application_transition(application_id=application.pk, actor=student, to_status=S.ACCEPTED)
    application.refresh_from_db()
    return application


@pytest.fixture
def agreement(school, site):
    return f.AgreementFactory(school=school, site=site)


@pytest.fixture
def waiting(student, site_staff):
    return accepted_application(student=student, site_staff=site_staff, title="Cardiac step-down internship")


def last_event(application):
    return ApplicationEvent.objects.filter(application=application).order_by("-pk").first()


# --- Approve --------------------------------------------------------------------------
def test_approve_with_a_covering_agreement_and_confirmed_requirements(coordinator, waiting, agreement):
    placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED
    event = last_event(waiting)
    assert (event.actor, event.from_status, event.to_status) == (coordinator, S.ACCEPTED, S.APPROVED)
    assert "Covered by the affiliation agreement with Mercy General Hospital until" in event.reason
    assert "Compliance requirements confirmed as met by the coordinator." in event.reason


def test_approve_without_a_covering_agreement_is_refused_and_changes_nothing(coordinator, waiting):
    events = ApplicationEvent.objects.count()
    with pytest.raises(TransitionRefused, match="No active affiliation agreement between Riverside College of Health"):
        placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED
    assert ApplicationEvent.objects.count() == events


@pytest.mark.parametrize(
    "change",
    [
        {"status": AffiliationAgreement.Status.PENDING},
        {"status": AffiliationAgreement.Status.TERMINATED},
        {"end_date": dt.date(2000, 1, 2), "start_date": dt.date(2000, 1, 1)},
    ],
    ids=["pending", "terminated", "ended"],
)
def test_an_agreement_that_is_not_active_over_the_dates_does_not_cover(coordinator, waiting, agreement, change):
    for name, value in change.items():
        setattr(agreement, name, value)
    agreement.save()
    with pytest.raises(TransitionRefused, match="No active affiliation agreement"):
        placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED


def test_an_agreement_for_another_discipline_does_not_cover(coordinator, waiting, agreement):
    agreement.disciplines.set([f.discipline("pharmacy")])
    with pytest.raises(TransitionRefused, match="covers Nursing"):
        placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)


def test_requirements_must_be_confirmed_or_overridden_with_a_recorded_reason(coordinator, waiting, agreement):
    with pytest.raises(TransitionRefused, match="Confirm that the student meets"):
        placement_approve(application_id=waiting.pk, actor=coordinator)
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED
    placement_approve(application_id=waiting.pk, actor=coordinator, override_reason="BLS renewal booked for next week.")
    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED
    assert "overridden by the coordinator: BLS renewal booked for next week." in last_event(waiting).reason


def test_a_posting_without_requirements_needs_no_confirmation(coordinator, student, site_staff, agreement):
    application = accepted_application(student=student, site_staff=site_staff, requirements="")
    placement_approve(application_id=application.pk, actor=coordinator)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_only_the_students_own_coordinator_can_approve(other_coordinator, waiting, agreement, other_school, site):
    f.AgreementFactory(school=other_school, site=site)
    with pytest.raises(TransitionRefused, match="Only the student's school coordinator"):
        placement_approve(application_id=waiting.pk, actor=other_coordinator, requirements_met=True)
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED


def test_a_school_waiting_for_verification_cannot_approve(coordinator, waiting, agreement, school):
    school.verified = False
    school.save()
    with pytest.raises(TransitionRefused, match="waiting for verification"):
        placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)


def test_a_second_approval_is_refused(coordinator, waiting, agreement):
    placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    with pytest.raises(TransitionRefused, match="Only an accepted offer can be approved; this application is approved"):
        placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    assert ApplicationEvent.objects.filter(application=waiting, to_status=S.APPROVED).count() == 1


def test_an_application_not_yet_accepted_cannot_be_approved(coordinator, student, site, agreement):
    application = f.ApplicationFactory(posting=f.PostingFactory(site=site), student=student)
    with pytest.raises(TransitionRefused, match="this application is submitted"):
        placement_approve(application_id=application.pk, actor=coordinator, requirements_met=True)


# --- Deny and cancel ------------------------------------------------------------------
def test_deny_needs_a_reason_the_student_sees_and_frees_the_seat(coordinator, waiting, student, client_for):
    with pytest.raises(TransitionRefused, match="Give a reason"):
        placement_deny(application_id=waiting.pk, actor=coordinator, reason="  ")
    placement_deny(application_id=waiting.pk, actor=coordinator, reason="Background check is not complete.")
    waiting.refresh_from_db()
    assert waiting.status == S.DENIED
    assert waiting.decision_reason == "Background check is not complete."
    assert last_event(waiting).reason == "Background check is not complete."
    assert not Application.objects.filter(posting=waiting.posting, status__in=[S.OFFERED, S.ACCEPTED]).exists()
    dashboard = client_for(student).get(reverse("dashboard")).content.decode()
    assert "Background check is not complete." in dashboard


def test_cancel_an_approved_placement_with_a_reason(coordinator, waiting, agreement):
    with pytest.raises(TransitionRefused, match="An application that is accepted cannot be cancelled"):
        placement_cancel(application_id=waiting.pk, actor=coordinator, reason="Too early")
    placement_approve(application_id=waiting.pk, actor=coordinator, requirements_met=True)
    placement_cancel(application_id=waiting.pk, actor=coordinator, reason="The student left the program.")
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED
    assert waiting.decision_reason == "The student left the program."


# --- Pages ----------------------------------------------------------------------------
def test_queue_shows_own_school_accepted_offers_with_coverage(
    client_for, coordinator, waiting, other_student, other_site_staff, student, site_staff, site
):
    theirs = accepted_application(student=other_student, site_staff=other_site_staff, title="Rehab externship")
    covered_posting = f.PostingFactory(site=site, title="Oncology internship", slots=3)
    f.AgreementFactory(
        school=coordinator.school,
        site=site,
        start_date=covered_posting.start_date,
        end_date=covered_posting.end_date + dt.timedelta(days=30),
        disciplines=[f.discipline("medicine")],
    )
    covered_posting.discipline = f.discipline("medicine")
    covered_posting.save()
    second_student = f.StudentFactory(school=coordinator.school, first_name="Ari", last_name="Cole")
    covered = accepted_application(student=second_student, site_staff=site_staff, posting=covered_posting)

    response = client_for(coordinator).get(reverse("placements:approval-queue"))
    body = response.content.decode()
    assert response.context["count"] == 2
    assert {row.application.pk for row in response.context["rows"]} == {waiting.pk, covered.pk}
    assert theirs.posting.title not in body
    assert "No agreement covers these dates" in body
    assert "Covered by agreement until" in body
    assert "Immunizations, background check, BLS certification." in body
    assert "waiting" in body
    add_link = reverse("placements:agreement-create") + f"?site={site.pk}&amp;discipline="
    assert add_link in body


def test_queue_query_count_does_not_grow(client_for, coordinator, site_staff, site, django_assert_max_num_queries):
    f.AgreementFactory(school=coordinator.school, site=site)
    for _ in range(2):
        accepted_application(student=f.StudentFactory(school=coordinator.school), site_staff=site_staff)
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        client.get(reverse("placements:approval-queue"))
    for _ in range(8):
        accepted_application(student=f.StudentFactory(school=coordinator.school), site_staff=site_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("placements:approval-queue"))
    assert len(response.context["rows"]) == 10


def test_approve_through_the_page(client_for, coordinator, waiting, agreement):
    client = client_for(coordinator)
    page = client.get(reverse("placements:approval-detail", args=[waiting.pk])).content.decode()
    assert "Approve placement" in page and "Deny placement" in page
    response = client.post(reverse("placements:application-approve", args=[waiting.pk]), {"requirements_met": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:approval-queue")
    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED
    followed = client.get(response["Location"]).content.decode()
    assert "Approved: Sam Lee" in followed
    detail = client.get(reverse("placements:approval-detail", args=[waiting.pk])).content.decode()
    assert "Cancel placement" in detail and "Approve placement" not in detail


def test_a_refused_approval_explains_itself_on_the_page(client_for, coordinator, waiting):
    client = client_for(coordinator)
    response = client.post(reverse("placements:application-approve", args=[waiting.pk]), {"requirements_met": "on"})
    assert response.status_code == 409
    assert "No active affiliation agreement" in response.content.decode()
    unconfirmed = client.post(reverse("placements:application-approve", args=[waiting.pk]), {})
    assert unconfirmed.status_code == 400
    assert "Confirm that the compliance requirements are met" in unconfirmed.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED


def test_deny_and_cancel_through_the_page(client_for, coordinator, waiting, agreement):
    client = client_for(coordinator)
    empty = client.post(reverse("placements:application-deny", args=[waiting.pk]), {"deny-reason": ""})
    assert empty.status_code == 400
    assert "Give a reason; the student sees it." in empty.content.decode()
    response = client.post(
        reverse("placements:application-deny", args=[waiting.pk]), {"deny-reason": "Missing immunization records."}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.DENIED
    assert waiting.decision_reason == "Missing immunization records."


def test_the_coordinator_of_another_school_gets_404_on_the_decision_pages(client_for, other_coordinator, waiting):
    client = client_for(other_coordinator)
    assert client.get(reverse("placements:approval-detail", args=[waiting.pk])).status_code == 404
    response = client.post(reverse("placements:application-approve", args=[waiting.pk]), {"requirements_met": "on"})
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED
    assert client.get(reverse("placements:approval-queue")).context["count"] == 0


# --- Races (PostgreSQL, real threads and connections) --------------------------------
def _race(workers):
    barrier = threading.Barrier(len(workers))
    results = []

    def run(work):
        try:
            barrier.wait()
            work()
            results.append("ok")
        except TransitionRefused as exc:
            results.append(f"refused: {exc}")
        except Exception as exc:  # an error page would be a bug: report it
            results.append(f"error: {exc!r}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_approvals_at_once_approve_exactly_once(school, site, student, coordinator, site_staff):
    f.AgreementFactory(school=school, site=site)
    second = f.CoordinatorFactory(school=school)
    application = accepted_application(student=student, site_staff=site_staff)
    workers = [
        (lambda actor=actor: placement_approve(application_id=application.pk, actor=actor, requirements_met=True))
        for actor in [coordinator, second] * 5
    ]
    results = _race(workers)
    assert results.count("ok") == 1, results
    assert all(r.startswith("refused:") for r in results if r != "ok"), results
    assert ApplicationEvent.objects.filter(application=application, to_status=S.APPROVED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_waits_for_a_termination_in_flight_and_is_then_refused(
    school, site, student, coordinator, site_staff
):
    """The termination holds the agreement's row lock; the approval that checks the
    agreement meanwhile waits, then sees it terminated. Without the lock the approval
    would read the old, active row and approve against a terminated agreement."""
    from django.db import transaction

    from placements.services.agreements import agreement_terminate

    agreement = f.AgreementFactory(school=school, site=site)
    application = accepted_application(student=student, site_staff=site_staff)
    locked = threading.Event()
    results = []

    def terminate():
        try:
            with transaction.atomic():
                AffiliationAgreement.objects.select_for_update().get(pk=agreement.pk)
                locked.set()
                time.sleep(0.5)
                agreement_terminate(agreement_id=agreement.pk, actor=coordinator, reason="Unit closed.")
            results.append("terminated")
        finally:
            close_old_connections()

    def approve():
        locked.wait(5)
        try:
            placement_approve(application_id=application.pk, actor=coordinator, requirements_met=True)
            results.append("approved")
        except TransitionRefused as exc:
            results.append(f"refused: {exc}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=terminate), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "terminated" in results
    assert any(r.startswith("refused: No active affiliation agreement") for r in results), results
    application.refresh_from_db()
    assert application.status == S.ACCEPTED

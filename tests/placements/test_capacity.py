"""Capacity: offered + accepted + approved never exceed a posting's slots.

The PostgreSQL tests use real threads, each on its own connection, started together at a
barrier; `select_for_update` is a no-op on SQLite, so only PostgreSQL proves the lock."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from placements.models import HOLDS_SEAT, Application
from placements.services import applications as services
from placements.services.transitions import (
    CapacityReached,
    TransitionRefused,
    application_transition,
    seats_taken,
)
from tests import factories as f
from tests.placements.applications_helpers import set_status

S = Application.Status


def _deadline():
    return timezone.now() + dt.timedelta(days=3)


# --- Rules (any database) -------------------------------------------------------------
def test_an_offer_beyond_the_slots_is_refused(site, site_staff):
    posting = f.PostingFactory(site=site, slots=1)
    first, second = f.ApplicationFactory(posting=posting), f.ApplicationFactory(posting=posting)
    services.application_offer(application_id=first.pk, actor=site_staff, expires_at=_deadline())
    with pytest.raises(CapacityReached, match="All 1 slot of"):
        services.application_offer(application_id=second.pk, actor=site_staff, expires_at=_deadline())
    second.refresh_from_db()
    assert second.status == S.SUBMITTED and not second.events.exists()


@pytest.mark.parametrize(
    ("move", "actor_name"),
    [(S.DECLINED, "student"), (S.WITHDRAWN, "student"), (S.EXPIRED, None), (S.DENIED, "coordinator")],
)
def test_a_seat_frees_up_when_it_is_let_go(site, site_staff, school, move, actor_name):
    posting = f.PostingFactory(site=site, slots=1)
    holder = f.ApplicationFactory(posting=posting, student=f.StudentFactory(school=school))
    waiting = f.ApplicationFactory(posting=posting)
    services.application_offer(application_id=holder.pk, actor=site_staff, expires_at=_deadline())
    if move == S.DENIED:
        services.application_accept(application_id=holder.pk, student=holder.student)
    actor = {
        "student": holder.student,
        "coordinator": f.CoordinatorFactory(school=school),
        None: None,
    }[actor_name]
    application_transition(application_id=holder.pk, actor=actor, to_status=move)
    assert seats_taken(posting.pk) == 0
    services.application_offer(application_id=waiting.pk, actor=site_staff, expires_at=_deadline())
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_accepted_and_approved_hold_their_seats(site, site_staff):
    posting = f.PostingFactory(site=site, slots=2)
    set_status(f.ApplicationFactory(posting=posting), S.ACCEPTED)
    set_status(f.ApplicationFactory(posting=posting), S.APPROVED)
    late = f.ApplicationFactory(posting=posting)
    with pytest.raises(CapacityReached):
        services.application_offer(application_id=late.pk, actor=site_staff, expires_at=_deadline())


def test_a_refused_offer_is_a_message_on_the_page(client_for, site, site_staff):
    posting = f.PostingFactory(site=site, slots=1, title="One-seat internship")
    set_status(f.ApplicationFactory(posting=posting), S.OFFERED)
    application = f.ApplicationFactory(posting=posting)
    response = client_for(site_staff).post(
        reverse("placements:application-offer", args=[application.pk]),
        {"expected_from": "submitted", "expires_at": timezone.localtime(_deadline()).strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "All 1 slot of “One-seat internship” are already offered or filled." in body
    assert "Withdrawn, declined or expired offers free their slot again." in body
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- Real concurrency (PostgreSQL) ----------------------------------------------------
def _race(calls):
    """Run every call in its own thread and connection, released together; returns the
    outcome of each: "ok", "capacity", "refused" or the unexpected exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes[index] = "ok"
        except CapacityReached:
            outcomes[index] = "capacity"
        except TransitionRefused:
            outcomes[index] = "refused"
        except Exception as exc:  # recorded and failed on below: never another exception
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _offer_call(application_id, actor, expires_at):
    return lambda: services.application_offer(application_id=application_id, actor=actor, expires_at=expires_at)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("slots", [1, 3])
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_fifty_concurrent_offers_fill_exactly_the_slots(slots, round_):
    site = f.SiteFactory()
    staff = [f.SiteStaffFactory(site=site) for _ in range(5)]  # several staff members at once
    posting = f.PostingFactory(site=site, slots=slots)
    school = f.SchoolFactory()
    applications = [f.ApplicationFactory(posting=posting, student=f.StudentFactory(school=school)) for _ in range(50)]
    expires_at = _deadline()
    outcomes = _race([_offer_call(a.pk, staff[i % 5], expires_at) for i, a in enumerate(applications)])

    unexpected = [o for o in outcomes if o not in ("ok", "capacity")]
    assert not unexpected, unexpected
    assert outcomes.count("ok") == slots
    assert outcomes.count("capacity") == 50 - slots
    assert Application.objects.filter(posting=posting, status__in=HOLDS_SEAT).count() == slots
    assert Application.objects.filter(posting=posting, events__to_status=S.OFFERED).count() == slots


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_concurrent_accepts_withdrawals_and_new_offers_never_overfill(round_):
    """Three offers out; at the same instant one student accepts, two withdraw and staff
    try to offer the freed seats to twelve others: the seats never exceed the slots."""
    site = f.SiteFactory()
    staff = f.SiteStaffFactory(site=site)
    posting = f.PostingFactory(site=site, slots=3)
    school = f.SchoolFactory()
    offered = [
        set_status(f.ApplicationFactory(posting=posting, student=f.StudentFactory(school=school)), S.OFFERED)
        for _ in range(3)
    ]
    waiting = [f.ApplicationFactory(posting=posting, student=f.StudentFactory(school=school)) for _ in range(12)]
    expires_at = _deadline()
    calls = [
        lambda: services.application_accept(application_id=offered[0].pk, student=offered[0].student),
        lambda: services.application_withdraw(application_id=offered[1].pk, student=offered[1].student),
        lambda: services.application_withdraw(application_id=offered[2].pk, student=offered[2].student),
        *[_offer_call(a.pk, staff, expires_at) for a in waiting],
    ]
    outcomes = _race(calls)

    unexpected = [o for o in outcomes if o not in ("ok", "capacity")]
    assert not unexpected, unexpected
    assert outcomes[:3] == ["ok", "ok", "ok"]
    new_offers = outcomes[3:].count("ok")
    assert new_offers <= 2
    taken = Application.objects.filter(posting=posting, status__in=HOLDS_SEAT).count()
    assert taken == 1 + new_offers <= posting.slots


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_accept_and_withdraw_of_one_offer_at_once_exactly_one_wins(round_):
    site = f.SiteFactory()
    posting = f.PostingFactory(site=site, slots=1)
    application = set_status(f.ApplicationFactory(posting=posting), S.OFFERED)
    student = application.student
    calls = [
        lambda: services.application_accept(application_id=application.pk, student=student, expected_from="offered"),
        lambda: services.application_withdraw(application_id=application.pk, student=student, expected_from="offered"),
    ] * 5
    outcomes = _race(calls)
    unexpected = [o for o in outcomes if o not in ("ok", "refused")]
    assert not unexpected, unexpected
    assert outcomes.count("ok") == 1
    application.refresh_from_db()
    assert application.events.count() == 1
    assert application.status in (S.ACCEPTED, S.WITHDRAWN)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_offers_accepted_at_once_only_one_is_kept():
    """The lock on the student's row: two tabs accepting overlapping offers together."""
    site, other_site = f.SiteFactory(), f.SiteFactory()
    student = f.StudentFactory()
    start = timezone.localdate() + dt.timedelta(days=60)
    first = set_status(
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, start_date=start)), S.OFFERED
    )
    second = set_status(
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=other_site, start_date=start)), S.OFFERED
    )
    for _ in range(3):
        Application.objects.filter(pk__in=[first.pk, second.pk]).update(status=S.OFFERED)
        outcomes = _race(
            [
                lambda: services.application_accept(application_id=first.pk, student=student),
                lambda: services.application_accept(application_id=second.pk, student=student),
            ]
        )
        assert sorted(outcomes) == ["ok", "refused"], outcomes
        assert Application.objects.filter(student=student, status=S.ACCEPTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_tabs_submitting_one_application_at_once_make_one():
    from tests.placements.applications_helpers import give_profile_resume

    student = f.StudentFactory()
    give_profile_resume(student)
    posting = f.PostingFactory()
    results = []

    def submit():
        try:
            services.application_submit(student=student, posting=posting, cover_letter="Hello")
        except services.AlreadyApplied:
            results.append("already")
            raise TransitionRefused("already applied") from None
        results.append("made")

    outcomes = _race([submit] * 10)
    unexpected = [o for o in outcomes if o not in ("ok", "refused")]
    assert not unexpected, unexpected
    assert sorted(results) == ["already"] * 9 + ["made"]
    assert Application.objects.filter(student=student, posting=posting).count() == 1

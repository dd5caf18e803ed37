"""Posting services: field rules, every lifecycle move, refused moves, the deadline scan."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from placements.models import Application, Posting
from placements.services import postings as svc
from placements.services.postings import PostingRefused
from placements.tasks import postings_close_expired_task
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 3, 1)


@pytest.fixture(autouse=True)
def _fixed_today():
    """Every rule here compares with today: pin it."""
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def _fields(**overrides):
    fields = {
        "title": "Cardiac step-down internship",
        "kind": Posting.Kind.INTERNSHIP,
        "discipline": f.discipline("nursing"),
        "specialties": [f.specialty("cardiology"), f.specialty("critical-care")],
        "description": "Twelve weeks on our cardiac step-down unit.",
        "duties": "Vitals, patient education, shadowing the charge nurse.",
        "learning_objectives": "Telemetry basics and discharge teaching.",
        "requirements": "Immunizations, BLS.",
        "start_date": TODAY + dt.timedelta(days=60),
        "end_date": TODAY + dt.timedelta(days=60 + 84),
        "hours_per_week": 24,
        "slots": 3,
        "application_deadline": TODAY + dt.timedelta(days=30),
    }
    fields.update(overrides)
    return fields


def _errors(exc_info) -> dict:
    return {field: messages[0] for field, messages in exc_info.value.message_dict.items()}


def _draft(site, **overrides):
    fields = {
        "status": Posting.Status.DRAFT,
        "published_at": None,
        "start_date": TODAY + dt.timedelta(days=60),
        "end_date": TODAY + dt.timedelta(days=130),
        "application_deadline": TODAY + dt.timedelta(days=20),
    }
    return f.PostingFactory(site=site, **{**fields, **overrides})


def _published(site, **overrides):
    return _draft(site, **{"status": Posting.Status.PUBLISHED, "published_at": timezone.now(), **overrides})


# --- Create and field rules -----------------------------------------------------------
def test_create_makes_a_draft_with_the_sites_city_and_state(site, site_staff):
    posting = svc.posting_create(site=site, actor=site_staff, **_fields())
    assert posting.status == Posting.Status.DRAFT
    assert (posting.city, posting.state) == (site.city, site.state)
    assert posting.created_by == site_staff
    assert set(posting.specialties.values_list("slug", flat=True)) == {"cardiology", "critical-care"}


def test_create_keeps_a_city_given_explicitly(site, site_staff):
    posting = svc.posting_create(site=site, actor=site_staff, **_fields(city="Akron", state="OH"))
    assert posting.city == "Akron"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"end_date": TODAY + dt.timedelta(days=60)}, "end_date", "after the start date"),
        ({"end_date": TODAY + dt.timedelta(days=63)}, "end_date", "at least a week"),
        ({"end_date": TODAY + dt.timedelta(days=60 + 600)}, "end_date", "at most 18 months"),
        ({"application_deadline": TODAY + dt.timedelta(days=60)}, "application_deadline", "before the start"),
        ({"application_deadline": TODAY - dt.timedelta(days=1)}, "application_deadline", "in the past"),
        ({"slots": 0}, "slots", "between 1 and 50"),
        ({"slots": 51}, "slots", "between 1 and 50"),
        ({"hours_per_week": 0}, "hours_per_week", "between 1 and 60"),
        ({"hours_per_week": 61}, "hours_per_week", "between 1 and 60"),
        ({"is_paid": True}, "stipend_amount", "needs the stipend amount"),
        ({"is_paid": True, "stipend_amount": Decimal("0")}, "stipend_amount", "more than zero"),
        ({"is_paid": True, "stipend_amount": Decimal("15")}, "stipend_period", "per hour, week"),
        ({"specialties": []}, "specialties", "at least one"),
        ({"specialties": ["hand-therapy"]}, "specialties", "Not a specialty of Nursing: Hand therapy"),
        ({"title": "   "}, "title", "required"),
    ],
)
def test_create_refuses_broken_fields_with_a_message_per_field(site, site_staff, overrides, field, fragment):
    if "specialties" in overrides:
        overrides = {"specialties": [f.specialty(slug) for slug in overrides["specialties"]]}
    with pytest.raises(ValidationError) as exc_info:
        svc.posting_create(site=site, actor=site_staff, **_fields(**overrides))
    assert fragment in _errors(exc_info)[field]
    assert not Posting.objects.exists()


def test_unpaid_posting_with_a_stipend_is_refused_by_the_rules(site):
    errors = svc.posting_field_errors(
        values={"is_paid": False, "stipend_amount": Decimal("10"), "stipend_period": "hour"}, site=site
    )
    assert "unpaid" in errors["stipend_amount"] and "unpaid" in errors["stipend_period"]


def test_create_drops_a_stipend_on_an_unpaid_posting(site, site_staff):
    posting = svc.posting_create(
        site=site, actor=site_staff, **_fields(is_paid=False, stipend_amount=Decimal("10"), stipend_period="hour")
    )
    assert posting.stipend_amount is None and posting.stipend_period == ""


def test_paid_posting_keeps_its_stipend(site, site_staff):
    posting = svc.posting_create(
        site=site, actor=site_staff, **_fields(is_paid=True, stipend_amount=Decimal("18.50"), stipend_period="hour")
    )
    assert posting.is_paid and posting.stipend_amount == Decimal("18.50")


def test_mentor_must_belong_to_the_site(site, other_site, site_staff):
    stranger = f.MentorFactory(site=other_site)
    with pytest.raises(ValidationError) as exc_info:
        svc.posting_create(site=site, actor=site_staff, **_fields(mentor=stranger))
    assert "own site" in _errors(exc_info)["mentor"]
    own = f.MentorFactory(site=site)
    assert svc.posting_create(site=site, actor=site_staff, **_fields(mentor=own)).mentor == own


def test_create_refreshes_the_keyword_index(site, site_staff):
    with mock.patch("placements.services.postings.posting_search_refresh") as refresh:
        posting = svc.posting_create(site=site, actor=site_staff, **_fields())
    refresh.assert_called_once_with(posting_ids=[posting.pk])


# --- Update ---------------------------------------------------------------------------
def test_update_changes_content_and_specialties(site, site_staff):
    posting = _published(site)
    svc.posting_update(
        posting=posting,
        actor=site_staff,
        data={"title": "Cardiac ICU internship", "slots": 5, "specialties": [f.specialty("critical-care")]},
    )
    posting.refresh_from_db()
    assert posting.title == "Cardiac ICU internship" and posting.slots == 5
    assert list(posting.specialties.values_list("slug", flat=True)) == ["critical-care"]


def test_slots_cannot_drop_below_seats_taken(site, site_staff):
    posting = _published(site, slots=3)
    f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)
    f.ApplicationFactory(posting=posting, status=Application.Status.ACCEPTED)
    f.ApplicationFactory(posting=posting, status=Application.Status.SUBMITTED)  # holds no seat
    with pytest.raises(PostingRefused, match="2 slots are already offered or filled"):
        svc.posting_update(posting=posting, actor=site_staff, data={"slots": 1})
    posting.refresh_from_db()
    assert posting.slots == 3
    svc.posting_update(posting=posting, actor=site_staff, data={"slots": 2})
    posting.refresh_from_db()
    assert posting.slots == 2


def test_discipline_is_fixed_once_someone_applied(site, site_staff):
    posting = _published(site)
    f.ApplicationFactory(posting=posting)
    with pytest.raises(PostingRefused, match="discipline"):
        svc.posting_update(
            posting=posting,
            actor=site_staff,
            data={"discipline": f.discipline("medicine"), "specialties": [f.specialty("cardiology")]},
        )
    posting.refresh_from_db()
    assert posting.discipline.slug == "nursing"


def test_discipline_can_change_before_anyone_applies(site, site_staff):
    posting = _draft(site)
    svc.posting_update(
        posting=posting,
        actor=site_staff,
        data={"discipline": f.discipline("medicine"), "specialties": [f.specialty("cardiology")]},
    )
    posting.refresh_from_db()
    assert posting.discipline.slug == "medicine"


def test_a_new_discipline_must_fit_the_kept_specialties(site, site_staff):
    posting = _draft(site)  # cardiology
    with pytest.raises(ValidationError) as exc_info:
        svc.posting_update(posting=posting, actor=site_staff, data={"discipline": f.discipline("dental-hygiene")})
    assert "Cardiology" in _errors(exc_info)["specialties"]


def test_archived_posting_cannot_be_edited(site, site_staff):
    posting = _draft(site, status=Posting.Status.ARCHIVED)
    with pytest.raises(PostingRefused, match="archived"):
        svc.posting_update(posting=posting, actor=site_staff, data={"title": "New"})


def test_edit_of_a_closed_posting_may_keep_its_passed_deadline(site, site_staff):
    posting = _draft(
        site,
        status=Posting.Status.CLOSED,
        application_deadline=TODAY - dt.timedelta(days=3),
        start_date=TODAY + dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=80),
    )
    svc.posting_update(posting=posting, actor=site_staff, data={"description": "Updated text."})
    with pytest.raises(ValidationError) as exc_info:
        svc.posting_update(
            posting=posting, actor=site_staff, data={"application_deadline": TODAY - dt.timedelta(days=1)}
        )
    assert "past" in _errors(exc_info)["application_deadline"]


def test_unpaid_edit_clears_the_stipend(site, site_staff):
    posting = _draft(site, is_paid=True, stipend_amount=Decimal("500"), stipend_period="month")
    svc.posting_update(posting=posting, actor=site_staff, data={"is_paid": False})
    posting.refresh_from_db()
    assert posting.stipend_amount is None and posting.stipend_period == ""


# --- Publish --------------------------------------------------------------------------
def test_publish_a_draft_enqueues_the_match_fanout_after_commit(site, site_staff, django_capture_on_commit_callbacks):
    posting = _draft(site)
    with (
        mock.patch("placements.tasks.posting_match_fanout_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        svc.posting_publish(posting=posting, actor=site_staff)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED and posting.published_at is not None
    assert len(callbacks) == 1
    delay.assert_called_once_with(posting.pk)


def test_publish_enqueues_nothing_before_commit(site, site_staff):
    posting = _draft(site)
    with mock.patch("placements.tasks.posting_match_fanout_task.delay") as delay:
        svc.posting_publish(posting=posting, actor=site_staff)
    # The test transaction never commits, so the on_commit hook never fires.
    delay.assert_not_called()


def test_unverified_site_can_draft_but_not_publish(site_staff):
    site = f.SiteFactory(verified=False)
    posting = svc.posting_create(site=site, actor=site_staff, **_fields())
    with pytest.raises(PostingRefused, match="waiting for verification"):
        svc.posting_publish(posting=posting, actor=site_staff)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_draft_with_a_passed_deadline_cannot_be_published(site, site_staff):
    posting = _draft(site, application_deadline=TODAY - dt.timedelta(days=1))
    with pytest.raises(PostingRefused, match="deadline has passed"):
        svc.posting_publish(posting=posting, actor=site_staff)


def test_publishing_a_published_posting_is_refused(site, site_staff):
    posting = _published(site)
    with pytest.raises(PostingRefused, match="published cannot be published"):
        svc.posting_publish(posting=posting, actor=site_staff)


def test_stale_page_cannot_overwrite_a_move_made_meanwhile(site, site_staff):
    posting = _draft(site)
    stale = Posting.objects.get(pk=posting.pk)
    svc.posting_archive(posting=posting, actor=site_staff)
    with pytest.raises(PostingRefused, match="changed while you were looking: it is now archived"):
        svc.posting_publish(posting=stale, actor=site_staff)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.ARCHIVED


# --- Close, reopen, archive -----------------------------------------------------------
def test_close_by_hand_records_the_reason(site, site_staff):
    posting = _published(site)
    svc.posting_close(posting=posting, actor=site_staff, reason=Posting.CloseReason.FILLED)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.CLOSED
    assert posting.close_reason == Posting.CloseReason.FILLED and posting.closed_at is not None


def test_close_refuses_a_draft_and_an_unknown_reason(site, site_staff):
    with pytest.raises(PostingRefused, match="draft cannot be closed"):
        svc.posting_close(posting=_draft(site), actor=site_staff)
    with pytest.raises(PostingRefused, match="why"):
        svc.posting_close(posting=_published(site), actor=site_staff, reason="bored")


def test_closed_posting_reopens_while_its_deadline_is_ahead(site, site_staff):
    posting = _published(site)
    first_published = posting.published_at
    svc.posting_close(posting=posting, actor=site_staff)
    svc.posting_publish(posting=posting, actor=site_staff)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.close_reason == "" and posting.closed_at is None
    assert posting.published_at == first_published


def test_closed_posting_with_a_passed_deadline_does_not_reopen(site, site_staff):
    posting = _draft(
        site,
        status=Posting.Status.CLOSED,
        close_reason=Posting.CloseReason.DEADLINE,
        application_deadline=TODAY - dt.timedelta(days=1),
    )
    with pytest.raises(PostingRefused, match="deadline has passed"):
        svc.posting_publish(posting=posting, actor=site_staff)


def test_full_posting_does_not_reopen(site, site_staff):
    posting = _published(site, slots=1)
    f.ApplicationFactory(posting=posting, status=Application.Status.ACCEPTED)
    svc.posting_close(posting=posting, actor=site_staff, reason=Posting.CloseReason.FILLED)
    with pytest.raises(PostingRefused, match="add slots"):
        svc.posting_publish(posting=posting, actor=site_staff)


@pytest.mark.parametrize("status", [Posting.Status.DRAFT, Posting.Status.CLOSED])
def test_archive_from_draft_or_closed(site, site_staff, status):
    posting = _draft(site, status=status)
    svc.posting_archive(posting=posting, actor=site_staff)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.ARCHIVED


def test_published_posting_must_close_before_archiving(site, site_staff):
    with pytest.raises(PostingRefused, match="published cannot be archived"):
        svc.posting_archive(posting=_published(site), actor=site_staff)


def test_archived_posting_is_final(site, site_staff):
    posting = _draft(site, status=Posting.Status.ARCHIVED)
    for move in (svc.posting_publish, svc.posting_archive):
        with pytest.raises(PostingRefused):
            move(posting=posting, actor=site_staff)
    with pytest.raises(PostingRefused):
        svc.posting_close(posting=posting, actor=site_staff)


# --- Duplicate ------------------------------------------------------------------------
def test_duplicate_is_a_draft_copy_with_the_same_dates_while_the_deadline_is_ahead(site, site_staff):
    mentor = f.MentorFactory(site=site)
    posting = _published(site, mentor=mentor, specialties=[f.specialty("cardiology"), f.specialty("oncology")])
    copy = svc.posting_duplicate(posting=posting, actor=site_staff)
    assert copy.pk != posting.pk
    assert copy.status == Posting.Status.DRAFT and copy.published_at is None
    assert copy.title == f"{posting.title} (copy)"
    assert copy.created_by == site_staff and copy.mentor == mentor
    assert (copy.start_date, copy.end_date, copy.application_deadline) == (
        posting.start_date,
        posting.end_date,
        posting.application_deadline,
    )
    assert set(copy.specialties.all()) == set(posting.specialties.all())


def test_duplicate_of_an_old_posting_moves_its_dates_to_next_season(site, site_staff):
    posting = _draft(
        site,
        status=Posting.Status.ARCHIVED,
        application_deadline=dt.date(2029, 4, 1),
        start_date=dt.date(2029, 6, 1),
        end_date=dt.date(2029, 8, 24),
    )
    copy = svc.posting_duplicate(posting=posting, actor=site_staff)
    assert copy.application_deadline == dt.date(2030, 4, 1)
    assert (copy.start_date, copy.end_date) == (dt.date(2030, 6, 1), dt.date(2030, 8, 24))


def test_duplicate_drops_a_mentor_who_left_the_site(site, other_site, site_staff):
    mentor = f.MentorFactory(site=site)
    posting = _published(site, mentor=mentor)
    mentor.site = other_site
    mentor.save()
    assert svc.posting_duplicate(posting=posting, actor=site_staff).mentor is None


def test_duplicate_keeps_a_long_title_within_the_limit(site, site_staff):
    posting = _published(site, title="x" * 200)
    copy = svc.posting_duplicate(posting=posting, actor=site_staff)
    assert len(copy.title) == 200 and copy.title.endswith(" (copy)")


# --- Deadline scan --------------------------------------------------------------------
def test_close_expired_closes_only_published_postings_past_their_deadline(site):
    past = _published(site, application_deadline=TODAY - dt.timedelta(days=1))
    today = _published(site, application_deadline=TODAY)
    ahead = _published(site)
    old_draft = _draft(site, application_deadline=TODAY - dt.timedelta(days=5))

    assert postings_close_expired_task.delay().get() == 1
    statuses = dict(Posting.objects.values_list("pk", "status"))
    assert statuses[past.pk] == Posting.Status.CLOSED
    assert statuses[today.pk] == statuses[ahead.pk] == Posting.Status.PUBLISHED
    assert statuses[old_draft.pk] == Posting.Status.DRAFT
    past.refresh_from_db()
    assert past.close_reason == Posting.CloseReason.DEADLINE and past.closed_at is not None


def test_close_expired_twice_changes_nothing_the_second_time(site):
    posting = _published(site, application_deadline=TODAY - dt.timedelta(days=2))
    assert svc.postings_close_expired() == 1
    posting.refresh_from_db()
    closed_at = posting.closed_at
    assert svc.postings_close_expired() == 0
    posting.refresh_from_db()
    assert posting.closed_at == closed_at


def test_close_expired_task_is_on_the_beat_schedule(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("postings_close_expired_task")]
    assert entries and entries[0]["schedule"] <= 15 * 60


# --- Concurrency (PostgreSQL: real row locks, separate connections) --------------------
def _in_threads(*calls):
    """Run the calls at the same instant, each on its own connection; return what each
    returned or raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_one_draft_from_many_tabs_at_once_publishes_it_once(site, site_staff):
    posting = _draft(site)
    with mock.patch("placements.tasks.posting_match_fanout_task.delay") as fanout:
        results = _in_threads(
            *[lambda: svc.posting_publish(posting=Posting.objects.get(pk=posting.pk), actor=site_staff)] * 4
        )
    refused = [r for r in results if isinstance(r, PostingRefused)]
    assert len(refused) == 3, results
    assert all("changed while you were looking" in str(r) for r in refused)
    assert fanout.call_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lowering_slots_while_an_offer_is_made_never_leaves_more_seats_than_slots(site, site_staff):
    from placements.services.transitions import application_transition, seats_taken

    for _ in range(5):
        posting = _published(site, slots=2)
        f.ApplicationFactory(posting=posting, status=Application.Status.OFFERED)
        waiting = f.ApplicationFactory(posting=posting, status=Application.Status.SHORTLISTED)
        _in_threads(
            lambda posting=posting: svc.posting_update(posting=posting, actor=site_staff, data={"slots": 1}),
            lambda waiting=waiting: application_transition(
                application_id=waiting.pk, actor=site_staff, to_status=Application.Status.OFFERED
            ),
        )
        posting.refresh_from_db()
        assert seats_taken(posting.pk) <= posting.slots

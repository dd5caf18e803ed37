"""Periodic scans (config/schedule.py runs them): deadlines found in the database.

Each scan is a few set-based INSERT ... SELECT statements. Which reminder a thing gets
is decided by how far its deadline is (the nearest window it falls in), and the window
with the deadline's date is part of the notification's unique key: a scan run twice, or
every quarter hour, adds nothing, and a deadline moved later earns a fresh reminder.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import CharField, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from accounts.models import Role, User
from placements.models import (
    AffiliationAgreement,
    Application,
    ApplicationEvent,
    Notification,
    NotificationKind,
    Posting,
    SavedPosting,
)

from ._common import email_status_expression, insert_notifications, without_jit
from .delivery import enqueue_emails, requeue_emails, stale_pending_email_ids

K = NotificationKind
S = Application.Status

# Days before an application deadline at which students are reminded.
APPLICATION_DEADLINE_WINDOWS = (1, 3)
# Days before an offer expires at which the student is reminded.
OFFER_DEADLINE_WINDOWS = (1, 2)
# Days an accepted offer may wait for the coordinator before a reminder.
APPROVAL_WAIT_WINDOWS = (3, 7)
# Days before an affiliation agreement ends at which its people are told.
AGREEMENT_WINDOWS = (7, 30)
# Events not dispatched this long after they were written lost their task.
OUTBOX_GRACE = dt.timedelta(minutes=1)


def _ranges(windows):
    """(window, lower, upper) for each window: a deadline `lower < days <= upper` away
    (the first from 0 on) belongs to that window only."""
    lower = -1
    for window in sorted(windows):
        yield window, lower, window
        lower = window


def _values(*, recipient, kind, object_id, window, title, body, due_on, now, user_ref):
    return {
        "n_recipient_id": recipient,
        "n_kind": Value(kind),
        "n_object_id": object_id,
        "n_window": window,
        "n_title": title,
        "n_body": body,
        "n_due_on": due_on,
        "n_created_at": Value(now),
        "n_email_status": email_status_expression(kind, user_ref),
        "n_email_attempts": Value(0, output_field=IntegerField()),
        "n_email_last_error": Value(""),
        "n_email_queued_at": Value(now),
    }


def _write(querysets) -> int:
    written = 0
    with transaction.atomic():
        without_jit(connection)
        for queryset in querysets:
            inserted = insert_notifications(queryset)
            enqueue_emails(inserted.email_ids)
            written += inserted.count
    return written


def _window_text(days: int, date_expression):
    return Concat(Value(f"{days}d:"), Cast(date_expression, CharField()), output_field=CharField())


# --- Application deadlines ------------------------------------------------------------
def application_deadline_scan(*, today: dt.date | None = None) -> int:
    """Remind students of a posting's application deadline 3 days and 1 day before.

    Who: students who saved the posting, or who were told of it as a match (the match
    fan-out's record of whose saved search or interests fit it), and who have not
    applied. Returns how many reminders it wrote.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    querysets = []
    for days, lower, upper in _ranges(APPLICATION_DEADLINE_WINDOWS):
        first, last = today + dt.timedelta(days=lower + 1), today + dt.timedelta(days=upper)
        postings = Posting.objects.filter(
            status=Posting.Status.PUBLISHED, application_deadline__gte=first, application_deadline__lte=last
        )
        applied_saved = Application.objects.filter(posting_id=OuterRef("posting_id"), student_id=OuterRef("student_id"))
        saved = (
            SavedPosting.objects.filter(
                posting__status=Posting.Status.PUBLISHED,
                posting__application_deadline__gte=first,
                posting__application_deadline__lte=last,
                student__is_active=True,
            )
            .filter(~Exists(applied_saved))
            .annotate(
                **_values(
                    recipient=F("student_id"),
                    kind=K.APPLICATION_DEADLINE,
                    object_id=F("posting_id"),
                    window=_window_text(days, F("posting__application_deadline")),
                    title=Concat(Value("Applications close soon: "), F("posting__title"), output_field=CharField()),
                    body=F("posting__site__name"),
                    due_on=F("posting__application_deadline"),
                    now=now,
                    user_ref="student_id",
                )
            )
        )
        posting_of = Posting.objects.filter(pk=OuterRef("object_id"))
        applied_matched = Application.objects.filter(
            posting_id=OuterRef("object_id"), student_id=OuterRef("recipient_id")
        )
        matched = (
            Notification.objects.filter(
                kind=K.POSTING_MATCH, object_id__in=postings.values("pk"), recipient__is_active=True
            )
            .filter(~Exists(applied_matched))
            .annotate(
                **_values(
                    recipient=F("recipient_id"),
                    kind=K.APPLICATION_DEADLINE,
                    object_id=F("object_id"),
                    window=_window_text(days, Subquery(posting_of.values("application_deadline")[:1])),
                    title=Concat(
                        Value("Applications close soon: "),
                        Subquery(posting_of.values("title")[:1]),
                        output_field=CharField(),
                    ),
                    body=Subquery(posting_of.values("site__name")[:1], output_field=CharField()),
                    due_on=Subquery(posting_of.values("application_deadline")[:1], output_field=DateField()),
                    now=now,
                    user_ref="recipient_id",
                ),
            )
        )
        querysets += [saved, matched]
    return _write(querysets)


# --- Offer deadlines ------------------------------------------------------------------
def offer_deadline_scan(*, now: dt.datetime | None = None) -> int:
    """Remind a student of an offer still unanswered 2 days and 1 day before it expires.
    (Its expiry itself is a status change, announced through the event.)"""
    now = now or timezone.now()
    querysets = []
    for days, lower, upper in _ranges(OFFER_DEADLINE_WINDOWS):
        offers = Application.objects.filter(
            status=S.OFFERED,
            offer_expires_at__gt=now + dt.timedelta(days=max(lower, 0)),
            offer_expires_at__lte=now + dt.timedelta(days=upper),
            student__is_active=True,
        ).annotate(
            **_values(
                recipient=F("student_id"),
                kind=K.OFFER_DEADLINE,
                object_id=F("pk"),
                window=Value(f"{days}d"),
                title=Concat(Value("Your offer expires soon: "), F("posting__title"), output_field=CharField()),
                body=Concat(F("posting__site__name"), Value(" · accept or decline before it expires")),
                due_on=TruncDate("offer_expires_at", tzinfo=timezone.get_current_timezone()),
                now=now,
                user_ref="student_id",
            )
        )
        querysets.append(offers)
    return _write(querysets)


# --- Approvals waiting ----------------------------------------------------------------
def approval_reminder_scan(*, now: dt.datetime | None = None) -> int:
    """Remind the student's coordinators of an accepted offer that has waited for their
    approval more than 3 days (and again after 7)."""
    now = now or timezone.now()
    querysets = []
    windows = sorted(APPROVAL_WAIT_WINDOWS)
    for index, days in enumerate(windows):
        waited = Q(
            school__members__applications__status=S.ACCEPTED,
            school__members__applications__status_changed_at__lte=now - dt.timedelta(days=days),
        )
        if index + 1 < len(windows):
            waited &= Q(
                school__members__applications__status_changed_at__gt=now - dt.timedelta(days=windows[index + 1])
            )
        coordinators = User.objects.filter(waited, role=Role.COORDINATOR, is_active=True).annotate(
            **_values(
                recipient=F("pk"),
                kind=K.APPROVAL_NEEDED,
                object_id=F("school__members__applications__pk"),
                window=Value(f"waiting:{days}d"),
                title=Concat(
                    Value(f"Waiting for your approval for {days} days: "),
                    F("school__members__applications__posting__title"),
                    output_field=CharField(),
                ),
                body=Concat(
                    F("school__members__first_name"),
                    Value(" "),
                    F("school__members__last_name"),
                    Value(" · "),
                    F("school__members__applications__posting__site__name"),
                    output_field=CharField(),
                ),
                due_on=Value(None, output_field=DateField()),
                now=now,
                user_ref="pk",
            )
        )
        querysets.append(coordinators)
    return _write(querysets)


# --- Affiliation agreements -----------------------------------------------------------
def agreement_expiry_scan(*, today: dt.date | None = None) -> int:
    """Tell the school's coordinators and the site's staff that an active affiliation
    agreement ends in 30 days, and again in 7."""
    today = today or timezone.localdate()
    now = timezone.now()
    querysets = []
    for days, lower, upper in _ranges(AGREEMENT_WINDOWS):
        first, last = today + dt.timedelta(days=lower + 1), today + dt.timedelta(days=upper)
        for org, other in (("school", "site"), ("site", "school")):
            role = Role.COORDINATOR if org == "school" else Role.SITE_STAFF
            prefix = f"{org}__agreements__"
            people = User.objects.filter(
                role=role,
                is_active=True,
                **{
                    f"{prefix}status": AffiliationAgreement.Status.ACTIVE,
                    f"{prefix}end_date__gte": first,
                    f"{prefix}end_date__lte": last,
                },
            ).annotate(
                **_values(
                    recipient=F("pk"),
                    kind=K.AGREEMENT_EXPIRING,
                    object_id=F(f"{prefix}pk"),
                    window=_window_text(days, F(f"{prefix}end_date")),
                    title=Concat(
                        Value("Affiliation agreement with "),
                        F(f"{prefix}{other}__name"),
                        Value(" ends soon"),
                        output_field=CharField(),
                    ),
                    body=Value("Placements under it can only be approved while it is active."),
                    due_on=F(f"{prefix}end_date"),
                    now=now,
                    user_ref="pk",
                )
            )
            querysets.append(people)
    return _write(querysets)


# --- Outbox sweep ---------------------------------------------------------------------
def notifications_outbox_sweep(*, limit: int = 1000) -> dict[str, int]:
    """Redo what a dead worker left undone: status changes never dispatched (a minute
    after they were written) and emails still pending long after they were queued."""
    from placements.tasks import application_event_dispatch_task

    cutoff = timezone.now() - OUTBOX_GRACE
    event_ids = list(
        ApplicationEvent.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in event_ids:
        application_event_dispatch_task.delay(event_id)
    email_ids = stale_pending_email_ids(limit=limit * 5)
    with transaction.atomic():
        requeue_emails(email_ids)
    return {"events": len(event_ids), "emails": len(email_ids)}

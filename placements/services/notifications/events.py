"""Status changes: the notifications of one ApplicationEvent (the outbox row).

Who hears what follows DESIGN.md ("Notifications"): the site's staff hear of new and
withdrawn applications and of the student's answers; the student hears of every move
someone else makes on their application; the student's coordinators hear that an
accepted offer waits for their approval. Nobody is told about their own action.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role, User
from placements.models import Application, ApplicationEvent, Notification, NotificationKind

from ._common import create_notifications
from .delivery import enqueue_emails

S = Application.Status
K = NotificationKind


def _day(value) -> str:
    return date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, "l, F j")


def event_notifications(event: ApplicationEvent) -> list[Notification]:
    application = event.application
    posting = application.posting
    site = posting.site
    student = application.student
    title = posting.title
    name = student.display_name
    now = timezone.now()
    window = f"event:{event.pk}"
    rows: list[Notification] = []

    def staff() -> list[int]:
        return list(
            User.objects.filter(site_id=site.pk, role=Role.SITE_STAFF, is_active=True).values_list("pk", flat=True)
        )

    def coordinators() -> list[int]:
        return list(
            User.objects.filter(school_id=student.school_id, role=Role.COORDINATOR, is_active=True).values_list(
                "pk", flat=True
            )
        )

    def mentor() -> list[int]:
        return [posting.mentor_id] if posting.mentor_id else []

    def add(recipients, kind, headline, body="", due_on=None):
        for recipient_id in dict.fromkeys(recipients):
            if recipient_id == event.actor_id:
                continue
            rows.append(
                Notification(
                    recipient_id=recipient_id,
                    kind=kind,
                    object_id=application.pk,
                    window=window,
                    title=headline[:300],
                    body=body[:500],
                    due_on=due_on,
                    created_at=now,
                    email_queued_at=now,
                )
            )

    to = event.to_status
    reason = (event.reason or application.decision_reason or "").strip()
    if not event.from_status:
        add(staff(), K.NEW_APPLICATION, f"New application from {name} for “{title}”", "Review it while it is fresh.")
    elif to == S.WITHDRAWN:
        add(staff(), K.NEW_APPLICATION, f"{name} withdrew their application for “{title}”")
        if event.from_status == S.ACCEPTED:
            add(coordinators(), K.APPROVAL_NEEDED, f"{name} withdrew from “{title}”: no approval is needed any more")
    elif to == S.UNDER_REVIEW:
        add([student.pk], K.APPLICATION_UPDATE, f"{site.name} is reviewing your application for “{title}”")
    elif to == S.SHORTLISTED:
        add([student.pk], K.APPLICATION_UPDATE, f"You are on the shortlist for “{title}” at {site.name}")
    elif to == S.OFFERED:
        due = application.offer_expires_at
        add(
            [student.pk],
            K.APPLICATION_UPDATE,
            f"{site.name} offered you a place: “{title}”",
            f"Accept or decline by {_day(due)}." if due else "Accept or decline the offer.",
            due_on=timezone.localtime(due).date() if due else None,
        )
    elif to == S.ACCEPTED:
        add(
            staff(),
            K.APPLICANT_UPDATE,
            f"{name} accepted your offer for “{title}”",
            "Their school's coordinator approves the placement next.",
        )
        add(
            coordinators(),
            K.APPROVAL_NEEDED,
            f"{name} accepted an offer from {site.name}: it waits for your approval",
            f"“{title}”, {_day(posting.start_date)} to {_day(posting.end_date)}.",
        )
    elif to == S.DECLINED:
        add(staff(), K.APPLICANT_UPDATE, f"{name} declined your offer for “{title}”", "The slot is free again.")
    elif to == S.EXPIRED:
        add(
            [student.pk],
            K.APPLICATION_UPDATE,
            f"Your offer for “{title}” at {site.name} expired",
            "The time to answer it ran out.",
        )
        add(
            staff(),
            K.APPLICANT_UPDATE,
            f"Your offer to {name} for “{title}” expired unanswered",
            "The slot is free again.",
        )
    elif to == S.REJECTED:
        add([student.pk], K.APPLICATION_UPDATE, f"{site.name} did not select you for “{title}”", reason)
    elif to == S.APPROVED:
        starts = f"It starts {_day(posting.start_date)}."
        add([student.pk], K.APPLICATION_UPDATE, f"Your placement at {site.name} is approved: “{title}”", starts)
        add(staff() + mentor(), K.APPLICANT_UPDATE, f"{name}'s placement in “{title}” is approved", starts)
    elif to == S.DENIED:
        add([student.pk], K.APPLICATION_UPDATE, f"Your school did not approve the placement “{title}”", reason)
        add(staff(), K.APPLICANT_UPDATE, f"{name}'s school did not approve the placement in “{title}”")
    elif to == S.CANCELLED:
        add([student.pk], K.APPLICATION_UPDATE, f"Your placement “{title}” at {site.name} was cancelled", reason)
        add(staff() + mentor(), K.APPLICANT_UPDATE, f"The placement of {name} in “{title}” was cancelled", reason)
    elif to == S.COMPLETED:
        add([student.pk], K.APPLICATION_UPDATE, f"Your placement “{title}” at {site.name} is marked completed")
    return rows


def application_event_dispatch(*, event_id: int) -> int:
    """Write the notifications for one status change and mark the event dispatched.

    Safe to run twice and concurrently: the event row is locked while its notifications
    are written, a dispatched event is skipped, and the unique key drops any repeat.
    Returns how many notifications were written (0 for an event already dispatched or
    gone).
    """
    with transaction.atomic():
        event = (
            ApplicationEvent.objects.select_for_update(of=("self",))
            .select_related("application__posting__site", "application__student")
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return 0
        inserted = create_notifications(event_notifications(event))
        ApplicationEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
        enqueue_emails(inserted.email_ids)
    return inserted.count

"""The one function through which every application status changes.

Callers (the services in applications.py, approvals.py, the expiry scan) name the move;
this checks it against TRANSITIONS, holds the capacity rule, writes the change and its
event row in one transaction, and schedules the notifications after commit.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from placements.models import HOLDS_SEAT, SYSTEM, TRANSITIONS, Application, ApplicationEvent, Posting


class TransitionRefused(Exception):
    """A move that the rules do not allow now. `str(exc)` is a sentence for the person."""


class CapacityReached(TransitionRefused):
    pass


@dataclass(frozen=True)
class TransitionResult:
    application: Application
    event: ApplicationEvent


_VERBS = {
    Application.Status.UNDER_REVIEW: "moved to review",
    Application.Status.SHORTLISTED: "shortlisted",
    Application.Status.OFFERED: "offered a place",
    Application.Status.ACCEPTED: "accepted",
    Application.Status.DECLINED: "declined",
    Application.Status.EXPIRED: "expired",
    Application.Status.WITHDRAWN: "withdrawn",
    Application.Status.REJECTED: "turned down",
    Application.Status.APPROVED: "approved",
    Application.Status.DENIED: "denied",
    Application.Status.COMPLETED: "marked completed",
    Application.Status.CANCELLED: "cancelled",
}


def _actor_role(actor) -> str:
    return SYSTEM if actor is None else actor.role


def _actor_is_party(actor, application: Application) -> bool:
    """Defence in depth behind the views' permission loaders: only the people of this
    application may move it, whatever the role table says."""
    if actor is None:
        return True
    if actor.role == Role.STUDENT:
        return application.student_id == actor.pk
    if actor.role in (Role.SITE_STAFF, Role.MENTOR):
        return application.posting.site_id == actor.site_id
    if actor.role == Role.COORDINATOR:
        return application.student.school_id == actor.school_id
    return False


def seats_taken(posting_id: int) -> int:
    return Application.objects.filter(posting_id=posting_id, status__in=HOLDS_SEAT).count()


def application_transition(
    *,
    application_id: int,
    actor,
    to_status: str,
    reason: str = "",
    expected_from: str | None = None,
    updates: dict[str, Any] | None = None,
) -> TransitionResult:
    """Move one application to `to_status` as `actor` (None: the system's periodic scans).

    `expected_from`, when given, refuses the move if the status changed since the person
    looked (a stale page or a double submit). `updates` are extra fields written with the
    move (an offer's deadline, a decision reason). Raises TransitionRefused with a message
    for the person; nothing is written then.
    """
    with transaction.atomic():
        # The row lock makes two people acting on one application at once take turns:
        # the second sees the first's result and is refused if the move no longer exists.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("posting", "student")
            .get(pk=application_id)
        )
        from_status = application.status
        label = Application.Status(from_status).label.lower()
        verb = _VERBS.get(to_status, to_status)
        if expected_from is not None and from_status != expected_from:
            raise TransitionRefused(
                f"This application changed while you were looking: it is now {label}. Nothing was changed."
            )
        allowed = TRANSITIONS.get((from_status, to_status))
        if allowed is None:
            raise TransitionRefused(f"An application that is {label} cannot be {verb}.")
        if _actor_role(actor) not in allowed or not _actor_is_party(actor, application):
            raise TransitionRefused(f"You cannot make this change: only the {_who(allowed)} can.")

        if to_status in HOLDS_SEAT and from_status not in HOLDS_SEAT:
            # Lock the posting row: every move that takes a seat on this posting queues
            # here, so two offers made at the same instant cannot both see the last free
            # slot (the check-then-act race). Lock order is application, then posting,
            # everywhere, so this cannot deadlock with another transition.
            posting = Posting.objects.select_for_update().get(pk=application.posting_id)
            if seats_taken(posting.pk) >= posting.slots:
                raise CapacityReached(
                    f"All {posting.slots} slot{'s' if posting.slots != 1 else ''} of “{posting.title}” "
                    "are already offered or filled. Nothing was changed."
                )

        now = timezone.now()
        application.status = to_status
        application.status_changed_at = now
        fields = ["status", "status_changed_at"]
        for name, value in (updates or {}).items():
            setattr(application, name, value)
            fields.append(name)
        application.save(update_fields=fields)
        event = ApplicationEvent.objects.create(
            application=application, actor=actor, from_status=from_status, to_status=to_status, reason=reason
        )
        _dispatch_on_commit(event.pk)
    return TransitionResult(application=application, event=event)


def application_event_create_initial(*, application: Application, actor) -> ApplicationEvent:
    """The first event of an application (from nothing to submitted); call inside the
    transaction that creates the application."""
    event = ApplicationEvent.objects.create(
        application=application, actor=actor, from_status="", to_status=application.status
    )
    _dispatch_on_commit(event.pk)
    return event


def _dispatch_on_commit(event_id: int) -> None:
    from placements.tasks import application_event_dispatch_task

    # After commit: a rolled-back change notifies no one.
    transaction.on_commit(lambda: application_event_dispatch_task.delay(event_id))


def _who(roles) -> str:
    names = {
        Role.STUDENT: "student",
        Role.SITE_STAFF: "site's staff",
        Role.MENTOR: "mentor",
        Role.COORDINATOR: "school's coordinator",
        SYSTEM: "system",
    }
    return " or ".join(sorted(names.get(r, str(r)) for r in roles))

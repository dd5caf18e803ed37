"""Notifications: the in-app centre, email, match fan-out and deadline scans.

(Being built out by the notifications work; the two entry points below are the contract
that the transition and publish services call through placements.tasks.)
"""

from django.utils import timezone

from placements.models import ApplicationEvent


def application_event_dispatch(*, event_id: int) -> None:
    """Write the notifications for one status change; a second run does nothing."""
    ApplicationEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())


def posting_match_fanout(*, posting_id: int) -> int:
    """Tell every student whose saved search or interests fit a newly published posting."""
    return 0

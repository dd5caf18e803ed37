"""Reads of notifications: the centre's page and the navigation's unread count."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from placements.models import Notification

PER_PAGE = 20


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (one index: recipient, created_at, id)."""
    queryset = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notifications_unread_count(user) -> int:
    """One COUNT on a partial index of unread rows; 0 for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_page(user, *, page: str | int | None, unread_only: bool = False) -> Page:
    """One page of the centre: two queries whatever the page holds, the count and the
    rows (the text is stored on the row, and each links through notification-open)."""
    return Paginator(notifications_for(user, unread_only=unread_only), PER_PAGE).get_page(page)

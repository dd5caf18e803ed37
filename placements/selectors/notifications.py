"""Reads of notifications: the centre's page and the navigation's unread count."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from placements.models import Notification
from placements.services.notifications._common import object_path

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
    """One page of the centre; each notification carries `link`, the path it leads to.

    Two queries whatever the page holds: the count and the rows (the text is stored on
    the row and the link is computed from kind and object id, so nothing is joined).
    """
    paginator = Paginator(notifications_for(user, unread_only=unread_only), PER_PAGE)
    page_obj = paginator.get_page(page)
    for notification in page_obj.object_list:
        notification.link = object_path(notification.kind, notification.object_id, user.role)
    return page_obj

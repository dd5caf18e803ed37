"""Matrix rows for the notification centre and preferences URLs (see tests/matrix.py).

A notification belongs to its recipient alone: everyone else gets 404 for it, as for a
missing one. The unsubscribe link works without login (its signed token says who).
"""

from django.urls import reverse

from placements.models import Notification, NotificationKind
from placements.services.notifications._common import unsubscribe_token
from tests.matrix import Case, expect


def _note(world):
    """The student's notification (created on first use, once per world)."""
    note, _ = Notification.objects.get_or_create(
        recipient=world["student"],
        kind=NotificationKind.APPLICATION_UPDATE,
        object_id=world["application"].pk,
        window="matrix",
        defaults={"title": "Mercy General Hospital is reviewing your application"},
    )
    return note


def _unsubscribe(world):
    token = unsubscribe_token(user_id=world["student"].pk, kind=NotificationKind.POSTING_MATCH)
    return reverse("placements:notification-unsubscribe", args=[token])


SIGNED_IN = expect(200, anonymous=302)
ONLY_STUDENT = expect(404, anonymous=302, student=302)

CASES: list = [
    Case("placements:notification-list", lambda w: reverse("placements:notification-list"), SIGNED_IN),
    Case(
        "placements:notification-open",
        lambda w: reverse("placements:notification-open", args=[_note(w).pk]),
        ONLY_STUDENT,
    ),
    Case(
        "placements:notification-read",
        lambda w: reverse("placements:notification-read", args=[_note(w).pk]),
        ONLY_STUDENT,
        method="post",
    ),
    Case(
        "placements:notification-read-all",
        lambda w: reverse("placements:notification-read-all"),
        expect(302),
        method="post",
    ),
    Case("placements:notification-preferences", lambda w: reverse("placements:notification-preferences"), SIGNED_IN),
    Case(
        "placements:notification-preferences",
        lambda w: reverse("placements:notification-preferences"),
        # An empty form: every role with kinds to choose must choose; staff have none.
        expect(400, anonymous=302, platform_staff=302),
        method="post",
        label="empty",
    ),
    Case("placements:notification-unsubscribe", _unsubscribe, expect(200)),
    Case("placements:notification-unsubscribe", _unsubscribe, expect(200), method="post", label="one-click"),
]

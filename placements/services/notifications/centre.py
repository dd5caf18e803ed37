"""The person's side: reading notifications and choosing how they arrive by email."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from placements.models import NOTIFICATION_KINDS_FOR_ROLE, Notification, NotificationPreference

from ._common import unsubscribe_token_read

Channel = NotificationPreference.Channel
EmailStatus = Notification.EmailStatus


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (a second call changes nothing)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_kinds_for(user: User) -> tuple[str, ...]:
    return NOTIFICATION_KINDS_FOR_ROLE.get(user.role, ())


def notification_preferences_for(user: User) -> dict[str, str]:
    """{kind: channel} for every kind the user's role receives (defaults filled in)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: stored.get(kind, Channel.INSTANT) for kind in notification_kinds_for(user)}


def notification_preferences_set(*, user: User, channels: dict[str, str]) -> None:
    """Store `channels` ({kind: channel}) for the kinds the user's role receives.

    Notifications already waiting for email follow the new choice: turning a kind off
    (or to the digest) keeps the waiting ones from going out one by one.
    """
    allowed = set(notification_kinds_for(user))
    for kind, channel in channels.items():
        if kind not in allowed or channel not in Channel.values:
            raise ValueError(f"Unknown notification kind or channel: {kind}={channel}")
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        waiting = Notification.objects.filter(recipient=user, kind=kind).filter(
            Q(email_status=EmailStatus.PENDING) | Q(email_status=EmailStatus.DIGEST)
        )
        if channel == Channel.OFF:
            waiting.update(email_status=EmailStatus.SKIPPED)
        elif channel == Channel.DIGEST:
            waiting.filter(email_status=EmailStatus.PENDING).update(email_status=EmailStatus.DIGEST)


def notification_unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn email off for the person and kind a signed unsubscribe token names.

    Returns (user, kind), or None for a token that is not ours or names nobody. Idempotent:
    a mail client may POST the one-click request more than once.
    """
    read = unsubscribe_token_read(token)
    if read is None:
        return None
    user_id, kind = read
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    if kind in notification_kinds_for(user):
        notification_preferences_set(user=user, channels={kind: Channel.OFF})
    else:  # a kind the role no longer has: still honour the request
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channel": Channel.OFF})
    return user, kind

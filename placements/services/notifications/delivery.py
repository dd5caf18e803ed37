"""Email delivery of notifications: one email per notification (or one digest a day).

A notification's email moves pending -> sent, or pending -> failed once the retries are
spent (the attempts and the last error stay on the row: a recorded failure, never a
lost message). Sending holds the row's lock, so two workers handed the same
notification (a redelivered task, the outbox sweep) cannot both send it; a worker that
dies mid-send rolls back and the email stays pending for the next attempt. An email
accepted by the mail server just before its worker died can go out twice: that is the
one duplicate at-least-once delivery allows, and the in-app notification stays single.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, send_templated_email
from placements.models import Notification, NotificationKind, NotificationPreference

from ._common import object_path, unsubscribe_token

EmailStatus = Notification.EmailStatus
Channel = NotificationPreference.Channel

# Emails per task message: large fan-outs become a few hundred small messages.
EMAIL_CHUNK = 500
# Retry schedule of one failed email: 30 s, 1, 2, 4, 8 minutes (well inside the broker's
# visibility timeout, so a waiting retry is never delivered twice).
EMAIL_MAX_RETRIES = 5
EMAIL_RETRY_BASE_SECONDS = 30
# The outbox sweep re-enqueues an email still pending this long after it was queued or
# last tried: longer than the whole retry schedule above.
EMAIL_STALE_AFTER_SECONDS = 15 * 60
DIGEST_MAX_ITEMS = 50


class EmailDeliveryFailed(Exception):
    """The mail server refused or could not be reached; the attempt is recorded."""


def retry_countdown(retries: int) -> int:
    return EMAIL_RETRY_BASE_SECONDS * (2**retries)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    return absolute_url(
        reverse("placements:notification-unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)])
    )


def _headers(*, user_id: int, kind: str) -> dict:
    # RFC 2369 + RFC 8058: mail clients show an "Unsubscribe" button that POSTs
    # "List-Unsubscribe=One-Click" to this URL, without login.
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id=user_id, kind=kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send_one(notification: Notification) -> None:
    recipient = notification.recipient
    kind = notification.kind
    send_templated_email(
        to=[recipient.email],
        template=f"notify_{kind}",
        context={
            "notification": notification,
            "recipient": recipient,
            "kind_label": NotificationKind(kind).label,
            "link": absolute_url(reverse("placements:notification-open", args=[notification.pk])),
            "object_link": absolute_url(object_path(kind, notification.object_id, recipient.role)),
            "unsubscribe_url": unsubscribe_url(user_id=recipient.pk, kind=kind),
            "preferences_url": absolute_url(reverse("placements:notification-preferences")),
        },
        headers=_headers(user_id=recipient.pk, kind=kind),
    )


def _channel(user_id: int, kind: str) -> str:
    return (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind).values_list("channel", flat=True).first()
        or Channel.INSTANT
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Send the email of one notification if it is still pending.

    Returns True when it was sent, False when there was nothing to do (already sent or
    failed for good, gone, held by another worker, or the person has since chosen the
    digest or no email: the row then follows that choice). On a delivery error the
    attempt and the error are recorded on the row and EmailDeliveryFailed is raised;
    the task decides whether to retry.
    """
    error: Exception | None = None
    with transaction.atomic():
        # skip_locked: another worker is sending this one right now; leave it to them.
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        channel = _channel(notification.recipient_id, notification.kind)
        if channel != Channel.INSTANT or not notification.recipient.is_active:
            status = (
                EmailStatus.DIGEST
                if channel == Channel.DIGEST and notification.recipient.is_active
                else EmailStatus.SKIPPED
            )
            Notification.objects.filter(pk=notification.pk).update(email_status=status)
            return False
        try:
            _send_one(notification)
        except Exception as exc:  # noqa: BLE001 - any delivery error is recorded and retried
            error = exc
        else:
            Notification.objects.filter(pk=notification.pk).update(
                email_status=EmailStatus.SENT,
                emailed_at=timezone.now(),
                email_attempts=F("email_attempts") + 1,
                email_last_error="",
            )
            return True
    # Outside the rolled-back block, so the record of the attempt survives.
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_attempts=F("email_attempts") + 1, email_last_error=_describe(error), email_queued_at=timezone.now()
    )
    raise EmailDeliveryFailed(_describe(error)) from error


def notification_email_mark_failed(*, notification_id: int) -> None:
    """The retries are spent: the email stays unsent, recorded as failed."""
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.FAILED
    )


def enqueue_emails(notification_ids: Iterable[int]) -> None:
    """Hand these notifications' emails to the workers, in chunks, after commit."""
    ids = list(notification_ids)
    if not ids:
        return
    from placements.tasks import notification_emails_send_task

    chunks = [ids[i : i + EMAIL_CHUNK] for i in range(0, len(ids), EMAIL_CHUNK)]

    def _enqueue():
        for chunk in chunks:
            notification_emails_send_task.delay(chunk)

    # After commit: the worker must find the rows; a rolled-back write sends nothing.
    transaction.on_commit(_enqueue)


def notification_emails_send(*, notification_ids: list[int]) -> list[int]:
    """Send a chunk of emails; returns the ids that failed (each retried on its own)."""
    failed = []
    for notification_id in notification_ids:
        try:
            notification_email_send(notification_id=notification_id)
        except EmailDeliveryFailed:
            failed.append(notification_id)
    return failed


# --- Daily digest ---------------------------------------------------------------------
def notification_digest_recipients() -> list[int]:
    """Everyone with notifications waiting for the digest."""
    return list(
        Notification.objects.filter(email_status=EmailStatus.DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def notification_digest_send(*, user_id: int) -> int:
    """Send one person's digest of what waits for it; returns how many it listed.

    The rows are locked while the email goes out, so a second run (or a redelivered
    task) finds nothing left. On a delivery error the attempt is recorded on the rows and
    EmailDeliveryFailed is raised for the task to retry.
    """
    error: Exception | None = None
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(recipient_id=user_id, email_status=EmailStatus.DIGEST)
            .order_by("created_at", "id")[:DIGEST_MAX_ITEMS]
        )
        if not rows:
            return 0
        recipient = rows[0].recipient
        ids = [row.pk for row in rows]
        if not recipient.is_active:
            Notification.objects.filter(pk__in=ids).update(email_status=EmailStatus.SKIPPED)
            return 0
        items = [
            {
                "notification": row,
                "kind_label": row.get_kind_display(),
                "link": absolute_url(reverse("placements:notification-open", args=[row.pk])),
                "unsubscribe_url": unsubscribe_url(user_id=recipient.pk, kind=row.kind),
            }
            for row in rows
        ]
        try:
            send_templated_email(
                to=[recipient.email],
                template="notify_digest",
                context={
                    "recipient": recipient,
                    "items": items,
                    "count": len(items),
                    "centre_url": absolute_url(reverse("placements:notification-list")),
                    "preferences_url": absolute_url(reverse("placements:notification-preferences")),
                },
                headers={
                    # Unsubscribing from a digest turns off email for the kinds it carries
                    # (the link names the first; the page lets the person choose more).
                    **_headers(user_id=recipient.pk, kind=rows[0].kind),
                },
            )
        except Exception as exc:  # noqa: BLE001
            error = exc
        else:
            Notification.objects.filter(pk__in=ids).update(
                email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1
            )
            return len(ids)
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.DIGEST).update(
        email_attempts=F("email_attempts") + 1, email_last_error=_describe(error)
    )
    raise EmailDeliveryFailed(_describe(error)) from error


def notification_digest_mark_failed(*, user_id: int) -> None:
    """The digest's retries are spent: its tried rows are recorded as failed."""
    Notification.objects.filter(recipient_id=user_id, email_status=EmailStatus.DIGEST, email_attempts__gt=0).update(
        email_status=EmailStatus.FAILED
    )


def stale_pending_email_ids(*, limit: int = 5000) -> list[int]:
    """Pending emails whose task must have been lost (queued long ago, still unsent)."""
    cutoff = timezone.now() - dt.timedelta(seconds=EMAIL_STALE_AFTER_SECONDS)
    return list(
        Notification.objects.filter(email_status=EmailStatus.PENDING, email_queued_at__lt=cutoff)
        .order_by("email_queued_at")
        .values_list("pk", flat=True)[:limit]
    )


def requeue_emails(notification_ids: list[int]) -> None:
    """Mark these emails queued now and hand them to the workers again."""
    if not notification_ids:
        return
    Notification.objects.filter(pk__in=notification_ids, email_status=EmailStatus.PENDING).update(
        email_queued_at=timezone.now()
    )
    enqueue_emails(notification_ids)

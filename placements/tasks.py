"""Celery tasks: thin, take ids, call one service, safe to run twice (STYLE.md)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

# The database briefly unreachable (a restart, a failover): worth retrying with backoff.
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=5, retry_backoff=True, retry_jitter=True)
def application_event_dispatch_task(self, event_id: int) -> None:
    from placements.services.notifications import application_event_dispatch

    application_event_dispatch(event_id=event_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=5, retry_backoff=True, retry_jitter=True)
def posting_match_fanout_task(self, posting_id: int) -> None:
    from placements.services.notifications import posting_match_fanout

    posting_match_fanout(posting_id=posting_id)


@shared_task(bind=True, max_retries=3, retry_backoff=True, retry_jitter=True)
def postings_close_expired_task(self) -> int:
    """Periodic: close published postings whose application deadline has passed."""
    from placements.services.postings import postings_close_expired

    return postings_close_expired()


# --- Notifications --------------------------------------------------------------------
@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=5, retry_backoff=True, retry_jitter=True)
def notification_emails_send_task(self, notification_ids: list[int]) -> int:
    """Send a chunk of notification emails; each one that fails gets its own retries."""
    from placements.services.notifications import notification_emails_send

    failed = notification_emails_send(notification_ids=notification_ids)
    for notification_id in failed:
        notification_email_send_task.apply_async((notification_id,), countdown=_email_countdown(0), retries=1)
    return len(notification_ids) - len(failed)


def _email_countdown(retries: int) -> int:
    from placements.services.notifications.delivery import retry_countdown

    return retry_countdown(retries)


@shared_task(bind=True, max_retries=5)
def notification_email_send_task(self, notification_id: int) -> None:
    """One notification's email, retried with exponential backoff (30 s ... 8 min); when
    the retries are spent it is recorded as failed on the row, never dropped."""
    from placements.services.notifications import EmailDeliveryFailed, notification_email_send
    from placements.services.notifications.delivery import notification_email_mark_failed

    try:
        notification_email_send(notification_id=notification_id)
    except EmailDeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            notification_email_mark_failed(notification_id=notification_id)
            return
        return _retry(self, exc)


def _retry(task, exc):
    countdown = _email_countdown(task.request.retries)
    if task.request.is_eager:
        # In-process (no broker): Celery re-runs a returned Retry at once, whereas a
        # raised one would propagate to the caller (task_eager_propagates).
        return task.retry(exc=exc, countdown=countdown, throw=False)
    raise task.retry(exc=exc, countdown=countdown) from exc


@shared_task(bind=True, max_retries=5)
def notification_digest_send_task(self, user_id: int) -> None:
    """One person's daily digest, retried like a single email."""
    from placements.services.notifications import EmailDeliveryFailed, notification_digest_send
    from placements.services.notifications.delivery import notification_digest_mark_failed

    try:
        notification_digest_send(user_id=user_id)
    except EmailDeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            notification_digest_mark_failed(user_id=user_id)
            return
        return _retry(self, exc)


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def notification_digests_enqueue_task(self) -> int:
    """Periodic (daily): one digest task per person with notifications waiting for it."""
    from placements.services.notifications.delivery import notification_digest_recipients

    recipients = notification_digest_recipients()
    for user_id in recipients:
        notification_digest_send_task.delay(user_id)
    return len(recipients)


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def application_deadline_scan_task(self) -> int:
    """Periodic: remind students of application deadlines (3 days and 1 day before)."""
    from placements.services.notifications import application_deadline_scan

    return application_deadline_scan()


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def offer_deadline_scan_task(self) -> int:
    """Periodic: remind students of offers about to expire (2 days and 1 day before)."""
    from placements.services.notifications import offer_deadline_scan

    return offer_deadline_scan()


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def approval_reminder_scan_task(self) -> int:
    """Periodic: remind coordinators of accepted offers waiting 3+ days for approval."""
    from placements.services.notifications import approval_reminder_scan

    return approval_reminder_scan()


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def agreement_expiry_scan_task(self) -> int:
    """Periodic: tell coordinators and site staff of agreements ending in 30 and 7 days."""
    from placements.services.notifications import agreement_expiry_scan

    return agreement_expiry_scan()


@shared_task(bind=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def notifications_outbox_sweep_task(self) -> dict:
    """Periodic (every minute): re-enqueue undispatched events and stale pending emails."""
    from placements.services.notifications import notifications_outbox_sweep

    return notifications_outbox_sweep()


@shared_task(bind=True, max_retries=3, retry_backoff=True, retry_jitter=True)
def applications_expire_offers_task(self) -> int:
    """Periodic: expire offers whose response deadline has passed (safe to run twice)."""
    from placements.services.applications import applications_expire_offers

    return applications_expire_offers()

"""Every periodic Celery beat schedule, in one place.

Deadlines are found by scanning the database on a schedule, never by long countdowns
(on Redis a countdown longer than the visibility timeout is delivered twice).
"""

CELERY_BEAT_SCHEDULE: dict = {}

# --- Postings -------------------------------------------------------------------------
CELERY_BEAT_SCHEDULE["postings-close-expired"] = {
    # Closes postings whose application deadline has passed; a run finds only what the
    # previous one left, so overlapping or repeated runs are harmless.
    "task": "placements.tasks.postings_close_expired_task",
    "schedule": 15 * 60,
}

# --- Notifications --------------------------------------------------------------------
# Each scan writes a notification at most once (unique key per recipient, kind, object
# and window), so running one twice, late or overlapping adds nothing.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["notifications-outbox-sweep"] = {
    # Status changes whose dispatch task died with its worker, emails pending too long.
    "task": "placements.tasks.notifications_outbox_sweep_task",
    "schedule": 60,
}
CELERY_BEAT_SCHEDULE["notifications-application-deadlines"] = {
    "task": "placements.tasks.application_deadline_scan_task",
    "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["notifications-offer-deadlines"] = {
    "task": "placements.tasks.offer_deadline_scan_task",
    "schedule": 15 * 60,
}
CELERY_BEAT_SCHEDULE["notifications-approval-reminders"] = {
    "task": "placements.tasks.approval_reminder_scan_task",
    "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["notifications-agreements-expiring"] = {
    "task": "placements.tasks.agreement_expiry_scan_task",
    "schedule": 6 * 60 * 60,
}
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    # 12:00 UTC: morning across the United States.
    "task": "placements.tasks.notification_digests_enqueue_task",
    "schedule": crontab(hour=12, minute=0),
}

# --- Applications ---------------------------------------------------------------------
CELERY_BEAT_SCHEDULE["applications-expire-offers"] = {
    # Offers not answered by their response deadline become "expired" and free their
    # slot. Each move expects "offered" under a row lock, so a repeated or overlapping
    # run (or an answer arriving at the same moment) is harmless.
    "task": "placements.tasks.applications_expire_offers_task",
    "schedule": 5 * 60,
}

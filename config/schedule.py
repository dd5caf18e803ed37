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

"""Every periodic Celery beat schedule, in one place.

Deadlines are found by scanning the database on a schedule, never by long countdowns
(on Redis a countdown longer than the visibility timeout is delivered twice).
"""

CELERY_BEAT_SCHEDULE: dict = {}

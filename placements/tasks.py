"""Celery tasks: thin, take ids, call one service, safe to run twice (STYLE.md)."""

from celery import shared_task


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_jitter=True)
def application_event_dispatch_task(self, event_id: int) -> None:
    from placements.services.notifications import application_event_dispatch

    application_event_dispatch(event_id=event_id)


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_jitter=True)
def posting_match_fanout_task(self, posting_id: int) -> None:
    from placements.services.notifications import posting_match_fanout

    posting_match_fanout(posting_id=posting_id)


@shared_task(bind=True, max_retries=3, retry_backoff=True, retry_jitter=True)
def postings_close_expired_task(self) -> int:
    """Periodic: close published postings whose application deadline has passed."""
    from placements.services.postings import postings_close_expired

    return postings_close_expired()

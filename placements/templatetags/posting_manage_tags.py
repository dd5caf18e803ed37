"""Template filters for the site's posting pages: dates in words."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


@register.filter
def deadline_words(deadline: dt.date | None) -> str:
    """“closes today”, “closes tomorrow”, “closes in 5 days”, “closed 3 days ago”.

    Applications are accepted through the deadline day itself."""
    if deadline is None:
        return ""
    days = (deadline - timezone.localdate()).days
    if days < 0:
        return f"closed {_days(-days)} ago"
    if days == 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    if days < 60:
        return f"closes in {_days(days)}"
    return f"closes in {round(days / 30.4)} months"


@register.filter
def starts_words(start: dt.date | None) -> str:
    """“starts in 3 weeks”, “started 2 days ago”."""
    if start is None:
        return ""
    days = (start - timezone.localdate()).days
    if days < 0:
        return f"started {_days(-days)} ago"
    if days == 0:
        return "starts today"
    if days < 14:
        return f"starts in {_days(days)}"
    if days < 60:
        return f"starts in {days // 7} weeks"
    return f"starts in {round(days / 30.4)} months"

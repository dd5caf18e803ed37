"""Template filters for the student-facing posting pages: dates, lengths and pay in words."""

import datetime as dt
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()
SELECTED = mark_safe(" selected")
CHECKED = mark_safe(" checked")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@register.filter
def closes_words(deadline: dt.date | None) -> str:
    """“closes today”, “closes tomorrow”, “closes in 3 days”, “closes in 5 weeks”,
    “closed 2 days ago”. Applications are accepted through the deadline day itself."""
    if deadline is None:
        return ""
    days = (deadline - timezone.localdate()).days
    if days < 0:
        return f"closed {_plural(-days, 'day')} ago" if days > -60 else f"closed on {deadline:%b %-d, %Y}"
    if days == 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    if days < 21:
        return f"closes in {days} days"
    if days < 63:
        return f"closes in {days // 7} weeks"
    return f"closes in {round(days / 30.4)} months"


@register.filter
def closes_soon(deadline: dt.date | None) -> bool:
    """True when the deadline is within a week (the card highlights it)."""
    return deadline is not None and 0 <= (deadline - timezone.localdate()).days <= 7


@register.filter
def duration_words(posting) -> str:
    """The length of a placement: “6 weeks”, “3 months”."""
    days = (posting.end_date - posting.start_date).days
    if days < 14:
        return _plural(max(days, 1), "day")
    if days < 98:
        return _plural(round(days / 7), "week")
    return _plural(round(days / 30.4), "month")


@register.filter
def pay_words(posting) -> str:
    """“Unpaid”, “Paid”, or “$18 per hour” / “$1,200 for the placement”."""
    if not posting.is_paid:
        return "Unpaid"
    amount = posting.stipend_amount
    if amount is None:
        return "Paid"
    amount = Decimal(amount)
    text = intcomma(int(amount)) if amount == amount.to_integral() else intcomma(f"{amount:.2f}")
    period = posting.get_stipend_period_display() if posting.stipend_period else ""
    return f"${text} {period}".strip()


@register.filter
def slots_words(posting) -> str:
    """“2 of 3 places left”, “1 place”, “Full”."""
    left = getattr(posting, "slots_left", None)
    if left is None:
        return _plural(posting.slots, "place")
    if left <= 0:
        return "All places taken"
    if left == posting.slots:
        return _plural(posting.slots, "place")
    return f"{left} of {posting.slots} places left"


@register.filter
def elided_pages(paginator, number):
    """Page numbers around `number` with ellipses: 1 … 4 5 6 … 20."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.simple_tag
def filter_options(field):
    """The <option>s of a filter's select, the current value selected. Built here in one
    pass: the listing renders six selects (one with 53 states) on every request."""
    current = field.value()
    current = "" if current is None else str(current)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if str(value) == current else "", label) for value, label in field.field.choices),
    )


# --- Pieces the listing repeats: built in Python, one call instead of dozens of nodes. ---
def _day(value: dt.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


@register.simple_tag
def posting_facts(posting):
    """The facts line of a posting card: start and length, hours, pay, places, deadline."""
    deadline = posting.application_deadline
    items = format_html_join(
        "",
        '<li class="list-inline-item">{}</li>',
        (
            (f"Starts {_day(posting.start_date)} · {duration_words(posting)}",),
            (f"{posting.hours_per_week} hours a week",),
            (pay_words(posting),),
            (slots_words(posting),),
        ),
    )
    return format_html(
        '<ul class="posting-facts list-inline small mb-0">{}<li class="list-inline-item{}">'
        '<time datetime="{}" title="Application deadline {}">{}</time></li></ul>',
        items,
        " text-danger fw-semibold" if closes_soon(deadline) else "",
        deadline.isoformat(),
        _day(deadline),
        capfirst(closes_words(deadline)),
    )


@register.simple_tag
def specialty_badges(posting):
    return format_html_join(
        " ",
        '<span class="badge rounded-pill text-bg-light border">{}</span>',
        ((specialty.name,) for specialty in posting.specialties.all()),
    )


@register.simple_tag
def discipline_facet_options(facets):
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({})</option>',
        ((f.slug, SELECTED if f.selected else "", f.name, f.count_text) for f in facets),
    )


@register.simple_tag
def specialty_facet_checkboxes(facets):
    return format_html_join(
        "",
        '<div class="form-check"><input class="form-check-input" type="checkbox" name="specialty" value="{0}" '
        'id="specialty-{0}"{1}><label class="form-check-label d-flex justify-content-between gap-2" '
        'for="specialty-{0}"><span>{2}</span><span class="text-body-secondary small">{3}'
        '<span class="visually-hidden"> posting{4}</span></span></label></div>',
        ((f.slug, CHECKED if f.selected else "", f.name, f.count_text, "" if f.count == 1 else "s") for f in facets),
    )


_SAVE_BUTTON = "placements/partials/_posting_save_button.html"


@register.simple_tag(takes_context=True)
def posting_card(context, posting):
    """A whole posting card (a listing page shows 20 to 100): built in one pass instead of
    an include of some forty nodes per card. The save button, which needs the request and
    the CSRF token, stays a template (rendered for students only)."""
    site = posting.site
    if site.verified:
        site_html = format_html(
            '<a class="link-secondary" href="{}">{}</a>', reverse("placements:site-detail", args=[site.slug]), site.name
        )
    else:
        site_html = conditional_escape(site.name)
    save = context.template.engine.get_template(_SAVE_BUTTON).render(context) if context.get("can_save") else ""
    return format_html(
        '<article class="card posting-card mb-3" aria-labelledby="posting-{0}-title">\n'
        '  <div class="card-body">\n'
        '    <div class="d-flex justify-content-between align-items-start gap-2">\n'
        '      <div class="min-w-0">\n'
        '        <h3 class="h5 mb-1" id="posting-{0}-title"><a href="{1}">{2}</a></h3>\n'
        '        <p class="mb-2 small text-body-secondary">\n'
        "          {3}\n"
        "          · {4}, {5} · {6} · {7}\n"
        "        </p>\n"
        "      </div>\n"
        "      {8}\n"
        "    </div>\n"
        '    <p class="mb-2">\n'
        '      <span class="badge bg-brand">{9}</span>\n'
        "      {10}\n"
        "    </p>\n"
        "    {11}\n"
        "  </div>\n"
        "</article>\n",
        posting.pk,
        reverse("placements:posting-detail", args=[posting.pk]),
        posting.title,
        site_html,
        posting.city,
        posting.state,
        posting.get_kind_display(),
        posting.get_work_mode_display(),
        save,
        posting.discipline.name,
        specialty_badges(posting),
        posting_facts(posting),
    )

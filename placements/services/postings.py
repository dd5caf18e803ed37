"""Writes of postings: create, edit, duplicate and every status move.

The status moves follow POSTING_MOVES (placements/models.py):
draft -> published -> closed -> archived, plus two more a site needs:
- closed -> published ("reopen"), only while the application deadline is still ahead
  (a posting whose deadline has passed would close again at the next scan; the site
  edits the deadline first, then reopens);
- draft -> archived, to put away a draft nobody will publish.
An archived posting is final; duplicating it is how a site reuses it.

Each move is one conditional UPDATE (`WHERE status = <from>`), so two people acting on
one posting at once, or a person and the deadline scan, cannot both win: the loser
changes nothing and is told the posting changed meanwhile.

After every write that touches the keyword index inputs (create, edit, duplicate,
publish) `posting_search_refresh` runs; publishing enqueues the match fan-out after
commit.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Discipline, Role, Site, Specialty, User
from placements.models import POSTING_EDITABLE, POSTING_MOVES, Application, Posting
from placements.services.search import posting_search_refresh
from placements.services.transitions import seats_taken

# Bounds a coordinator would expect; the form shows them as field messages.
MAX_SLOTS = 50
MIN_HOURS_PER_WEEK = 1
MAX_HOURS_PER_WEEK = 60
MIN_DURATION_DAYS = 7
MAX_DURATION_DAYS = 548  # about 18 months
MAX_STIPEND = Decimal("100000")

# The fields a site edits; everything else (status, dates of moves, author) is the
# services' business.
CONTENT_FIELDS = (
    "title",
    "kind",
    "discipline",
    "description",
    "duties",
    "learning_objectives",
    "requirements",
    "city",
    "state",
    "work_mode",
    "start_date",
    "end_date",
    "hours_per_week",
    "slots",
    "is_paid",
    "stipend_amount",
    "stipend_period",
    "application_deadline",
    "mentor",
)


class PostingRefused(Exception):
    """A change the rules do not allow now. `str(exc)` is a sentence for the person."""


# --- Validation -----------------------------------------------------------------------
def posting_field_errors(
    *, values: dict[str, Any], site: Site, today: dt.date | None = None, deadline_changed: bool = True
) -> dict[str, str]:
    """The rules on a posting's fields, as {field: message}; empty when all is well.

    One place for them: PostingForm shows these next to its fields and the services
    refuse to write anything that breaks them. `deadline_changed=False` lets an edit
    keep an old deadline that has passed (editing the description of a closed posting).
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    start, end = values.get("start_date"), values.get("end_date")
    deadline = values.get("application_deadline")
    if start and end:
        if end <= start:
            errors["end_date"] = "The end date must be after the start date."
        elif (end - start).days < MIN_DURATION_DAYS:
            errors["end_date"] = "A placement lasts at least a week: move the end date later."
        elif (end - start).days > MAX_DURATION_DAYS:
            errors["end_date"] = "A placement lasts at most 18 months: move the end date earlier."
    if deadline:
        if start and deadline >= start:
            errors["application_deadline"] = "The application deadline must be before the start date."
        elif deadline_changed and deadline < today:
            errors["application_deadline"] = "The application deadline cannot be in the past."
    slots = values.get("slots")
    if slots is not None and not 1 <= slots <= MAX_SLOTS:
        errors["slots"] = f"Offer between 1 and {MAX_SLOTS} slots."
    hours = values.get("hours_per_week")
    if hours is not None and not MIN_HOURS_PER_WEEK <= hours <= MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = f"Hours per week must be between {MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}."
    amount, period = values.get("stipend_amount"), values.get("stipend_period")
    if values.get("is_paid"):
        if amount is None:
            errors["stipend_amount"] = "A paid posting needs the stipend amount."
        elif amount <= 0:
            errors["stipend_amount"] = "The stipend must be more than zero."
        elif amount > MAX_STIPEND:
            errors["stipend_amount"] = "That stipend looks too large: check the amount."
        if not period:
            errors["stipend_period"] = "Say whether the stipend is per hour, week, month or for the placement."
    else:
        if amount is not None:
            errors["stipend_amount"] = "An unpaid posting has no stipend: tick “Paid” or clear the amount."
        if period:
            errors["stipend_period"] = "An unpaid posting has no stipend period: tick “Paid” or clear it."
    discipline: Discipline | None = values.get("discipline")
    specialties = values.get("specialties")
    if specialties is not None:
        specialties = list(specialties)
        if not specialties:
            errors["specialties"] = "Choose at least one specialty."
        elif discipline is not None:
            # The taxonomy says which disciplines practise a specialty.
            allowed = set(discipline.specialties.values_list("pk", flat=True))
            wrong = sorted(s.name for s in specialties if s.pk not in allowed)
            if wrong:
                errors["specialties"] = f"Not a specialty of {discipline.name}: {', '.join(wrong)}."
    mentor: User | None = values.get("mentor")
    if mentor is not None and (mentor.role != Role.MENTOR or mentor.site_id != site.pk):
        errors["mentor"] = "Choose a mentor of your own site."
    for name in ("title", "description", "duties", "learning_objectives"):
        if name in values and not (values.get(name) or "").strip():
            errors[name] = "This field is required."
    return errors


def _raise_if_invalid(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})


# --- Create and edit ------------------------------------------------------------------
def posting_create(
    *,
    site: Site,
    actor: User | None,
    title: str,
    kind: str,
    discipline: Discipline,
    specialties: Iterable[Specialty],
    description: str,
    duties: str,
    learning_objectives: str,
    start_date: dt.date,
    end_date: dt.date,
    hours_per_week: int,
    slots: int,
    application_deadline: dt.date,
    requirements: str = "",
    city: str = "",
    state: str = "",
    work_mode: str = Posting.WorkMode.ONSITE,
    is_paid: bool = False,
    stipend_amount: Decimal | None = None,
    stipend_period: str = "",
    mentor: User | None = None,
) -> Posting:
    """A new draft of `site`. City and state default to the site's. Raises
    ValidationError ({field: [message]}) when a rule is broken; nothing is written then."""
    specialties = list(specialties)
    values = {
        "title": title.strip(),
        "kind": kind,
        "discipline": discipline,
        "specialties": specialties,
        "description": description,
        "duties": duties,
        "learning_objectives": learning_objectives,
        "requirements": requirements,
        "city": (city or "").strip() or site.city,
        "state": state or site.state,
        "work_mode": work_mode,
        "start_date": start_date,
        "end_date": end_date,
        "hours_per_week": hours_per_week,
        "slots": slots,
        "is_paid": is_paid,
        "stipend_amount": stipend_amount if is_paid else None,
        "stipend_period": stipend_period if is_paid else "",
        "application_deadline": application_deadline,
        "mentor": mentor,
    }
    _raise_if_invalid(posting_field_errors(values=values, site=site))
    values.pop("specialties")
    with transaction.atomic():
        posting = Posting.objects.create(site=site, created_by=actor, status=Posting.Status.DRAFT, **values)
        posting.specialties.set(specialties)
        posting_search_refresh(posting_ids=[posting.pk])
    return posting


def posting_update(*, posting: Posting, actor: User | None, data: dict[str, Any]) -> Posting:
    """Change the content of a draft, published or closed posting.

    `data` holds any of CONTENT_FIELDS and "specialties". Refused (PostingRefused) for an
    archived posting, for fewer slots than seats already offered or filled, and for a
    new discipline once someone has applied. Raises ValidationError for broken field rules.
    """
    unknown = set(data) - set(CONTENT_FIELDS) - {"specialties"}
    if unknown:
        raise ValueError(f"posting_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        # Lock the posting row: an offer takes a seat under this same lock
        # (application_transition), so lowering the slots cannot race an offer into
        # more seats taken than slots.
        locked = Posting.objects.select_for_update().select_related("site").get(pk=posting.pk)
        if locked.status not in POSTING_EDITABLE:
            raise PostingRefused(f"An {locked.get_status_display().lower()} posting cannot be edited.")
        values = {name: getattr(locked, name) for name in CONTENT_FIELDS}
        values.update(data)
        if values.get("is_paid") is False:
            values["stipend_amount"], values["stipend_period"] = None, ""
        values["title"] = (values.get("title") or "").strip()
        values["city"] = (values.get("city") or "").strip() or locked.site.city
        values["state"] = values.get("state") or locked.site.state
        specialties = list(data["specialties"]) if "specialties" in data else list(locked.specialties.all())
        check = {**values, "specialties": specialties}
        errors = posting_field_errors(
            values=check,
            site=locked.site,
            deadline_changed=values["application_deadline"] != locked.application_deadline,
        )
        _raise_if_invalid(errors)

        taken = seats_taken(locked.pk)
        if values["slots"] < taken:
            raise PostingRefused(
                f"{taken} slot{'s are' if taken != 1 else ' is'} already offered or filled: "
                f"the posting needs at least {taken} slot{'s' if taken != 1 else ''}."
            )
        if values["discipline"] != locked.discipline and Application.objects.filter(posting=locked).exists():
            raise PostingRefused("Students have already applied, so the discipline can no longer change.")

        for name in CONTENT_FIELDS:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*CONTENT_FIELDS, "updated_at"])  # never the status: moves own it
        if "specialties" in data:
            locked.specialties.set(specialties)
        posting_search_refresh(posting_ids=[locked.pk])
    return locked


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def posting_duplicate(*, posting: Posting, actor: User | None) -> Posting:
    """A new draft copying `posting` (any status), titled "… (copy)".

    When the original's application deadline is today or past, every date moves forward
    by whole years until the deadline is ahead again, so a summer internship copies as
    next summer's (same season, same length). The mentor is kept only if they are still
    a mentor of the site.
    """
    today = timezone.localdate()
    years = 0
    while _shift_years(posting.application_deadline, years) <= today:
        years += 1
    mentor = posting.mentor
    if mentor is not None and (mentor.role != Role.MENTOR or mentor.site_id != posting.site_id):
        mentor = None
    suffix = " (copy)"
    with transaction.atomic():
        copy = Posting.objects.create(
            site=posting.site,
            created_by=actor,
            status=Posting.Status.DRAFT,
            **{
                **{name: getattr(posting, name) for name in CONTENT_FIELDS},
                "title": posting.title[: 200 - len(suffix)] + suffix,
                "start_date": _shift_years(posting.start_date, years),
                "end_date": _shift_years(posting.end_date, years),
                "application_deadline": _shift_years(posting.application_deadline, years),
                "mentor": mentor,
            },
        )
        copy.specialties.set(posting.specialties.all())
        posting_search_refresh(posting_ids=[copy.pk])
    return copy


# --- Status moves ---------------------------------------------------------------------
def _move(*, posting: Posting, to_status: str, updates: dict[str, Any]) -> Posting:
    """Write one status move with a conditional UPDATE. The WHERE on the status the
    caller saw is the lock: if someone else (or the deadline scan) moved the posting
    first, no row matches and the person is told, instead of one move overwriting the
    other."""
    from_status = posting.status
    if (from_status, to_status) not in POSTING_MOVES:
        raise PostingRefused(_refusal(from_status, to_status))
    updates = {**updates, "status": to_status, "updated_at": timezone.now()}
    changed = Posting.objects.filter(pk=posting.pk, status=from_status).update(**updates)
    if not changed:
        current = Posting.objects.filter(pk=posting.pk).values_list("status", flat=True).first()
        label = Posting.Status(current).label.lower() if current else "deleted"
        raise PostingRefused(f"This posting changed while you were looking: it is now {label}. Nothing was changed.")
    for name, value in updates.items():
        setattr(posting, name, value)
    return posting


def _refusal(from_status: str, to_status: str) -> str:
    label = Posting.Status(from_status).label.lower()
    verb = {
        Posting.Status.PUBLISHED: "published",
        Posting.Status.CLOSED: "closed",
        Posting.Status.ARCHIVED: "archived",
        Posting.Status.DRAFT: "turned back into a draft",
    }[to_status]
    return f"A posting that is {label} cannot be {verb}."


def posting_publish(*, posting: Posting, actor: User | None) -> Posting:
    """Publish a draft, or reopen a closed posting whose deadline is still ahead.

    Only a verified site publishes. The fields are checked again (a draft may have aged:
    its deadline must not have passed). After commit the match fan-out is enqueued; it
    is idempotent per student, so a reopened posting does not notify anyone twice.
    """
    site = posting.site
    if not site.verified:
        raise PostingRefused(
            "Your site is waiting for verification by Practicum staff. You can prepare drafts now "
            "and publish them once the site is verified."
        )
    if posting.status not in (Posting.Status.DRAFT, Posting.Status.CLOSED):
        raise PostingRefused(_refusal(posting.status, Posting.Status.PUBLISHED))
    today = timezone.localdate()
    if posting.application_deadline < today:
        raise PostingRefused(
            "The application deadline has passed. Edit the posting to set a new deadline, then publish it."
        )
    values = {name: getattr(posting, name) for name in CONTENT_FIELDS}
    values["specialties"] = list(posting.specialties.all())
    errors = posting_field_errors(values=values, site=site, today=today)
    if errors:
        raise PostingRefused("Fix the posting before publishing it: " + " ".join(errors.values()))
    if posting.status == Posting.Status.CLOSED and seats_taken(posting.pk) >= posting.slots:
        raise PostingRefused("Every slot is already offered or filled: add slots before reopening the posting.")

    now = timezone.now()
    updates: dict[str, Any] = {"close_reason": "", "closed_at": None}
    if posting.published_at is None:
        updates["published_at"] = now
    with transaction.atomic():
        _move(posting=posting, to_status=Posting.Status.PUBLISHED, updates=updates)
        posting_search_refresh(posting_ids=[posting.pk])
        _fanout_on_commit(posting.pk)
    return posting


def _fanout_on_commit(posting_id: int) -> None:
    from placements.tasks import posting_match_fanout_task

    # After commit: a rolled-back publish notifies no one, and the worker sees the row.
    transaction.on_commit(lambda: posting_match_fanout_task.delay(posting_id))


def posting_close(*, posting: Posting, actor: User | None, reason: str = Posting.CloseReason.MANUAL) -> Posting:
    """Close a published posting: no new applications. `reason` is one of
    Posting.CloseReason (by hand: "manual" or "filled"; the deadline scan: "deadline")."""
    if reason not in Posting.CloseReason.values:
        raise PostingRefused("Choose why the posting closes.")
    return _move(
        posting=posting,
        to_status=Posting.Status.CLOSED,
        updates={"close_reason": reason, "closed_at": timezone.now()},
    )


def posting_archive(*, posting: Posting, actor: User | None) -> Posting:
    """Put away a closed posting, or a draft that will not be published. Final."""
    return _move(posting=posting, to_status=Posting.Status.ARCHIVED, updates={})


def postings_close_expired(*, today: dt.date | None = None) -> int:
    """Close every published posting whose application deadline has passed (the
    deadline day itself still accepts applications). Returns how many closed.

    One conditional UPDATE: a posting someone closes by hand at the same instant is
    simply not matched, and a second run finds nothing to do.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    return Posting.objects.filter(status=Posting.Status.PUBLISHED, application_deadline__lt=today).update(
        status=Posting.Status.CLOSED,
        close_reason=Posting.CloseReason.DEADLINE,
        closed_at=now,
        updated_at=now,
    )

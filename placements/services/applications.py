"""Applications from the student's and the site's side: apply, review, offer, answer.

Every status change goes through `application_transition` (services/transitions.py),
which checks the transitions table, holds the capacity rule under a posting row lock and
records the event. The functions here add the rules of each move (an offer's deadline,
the overlap of accepted placements, the apply conditions) and the bulk actions.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename

from accounts.models import Role, StudentProfile, User
from placements.models import Application, ApplicationNote, Posting
from placements.permissions import application_apply_refusal
from placements.services.transitions import (
    TransitionRefused,
    TransitionResult,
    application_event_create_initial,
    application_transition,
    seats_taken,
)

S = Application.Status
# The statuses in which the site still has to decide: "reject all remaining" ends these.
UNDECIDED = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED})
# The statuses in which a student holds a placement: a second overlapping one is refused.
PLACED = frozenset({S.ACCEPTED, S.APPROVED})
# What site staff may do to several applications at once.
BULK_MOVES = {S.UNDER_REVIEW: "moved to review", S.SHORTLISTED: "shortlisted", S.REJECTED: "rejected"}
DEFAULT_OFFER_DAYS = 7
OFFER_DEADLINE_HOUR = 17


class ApplicationRefused(TransitionRefused):
    """An application that cannot be made; `str(exc)` is a sentence for the student."""


class AlreadyApplied(ApplicationRefused):
    def __init__(self, application: Application):
        self.application = application
        when = date_format(timezone.localtime(application.submitted_at), "F j, Y")
        super().__init__(f"You already applied on {when}.")


# --- Apply and withdraw ---------------------------------------------------------------
def application_submit(*, student: User, posting: Posting, cover_letter: str, resume_upload=None) -> Application:
    """Apply to `posting` as `student` with `cover_letter` and either `resume_upload` (a
    PDF already checked with accounts.validators.validate_pdf) or the profile resume.

    The resume is copied into the application, so a later profile change does not alter
    what the site sees. Raises AlreadyApplied (with the existing application) for a second
    attempt, also when two submits race; ApplicationRefused for every other refusal.
    """
    existing = Application.objects.filter(posting=posting, student_id=student.pk).first()
    if existing is not None:
        raise AlreadyApplied(existing)
    refusal = application_apply_refusal(student, posting)
    if refusal:
        raise ApplicationRefused(refusal)
    cover_letter = (cover_letter or "").strip()
    if not cover_letter:
        raise ApplicationRefused("Write a short cover letter: sites read it first.")

    application = Application(posting=posting, student=student, cover_letter=cover_letter)
    if resume_upload is not None:
        original = PurePosixPath(resume_upload.name or "resume.pdf").name
        resume_upload.seek(0)
        application.resume.save(original, ContentFile(resume_upload.read()), save=False)
        application.resume_name = _download_name(original)
    else:
        profile = StudentProfile.objects.filter(user=student).first()
        if profile is None or not profile.resume:
            raise ApplicationRefused(
                "You have no resume yet: upload a PDF with this application or add one to your profile."
            )
        with profile.resume.open("rb") as source:
            application.resume.save("resume.pdf", ContentFile(source.read()), save=False)
        application.resume_name = _download_name(f"{student.display_name} resume.pdf")

    try:
        with transaction.atomic():
            application.save()
            application_event_create_initial(application=application, actor=student)
    except IntegrityError:
        # The unique constraint caught a double submit or a second tab that passed the
        # check above at the same time as this one: keep the first, drop this copy.
        application.resume.delete(save=False)
        existing = Application.objects.filter(posting=posting, student=student).first()
        if existing is None:
            raise
        raise AlreadyApplied(existing) from None
    except Exception:
        application.resume.delete(save=False)
        raise
    return application


def _download_name(name: str) -> str:
    stem = PurePosixPath(name).stem[:150] or "resume"
    return get_valid_filename(f"{stem}.pdf")


def application_withdraw(
    *, application_id: int, student: User, reason: str = "", expected_from: str | None = None
) -> TransitionResult:
    return application_transition(
        application_id=application_id,
        actor=student,
        to_status=S.WITHDRAWN,
        reason=reason.strip(),
        expected_from=expected_from,
    )


# --- Site review ----------------------------------------------------------------------
def application_review(*, application_id: int, actor: User, expected_from: str | None = None) -> TransitionResult:
    return application_transition(
        application_id=application_id, actor=actor, to_status=S.UNDER_REVIEW, expected_from=expected_from
    )


def application_shortlist(*, application_id: int, actor: User, expected_from: str | None = None) -> TransitionResult:
    return application_transition(
        application_id=application_id, actor=actor, to_status=S.SHORTLISTED, expected_from=expected_from
    )


def application_reject(
    *, application_id: int, actor: User, reason: str, expected_from: str | None = None
) -> TransitionResult:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused("Give the student a reason: they see it with the decision.")
    return application_transition(
        application_id=application_id,
        actor=actor,
        to_status=S.REJECTED,
        reason=reason,
        expected_from=expected_from,
        updates={"decision_reason": reason},
    )


def offer_deadline_start_limit(posting: Posting) -> dt.datetime:
    """The first instant of the posting's start date, in the site's (project's) zone: an
    offer must be answered before the placement begins."""
    return timezone.make_aware(dt.datetime.combine(posting.start_date, dt.time.min))


def offer_deadline_problem(*, posting: Posting, expires_at: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """Why `expires_at` cannot be an offer's response deadline, or None when it can."""
    now = now or timezone.now()
    if expires_at <= now:
        return "The response deadline must be in the future."
    start = offer_deadline_start_limit(posting)
    if expires_at >= start:
        when = date_format(posting.start_date, "F j, Y")
        return f"The response deadline must be before the placement starts on {when}."
    return None


def offer_default_deadline(*, posting: Posting, now: dt.datetime | None = None) -> dt.datetime | None:
    """A week from now at 5 pm, or 5 pm the day before the start when that comes first;
    None when no deadline before the start is left."""
    now = timezone.localtime(now or timezone.now())
    candidate = (now + dt.timedelta(days=DEFAULT_OFFER_DAYS)).replace(
        hour=OFFER_DEADLINE_HOUR, minute=0, second=0, microsecond=0
    )
    start = offer_deadline_start_limit(posting)
    if candidate >= start:
        candidate = timezone.localtime(start) - dt.timedelta(hours=24 - OFFER_DEADLINE_HOUR)
    if offer_deadline_problem(posting=posting, expires_at=candidate, now=now):
        return None
    return candidate


def application_offer(
    *, application_id: int, actor: User, expires_at: dt.datetime, expected_from: str | None = None
) -> TransitionResult:
    """Offer a place with a response deadline. Raises CapacityReached when every slot is
    already offered or filled (checked under the posting row lock by the transition)."""
    posting = Posting.objects.only("start_date", "title").get(applications__pk=application_id)
    problem = offer_deadline_problem(posting=posting, expires_at=expires_at)
    if problem:
        raise TransitionRefused(problem)
    return application_transition(
        application_id=application_id,
        actor=actor,
        to_status=S.OFFERED,
        expected_from=expected_from,
        updates={"offer_expires_at": expires_at},
    )


def application_note_create(*, application: Application, author: User, body: str) -> ApplicationNote:
    """An internal note by the site's staff; students never see it."""
    body = (body or "").strip()
    if not body:
        raise TransitionRefused("Write something in the note first.")
    if author.role != Role.SITE_STAFF or author.site_id != application.posting.site_id:
        raise TransitionRefused("Only this site's staff can keep notes on its applications.")
    return ApplicationNote.objects.create(application=application, author=author, body=body)


# --- Bulk actions ---------------------------------------------------------------------
@dataclass
class BulkResult:
    verb: str
    done: list[int] = field(default_factory=list)
    # (application id, current status, whether it changed since the person looked)
    skipped: list[tuple[int, str, bool]] = field(default_factory=list)

    def summary(self) -> str:
        """For example "3 rejected, 1 skipped because it was withdrawn meanwhile."."""
        parts = [f"{len(self.done)} {self.verb}"]
        groups = Counter((status, stale) for _pk, status, stale in self.skipped)
        for (status, stale), count in sorted(groups.items()):
            label = S(status).label.lower()
            it = "it was" if count == 1 else "they were"
            is_ = "it is" if count == 1 else "they are"
            why = f"because {it} {label} meanwhile" if stale else f"because {is_} already {label}"
            parts.append(f"{count} skipped {why}")
        return ", ".join(parts) + "."


def applications_bulk_move(
    *, posting: Posting, actor: User, to_status: str, items: list[tuple[int, str | None]], reason: str = ""
) -> BulkResult:
    """Move each application in `items` ((id, status the person saw)) of `posting` to
    `to_status`, one transition each: one that changed meanwhile or cannot make the move
    is skipped and reported, the others go ahead."""
    if to_status not in BULK_MOVES:
        raise TransitionRefused("Choose review, shortlist or reject.")
    reason = (reason or "").strip()
    if to_status == S.REJECTED and not reason:
        raise TransitionRefused("Give the students a reason: they see it with the decision.")
    if not items:
        raise TransitionRefused("Select at least one application.")
    ids = [pk for pk, _seen in items]
    own = set(Application.objects.filter(posting=posting, pk__in=ids).values_list("pk", flat=True))
    result = BulkResult(verb=BULK_MOVES[to_status])
    for pk, seen in items:
        if pk not in own:
            continue
        try:
            application_transition(
                application_id=pk,
                actor=actor,
                to_status=to_status,
                reason=reason if to_status == S.REJECTED else "",
                expected_from=seen,
                updates={"decision_reason": reason} if to_status == S.REJECTED else None,
            )
        except TransitionRefused:
            current = Application.objects.values_list("status", flat=True).get(pk=pk)
            result.skipped.append((pk, current, seen is not None and current != seen))
        else:
            result.done.append(pk)
    return result


def applications_reject_remaining(*, posting: Posting, actor: User, reason: str) -> BulkResult:
    """Once every slot is offered or filled, turn down everyone still waiting for a decision."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused("Give the students a reason: they see it with the decision.")
    if actor.role != Role.SITE_STAFF or actor.site_id != posting.site_id:
        raise TransitionRefused("Only this site's staff can decide on its applications.")
    taken = seats_taken(posting.pk)
    if taken < posting.slots:
        free = posting.slots - taken
        raise TransitionRefused(
            f"{free} of {posting.slots} slot{'s' if posting.slots != 1 else ''} still open: "
            "make your offers first, then reject the remaining applications."
        )
    items = list(Application.objects.filter(posting=posting, status__in=UNDECIDED).values_list("pk", "status"))
    if not items:
        raise TransitionRefused("No application is waiting for a decision.")
    return applications_bulk_move(posting=posting, actor=actor, to_status=S.REJECTED, items=items, reason=reason)


# --- The student's answer -------------------------------------------------------------
def _date_span(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        return f"{date_format(start, 'M j')} – {date_format(end, 'M j, Y')}"
    return f"{date_format(start, 'M j, Y')} – {date_format(end, 'M j, Y')}"


def application_accept(*, application_id: int, student: User, expected_from: str | None = None) -> TransitionResult:
    """Accept an offer before its deadline, unless it overlaps a placement the student
    already accepted (or had approved)."""
    with transaction.atomic():
        # Lock the student's row first: two offers accepted at the same instant (two tabs,
        # or a double click on two pages) take turns here, so the second sees the first
        # acceptance and is refused. Lock order student -> application -> posting; no other
        # move locks the student row after an application. FOR NO KEY UPDATE, not FOR
        # UPDATE: every event row a concurrent move inserts references the student (its
        # actor), and that foreign-key check takes FOR KEY SHARE on the same row, which
        # FOR UPDATE would block while this waits for that move's application lock — a
        # deadlock the concurrency test found (accept vs. withdraw of one offer).
        User.objects.select_for_update(no_key=True).only("pk").get(pk=student.pk)
        application = Application.objects.select_related("posting").get(pk=application_id)
        expires_at = application.offer_expires_at
        if application.status == S.OFFERED and expires_at is not None and expires_at <= timezone.now():
            when = date_format(timezone.localtime(expires_at), "F j, Y, P")
            raise TransitionRefused(f"This offer expired on {when}: it can no longer be accepted.")
        posting = application.posting
        clash = (
            Application.objects.filter(
                student_id=student.pk,
                status__in=PLACED,
                posting__start_date__lte=posting.end_date,
                posting__end_date__gte=posting.start_date,
            )
            .exclude(pk=application.pk)
            .select_related("posting__site")
            .first()
        )
        if clash is not None:
            other = clash.posting
            raise TransitionRefused(
                f"This overlaps your accepted placement “{other.title}” at {other.site.name}, "
                f"{_date_span(other.start_date, other.end_date)}. Withdraw from that one first if you "
                "want this one instead. Nothing was changed."
            )
        return application_transition(
            application_id=application_id, actor=student, to_status=S.ACCEPTED, expected_from=expected_from
        )


def application_decline(
    *, application_id: int, student: User, reason: str = "", expected_from: str | None = None
) -> TransitionResult:
    return application_transition(
        application_id=application_id,
        actor=student,
        to_status=S.DECLINED,
        reason=(reason or "").strip(),
        expected_from=expected_from,
    )


# --- Periodic -------------------------------------------------------------------------
def applications_expire_offers(*, now: dt.datetime | None = None) -> int:
    """Expire every offer whose response deadline has passed; returns how many. Safe to
    run twice or in two workers at once: each move expects `offered` under the row lock,
    so an offer accepted, declined or already expired meanwhile is left alone."""
    now = now or timezone.now()
    due = list(
        Application.objects.filter(status=S.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        try:
            application_transition(
                application_id=pk,
                actor=None,
                to_status=S.EXPIRED,
                expected_from=S.OFFERED,
                reason="The offer was not answered by its response deadline.",
            )
        except TransitionRefused:
            continue
        expired += 1
    return expired

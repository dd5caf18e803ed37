"""Every read behind the dashboards, the coordinator's approval queue and the placements
export. Each function runs a fixed number of queries whatever the number of rows (the
tests pin the counts), and filters by the organization of the person asking, so no
list or count can include another school's or site's data.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role, School, Site, User
from placements.models import HOLDS_SEAT, AffiliationAgreement, Application, ApplicationEvent, Posting
from placements.selectors.agreements import Coverage, agreements_expiring, coverage_for

S = Application.Status
TOP = 5  # items shown per dashboard list before "see all"
STUDENTS_PER_PAGE = 25

# "Most advanced" for the coordinator's table: the lifecycle order; an application that
# ended (withdrawn, rejected, ...) counts only when the student has nothing better.
_PROGRESS = {
    S.COMPLETED: 20,
    S.APPROVED: 19,
    S.ACCEPTED: 18,
    S.OFFERED: 17,
    S.SHORTLISTED: 16,
    S.UNDER_REVIEW: 15,
    S.SUBMITTED: 14,
    S.CANCELLED: 5,
    S.DENIED: 4,
    S.DECLINED: 3,
    S.EXPIRED: 2,
    S.REJECTED: 1,
    S.WITHDRAWN: 0,
}
# Bootstrap badge classes per status, so every page colours a status the same way.
STATUS_BADGE = {
    S.SUBMITTED: "text-bg-secondary",
    S.UNDER_REVIEW: "text-bg-info",
    S.SHORTLISTED: "text-bg-info",
    S.OFFERED: "text-bg-warning",
    S.ACCEPTED: "text-bg-primary",
    S.APPROVED: "text-bg-success",
    S.COMPLETED: "text-bg-dark",
    S.WITHDRAWN: "text-bg-light border",
    S.REJECTED: "text-bg-light border",
    S.DECLINED: "text-bg-light border",
    S.EXPIRED: "text-bg-light border",
    S.DENIED: "text-bg-danger",
    S.CANCELLED: "text-bg-danger",
}
EXPORT_STATUSES = (S.ACCEPTED, S.APPROVED, S.COMPLETED)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def respond_phrase(expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """ "respond within 2 days" for an offer's deadline (rounded down, never overstated)."""
    if expires_at is None:
        return "no response deadline"
    left = expires_at - now
    if left.total_seconds() <= 0:
        return "the response deadline has passed"
    hours = int(left.total_seconds() // 3600)
    if hours < 1:
        return "respond within the hour"
    if hours < 24:
        return f"respond within {hours} hour{'s' if hours != 1 else ''}"
    return f"respond within {_days(left.days)}"


def dates_phrase(start: dt.date, end: dt.date, today: dt.date) -> str:
    """ "starts in 12 days", "started 5 days ago, ends in 30 days", "ended 3 days ago"."""
    if start > today:
        days = (start - today).days
        return "starts tomorrow" if days == 1 else f"starts in {_days(days)}"
    if end >= today:
        left = (end - today).days
        ends = "ends today" if left == 0 else f"ends in {_days(left)}"
        return f"under way, {ends}"
    return f"ended {_days((today - end).days)} ago"


def _badge(application: Application) -> Application:
    application.badge_class = STATUS_BADGE.get(application.status, "text-bg-secondary")
    return application


# --- Student --------------------------------------------------------------------------
@dataclass
class StudentDashboard:
    counts: list[dict]  # [{"status", "label", "count", "badge_class"}] in lifecycle order
    total: int
    offers: list[Application]
    placements: list[Application]
    in_progress: list[Application]
    in_progress_count: int
    decisions: list[Application]


def student_dashboard(*, student: User) -> StudentDashboard:
    now = timezone.now()
    today = timezone.localdate()
    mine = Application.objects.filter(student=student)
    by_status = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    counts = [
        {"status": status, "label": S(status).label, "count": by_status[status], "badge_class": STATUS_BADGE[status]}
        for status in sorted(by_status, key=lambda s: -_PROGRESS.get(s, -1))
    ]
    rows = mine.select_related("posting__site")
    offers = list(rows.filter(status=S.OFFERED).order_by("offer_expires_at", "pk"))
    for offer in offers:
        offer.offer_overdue = offer.offer_expires_at is not None and offer.offer_expires_at <= now
        offer.respond_phrase = respond_phrase(offer.offer_expires_at, now)
    placements = list(
        rows.select_related("posting__mentor")
        .filter(status=S.APPROVED, posting__end_date__gte=today)
        .order_by("posting__start_date", "pk")
    )
    for placement in placements:
        placement.is_current = placement.posting.start_date <= today
        placement.dates_phrase = dates_phrase(placement.posting.start_date, placement.posting.end_date, today)
    in_progress_statuses = (S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.ACCEPTED)
    in_progress = [_badge(a) for a in rows.filter(status__in=in_progress_statuses).order_by("-status_changed_at")[:TOP]]
    decisions = [
        _badge(a)
        for a in rows.filter(
            status__in=(S.DENIED, S.CANCELLED, S.REJECTED, S.EXPIRED),
            status_changed_at__gte=now - dt.timedelta(days=30),
        ).order_by("-status_changed_at")[:TOP]
    ]
    return StudentDashboard(
        counts=counts,
        total=sum(by_status.values()),
        offers=offers,
        placements=placements,
        in_progress=in_progress,
        in_progress_count=sum(by_status.get(s, 0) for s in in_progress_statuses),
        decisions=decisions,
    )


# --- Site staff -----------------------------------------------------------------------
@dataclass
class SiteDashboard:
    new_applications: list[Application]
    new_count: int
    postings: list[Posting]
    offers: list[Application]
    awaiting_school: list[Application]
    placements: list[Application]


def site_dashboard(*, site_id: int) -> SiteDashboard:
    now = timezone.now()
    today = timezone.localdate()
    at_site = Application.objects.filter(posting__site_id=site_id).select_related("student__school", "posting")
    new = at_site.filter(status=S.SUBMITTED)
    postings = list(
        Posting.objects.filter(site_id=site_id, status=Posting.Status.PUBLISHED)
        .annotate(
            seats_taken=Count("applications", filter=Q(applications__status__in=HOLDS_SEAT)),
            new_count=Count("applications", filter=Q(applications__status=S.SUBMITTED)),
        )
        .order_by("application_deadline", "pk")
    )
    for posting in postings:
        posting.open_slots = max(posting.slots - posting.seats_taken, 0)
    offers = list(at_site.filter(status=S.OFFERED).order_by("offer_expires_at", "pk"))
    for offer in offers:
        offer.respond_phrase = respond_phrase(offer.offer_expires_at, now)
    placements = list(
        at_site.select_related("posting__mentor")
        .filter(status=S.APPROVED, posting__end_date__gte=today)
        .order_by("posting__start_date", "pk")
    )
    for placement in placements:
        placement.dates_phrase = dates_phrase(placement.posting.start_date, placement.posting.end_date, today)
    return SiteDashboard(
        new_applications=list(new.order_by("submitted_at", "pk")[:TOP]),
        new_count=new.count(),
        postings=postings,
        offers=offers,
        awaiting_school=list(at_site.filter(status=S.ACCEPTED).order_by("status_changed_at", "pk")),
        placements=placements,
    )


# --- Mentor ---------------------------------------------------------------------------
@dataclass
class MentorDashboard:
    current: list[Application]
    past: list[Application]


def mentor_dashboard(*, mentor: User) -> MentorDashboard:
    today = timezone.localdate()
    mine = Application.objects.filter(posting__mentor=mentor, posting__site_id=mentor.site_id).select_related(
        "posting", "student__school", "student__student_profile__program"
    )
    current = list(mine.filter(status=S.APPROVED, posting__end_date__gte=today).order_by("posting__start_date", "pk"))
    for placement in current:
        placement.is_current = placement.posting.start_date <= today
        placement.dates_phrase = dates_phrase(placement.posting.start_date, placement.posting.end_date, today)
    past = list(
        mine.filter(Q(status=S.COMPLETED) | Q(status=S.APPROVED, posting__end_date__lt=today)).order_by(
            "-posting__end_date", "pk"
        )[:TOP]
    )
    return MentorDashboard(current=current, past=past)


# --- Coordinator ----------------------------------------------------------------------
@dataclass
class ApprovalRow:
    application: Application
    coverage: Coverage
    offered_at: dt.datetime | None
    accepted_at: dt.datetime | None
    add_agreement_url: str = ""  # set by the view: where to record a missing agreement


def approvals_waiting(*, school_id: int) -> QuerySet:
    """Accepted offers of the school's students, the longest-waiting first."""
    decisions = ApplicationEvent.objects.filter(to_status__in=(S.OFFERED, S.ACCEPTED)).order_by("created_at", "pk")
    return (
        Application.objects.filter(status=S.ACCEPTED, student__school_id=school_id)
        .select_related("student__school", "student__student_profile__program", "posting__site", "posting__discipline")
        .prefetch_related(Prefetch("events", queryset=decisions, to_attr="decision_events"))
        .order_by("status_changed_at", "pk")
    )


def approval_rows(applications) -> list[ApprovalRow]:
    """Each waiting application with its agreement coverage and offer/accept dates."""
    applications = list(applications)
    coverage = coverage_for(applications)
    rows = []
    for application in applications:
        events = getattr(application, "decision_events", None)
        if events is None:
            events = list(application.events.filter(to_status__in=(S.OFFERED, S.ACCEPTED)).order_by("created_at", "pk"))
        offered = [e.created_at for e in events if e.to_status == S.OFFERED]
        accepted = [e.created_at for e in events if e.to_status == S.ACCEPTED]
        rows.append(
            ApprovalRow(
                application=application,
                coverage=coverage[application.pk],
                offered_at=offered[-1] if offered else None,
                accepted_at=accepted[-1]
                if accepted
                else (application.status_changed_at if application.status == S.ACCEPTED else None),
            )
        )
    return rows


@dataclass
class StudentRow:
    student: User
    program: str
    application: Application | None  # the most advanced one
    application_count: int


@dataclass
class CoordinatorDashboard:
    approvals: list[ApprovalRow]
    approvals_count: int
    students: Page
    student_rows: list[StudentRow]
    placed_count: int
    expiring: list[AffiliationAgreement]
    export_count: int


def coordinator_dashboard(*, school_id: int, page: str | int | None = 1) -> CoordinatorDashboard:
    waiting = approvals_waiting(school_id=school_id)
    students = (
        User.objects.filter(role=Role.STUDENT, school_id=school_id)
        .select_related("student_profile__program")
        .order_by("last_name", "first_name", "email", "pk")
    )
    student_page = Paginator(students, STUDENTS_PER_PAGE).get_page(page)
    on_page = list(student_page.object_list)
    applications: dict[int, list[Application]] = {}
    for application in (
        Application.objects.filter(student_id__in=[s.pk for s in on_page])
        .select_related("posting__site")
        .order_by("-status_changed_at", "pk")
    ):
        applications.setdefault(application.student_id, []).append(application)
    student_rows = []
    for student in on_page:
        theirs = applications.get(student.pk, [])
        best = max(theirs, key=lambda a: _PROGRESS.get(a.status, -1), default=None)
        profile = getattr(student, "student_profile", None)
        program = profile.program.name if profile is not None and profile.program is not None else ""
        student_rows.append(
            StudentRow(
                student=student,
                program=program,
                application=_badge(best) if best else None,
                application_count=len(theirs),
            )
        )
    school_apps = Application.objects.filter(student__school_id=school_id)
    summary = school_apps.aggregate(
        placed=Count("student", filter=Q(status__in=(S.APPROVED, S.COMPLETED)), distinct=True),
        exportable=Count("pk", filter=Q(status__in=EXPORT_STATUSES)),
    )
    return CoordinatorDashboard(
        approvals=approval_rows(waiting[:TOP]),
        approvals_count=waiting.count(),
        students=student_page,
        student_rows=student_rows,
        placed_count=summary["placed"],
        expiring=agreements_expiring(school_id=school_id),
        export_count=summary["exportable"],
    )


def placements_for_export(*, school_id: int) -> QuerySet:
    """The school's accepted, approved and completed placements as plain values, for the
    streaming CSV export (read with .iterator(), so memory stays flat)."""
    approved_at = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_status=S.APPROVED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        Application.objects.filter(student__school_id=school_id, status__in=EXPORT_STATUSES)
        .annotate(approved_at=Subquery(approved_at))
        .order_by("student__last_name", "student__first_name", "posting__start_date", "pk")
        .values_list(
            "student__first_name",
            "student__last_name",
            "student__email",
            "student__student_profile__program__name",
            "posting__title",
            "posting__site__name",
            "posting__start_date",
            "posting__end_date",
            "status",
            "approved_at",
        )
    )


# --- Platform staff -------------------------------------------------------------------
@dataclass
class StaffDashboard:
    schools_waiting: int
    sites_waiting: int


def staff_dashboard() -> StaffDashboard:
    return StaffDashboard(
        schools_waiting=School.objects.filter(verified=False).count(),
        sites_waiting=Site.objects.filter(verified=False).count(),
    )

"""Reads of applications; each owns its joins, so a page's query count does not grow with
its rows. Callers have already decided who may see what (placements.permissions)."""

import datetime as dt

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Specialty
from placements.models import FINAL, Application, ApplicationEvent, ApplicationNote, Posting

S = Application.Status

# The order in which a status reads naturally on a page: newest step first.
STATUS_ORDER = [
    S.OFFERED,
    S.ACCEPTED,
    S.APPROVED,
    S.SHORTLISTED,
    S.UNDER_REVIEW,
    S.SUBMITTED,
    S.COMPLETED,
    S.DECLINED,
    S.EXPIRED,
    S.REJECTED,
    S.WITHDRAWN,
    S.DENIED,
    S.CANCELLED,
]


def day_phrase(day: dt.date, *, today: dt.date | None = None) -> str:
    """A date in words relative to today: "today", "tomorrow", "in 5 days", "3 weeks ago"."""
    days = (day - (today or timezone.localdate())).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n < 14:
        amount = f"{n} days"
    elif n < 60:
        amount = f"{n // 7} weeks"
    else:
        amount = f"{round(n / 30.4)} months"
    return f"in {amount}" if days > 0 else f"{amount} ago"


def application_queryset() -> QuerySet[Application]:
    """One application with everything its page and the permission checks read."""
    return Application.objects.select_related(
        "posting",
        "posting__site",
        "posting__discipline",
        "posting__mentor",
        "student",
        "student__school",
        "student__student_profile",
        "student__student_profile__program",
        "student__student_profile__discipline",
    ).prefetch_related(Prefetch("student__student_profile__specialties", queryset=Specialty.objects.order_by("name")))


def application_events(*, application: Application) -> list[ApplicationEvent]:
    return list(
        ApplicationEvent.objects.filter(application=application).select_related("actor", "actor__site", "actor__school")
    )


def application_timeline(*, application: Application, viewer) -> list[dict]:
    """The application's events as the viewer may read them: who (name and role), when,
    from and to, and why. A student sees the site's moves signed by the site, not by the
    staff member: staff names are the site's business, the decision is the site's."""
    viewer_is_site = viewer.is_site_staff and viewer.site_id == application.posting.site_id
    rows = []
    for event in application_events(application=application):
        actor = event.actor
        if actor is None:
            who, role = "Practicum", "automatic"
        elif actor.pk == application.student_id:
            who, role = actor.display_name, "student"
        elif actor.role in ("site_staff", "mentor") and actor.site_id == application.posting.site_id:
            if viewer_is_site:
                who, role = actor.display_name, actor.get_role_display().lower()
            else:
                who, role = application.posting.site.name, "site"
        elif actor.role == "coordinator":
            school = actor.school.name if actor.school_id else ""
            who, role = actor.display_name, f"coordinator{', ' + school if school else ''}"
        else:
            who, role = "Practicum staff", "platform"
        rows.append(
            {
                "who": who,
                "role": role,
                "at": event.created_at,
                "from_label": S(event.from_status).label if event.from_status else "",
                "to_label": S(event.to_status).label,
                "to_status": event.to_status,
                "reason": event.reason,
            }
        )
    return rows


def application_notes(*, application: Application) -> list[ApplicationNote]:
    return list(ApplicationNote.objects.filter(application=application).select_related("author"))


def application_of_student(*, student, posting: Posting) -> Application | None:
    if not getattr(student, "is_authenticated", False) or not student.is_student:
        return None
    return Application.objects.filter(student=student, posting=posting).first()


def applications_for_student(*, student) -> list[Application]:
    """All of a student's applications, with the posting and site each row shows."""
    return list(
        Application.objects.filter(student=student)
        .select_related("posting", "posting__site")
        .order_by("-status_changed_at", "-pk")
    )


def applications_for_student_grouped(*, student) -> list[dict]:
    """The student's applications in groups a person acts on: offers waiting for an
    answer, placements, those in progress, and the closed ones."""
    rows = applications_for_student(student=student)
    today = timezone.localdate()
    for row in rows:
        row.start_phrase = day_phrase(row.posting.start_date, today=today)
    groups = [
        ("offers", "Offers waiting for your answer", {S.OFFERED}),
        ("placements", "Accepted and approved placements", {S.ACCEPTED, S.APPROVED, S.COMPLETED}),
        ("in_progress", "Waiting for the site", {S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED}),
        ("closed", "Closed", set(FINAL) - {S.COMPLETED}),
    ]
    result = []
    for key, title, statuses in groups:
        items = [row for row in rows if row.status in statuses]
        if key == "offers":
            items.sort(key=lambda a: (a.offer_expires_at is None, a.offer_expires_at))
        result.append({"key": key, "title": title, "applications": items})
    return result


def applications_for_posting(*, posting: Posting, status: str | None = None) -> list[Application]:
    """A posting's applicants with the profile summary each row shows."""
    qs = Application.objects.filter(posting=posting).select_related(
        "student", "student__school", "student__student_profile", "student__student_profile__program"
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("submitted_at", "pk"))


def application_status_counts(*, posting: Posting) -> dict[str, int]:
    counts = dict(
        Application.objects.filter(posting=posting)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return counts


def status_tabs(*, counts: dict[str, int], current: str | None) -> list[dict]:
    """The status filter of a list: "All" and every status that has applications."""
    total = sum(counts.values())
    tabs = [{"value": "", "label": "All", "count": total, "active": not current}]
    for status in STATUS_ORDER:
        if counts.get(status):
            tabs.append(
                {"value": status, "label": S(status).label, "count": counts[status], "active": current == status}
            )
    return tabs

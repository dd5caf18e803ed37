import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.selectors import organization_for, student_profile_missing
from placements.models import Application
from placements.permissions import can_manage_agreements
from placements.selectors.dashboards import (
    coordinator_dashboard,
    mentor_dashboard,
    placements_for_export,
    site_dashboard,
    staff_dashboard,
    student_dashboard,
)


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@require_GET
@login_required
def dashboard(request):
    user = request.user
    context = {"organization": organization_for(user)}
    if user.is_student:
        context["profile_missing"] = student_profile_missing(user)
        context["board"] = student_dashboard(student=user)
    elif user.is_site_staff and user.site_id:
        context["board"] = site_dashboard(site_id=user.site_id)
    elif user.is_mentor and user.site_id:
        context["board"] = mentor_dashboard(mentor=user)
    elif user.is_coordinator and user.school_id:
        context["board"] = coordinator_dashboard(school_id=user.school_id, page=request.GET.get("page"))
    elif user.is_platform_staff:
        context["board"] = staff_dashboard()
    return render(request, "placements/dashboard.html", context)


# --- The coordinator's CSV export -----------------------------------------------------
EXPORT_HEADER = [
    "Student first name",
    "Student last name",
    "Student email",
    "Program",
    "Posting",
    "Site",
    "Start date",
    "End date",
    "Status",
    "Approved on",
]
_STATUS_LABELS = dict(Application.Status.choices)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a stream."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    # A cell that starts like a formula runs as one in spreadsheet programs (CSV
    # injection); a leading apostrophe makes it plain text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _export_rows(school_id: int):
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for first, last, email, program, posting, site, start, end, status, approved_at in placements_for_export(
        school_id=school_id
    ).iterator(chunk_size=500):
        approved = timezone.localtime(approved_at).date().isoformat() if approved_at else ""
        yield writer.writerow(
            [
                _cell(first),
                _cell(last),
                _cell(email),
                _cell(program),
                _cell(posting),
                _cell(site),
                start.isoformat(),
                end.isoformat(),
                _STATUS_LABELS.get(status, status),
                approved,
            ]
        )


@require_GET
@login_required
def placements_export(request):
    """The school's accepted, approved and completed placements as CSV, streamed."""
    user = request.user
    if not can_manage_agreements(user):  # a school's coordinators only; nobody else
        raise Http404("No export here.")
    filename = f"placements-{slugify(user.school.name) or 'school'}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(_export_rows(user.school_id), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

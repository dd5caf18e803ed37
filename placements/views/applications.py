"""Applications: apply, the student's list, the application page, the site's review
(one and several at once), offers and the student's answer, internal notes, the resume.

Each view loads and authorises through placements.permissions, validates with a form,
calls one service and redirects with a message. A refused move (TransitionRefused) is a
message on the page, never an error page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.files import private_file_response
from accounts.models import Role, StudentProfile
from placements.forms import (
    ApplicantsBulkForm,
    ApplicationForm,
    ApplicationNoteForm,
    ApplicationOfferForm,
    ApplicationReasonForm,
    ApplicationRejectForm,
    ExpectedStatusForm,
    RejectRemainingForm,
)
from placements.models import Application
from placements.permissions import (
    application_apply_refusal,
    application_permissions,
    get_application_for,
    get_posting_applicants_for,
    get_posting_to_apply,
)
from placements.selectors.applications import (
    application_notes,
    application_of_student,
    application_status_counts,
    application_timeline,
    applications_for_posting,
    applications_for_student_grouped,
    day_phrase,
    status_tabs,
)
from placements.services import applications as services
from placements.services.transitions import CapacityReached, TransitionRefused, seats_taken

S = Application.Status


def _detail_url(application) -> str:
    return reverse("placements:application-detail", args=[application.pk])


def _back(request, default: str) -> str:
    """Where to go after an action: a safe `next` from the form, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _already_applied(request, application) -> None:
    when = date_format(timezone.localtime(application.submitted_at), "F j, Y")
    messages.warning(
        request,
        format_html(
            'You already applied on {}. <a href="{}">See your application</a>.', when, _detail_url(application)
        ),
    )


def _form_errors(form) -> str:
    """The errors of an action form as one sentence for a flash message."""
    errors = []
    for field_errors in form.errors.values():
        errors.extend(str(e) for e in field_errors)
    return " ".join(dict.fromkeys(errors))


# --- Apply ----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def application_create(request, posting_pk):
    posting = get_posting_to_apply(request.user, posting_pk)
    existing = application_of_student(student=request.user, posting=posting)
    if existing is not None:
        if request.method == "POST":
            _already_applied(request, existing)
            return redirect(_detail_url(existing))
        return render(request, "placements/application_form.html", {"posting": posting, "existing": existing})

    refusal = application_apply_refusal(request.user, posting)
    profile = StudentProfile.objects.filter(user=request.user).only("resume").first()
    has_profile_resume = bool(profile and profile.resume)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        has_profile_resume=has_profile_resume,
    )
    status = 200
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            status = 400
        elif form.is_valid():
            try:
                application = services.application_submit(
                    student=request.user,
                    posting=posting,
                    cover_letter=form.cleaned_data["cover_letter"],
                    resume_upload=form.resume_upload,
                )
            except services.AlreadyApplied as exc:
                _already_applied(request, exc.application)
                return redirect(_detail_url(exc.application))
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(
                    request, f"Your application to “{posting.title}” was sent. {posting.site.name} will review it."
                )
                return redirect(_detail_url(application))
        else:
            status = 400
    context = {
        "posting": posting,
        "form": form,
        "refusal": refusal,
        "has_profile_resume": has_profile_resume,
        "deadline_phrase": day_phrase(posting.application_deadline),
    }
    return render(request, "placements/application_form.html", context, status=status)


# --- The student's list ---------------------------------------------------------------
@login_required
@require_GET
def application_list_student(request):
    if not request.user.is_student:
        raise PermissionDenied("“My applications” is for students; your applications are on your dashboard.")
    groups = applications_for_student_grouped(student=request.user)
    total = sum(len(group["applications"]) for group in groups)
    return render(
        request,
        "placements/application_list_student.html",
        {"groups": groups, "total": total, "now": timezone.now()},
    )


# --- The application page -------------------------------------------------------------
def _render_detail(request, application, *, status=200, **forms):
    perms = application_permissions(request.user, application)
    posting = application.posting
    context = {
        "application": application,
        "posting": posting,
        "student": application.student,
        "profile": getattr(application.student, "student_profile", None),
        **perms,
        "timeline": application_timeline(application=application, viewer=request.user),
        "notes": application_notes(application=application) if perms["can_see_notes"] else [],
        "expected": application.status,
        "show_decision_reason": bool(application.decision_reason)
        and application.status in (S.REJECTED, S.DENIED, S.CANCELLED),
        "now": timezone.now(),
    }
    if perms["can_reject"]:
        context["reject_form"] = forms.get("reject_form") or ApplicationRejectForm(
            initial={"expected_from": application.status}
        )
    if perms["can_offer"]:
        context["offer_form"] = forms.get("offer_form") or ApplicationOfferForm(
            posting=posting, initial={"expected_from": application.status}
        )
        taken = seats_taken(posting.pk)
        context["seats"] = {"taken": taken, "slots": posting.slots, "full": taken >= posting.slots}
    if perms["can_add_note"]:
        context["note_form"] = forms.get("note_form") or ApplicationNoteForm()
    return render(request, "placements/application_detail.html", context, status=status)


@login_required
@require_GET
def application_detail(request, pk):
    application = get_application_for(request.user, pk)
    return _render_detail(request, application)


@login_required
@require_GET
@never_cache
def application_resume(request, pk):
    """The resume copied into the application, to those who may see the application."""
    application = get_application_for(request.user, pk)
    return private_file_response(
        application.resume, filename=application.resume_name or "resume.pdf", missing="This application has no resume."
    )


# --- The student's moves --------------------------------------------------------------
def _student_reason_view(request, pk, *, service, verb, template_title):
    """Withdraw or decline: a confirm step (GET) with an optional reason, then the move."""
    application = get_application_for(request.user, pk, write=True, role=Role.STUDENT)
    form = ApplicationReasonForm(
        request.POST if request.method == "POST" else None, initial={"expected_from": application.status}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                service(
                    application_id=application.pk,
                    student=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_from=form.cleaned_data["expected_from"],
                )
            except TransitionRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"You {verb} your application to “{application.posting.title}”.")
            return redirect(_detail_url(application))
        messages.error(request, _form_errors(form))
        return redirect(_detail_url(application))
    perms = application_permissions(request.user, application)
    allowed = perms["can_withdraw"] if service is services.application_withdraw else perms["can_decline"]
    if not allowed:
        messages.info(request, f"This application is {application.get_status_display().lower()}: nothing to do.")
        return redirect(_detail_url(application))
    return render(
        request,
        "placements/application_confirm.html",
        {"application": application, "posting": application.posting, "form": form, "title": template_title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    return _student_reason_view(
        request, pk, service=services.application_withdraw, verb="withdrew", template_title="withdraw"
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_decline(request, pk):
    return _student_reason_view(
        request, pk, service=services.application_decline, verb="declined the offer for", template_title="decline"
    )


@login_required
@require_POST
def application_accept(request, pk):
    application = get_application_for(request.user, pk, write=True, role=Role.STUDENT)
    form = ExpectedStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_detail_url(application))
    try:
        services.application_accept(
            application_id=application.pk, student=request.user, expected_from=form.cleaned_data["expected_from"]
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"You accepted “{application.posting.title}”. Your school's coordinator approves it next; "
            "we will tell you when they have.",
        )
    return redirect(_detail_url(application))


# --- The site's moves -----------------------------------------------------------------
def _site_simple_move(request, pk, *, service, done):
    application = get_application_for(request.user, pk, write=True, role=Role.SITE_STAFF)
    form = ExpectedStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            service(application_id=application.pk, actor=request.user, expected_from=form.cleaned_data["expected_from"])
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{application.student.display_name}'s application {done}.")
    return redirect(_back(request, _detail_url(application)))


@login_required
@require_POST
def application_review(request, pk):
    return _site_simple_move(request, pk, service=services.application_review, done="is now under review")


@login_required
@require_POST
def application_shortlist(request, pk):
    return _site_simple_move(request, pk, service=services.application_shortlist, done="is shortlisted")


@login_required
@require_POST
def application_reject(request, pk):
    application = get_application_for(request.user, pk, write=True, role=Role.SITE_STAFF)
    form = ApplicationRejectForm(request.POST)
    if not form.is_valid():
        if "expected_from" in form.errors:
            messages.error(request, _form_errors(form))
            return redirect(_detail_url(application))
        return _render_detail(request, application, status=400, reject_form=form)
    try:
        services.application_reject(
            application_id=application.pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_from=form.cleaned_data["expected_from"],
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{application.student.display_name}'s application was turned down.")
    return redirect(_detail_url(application))


@login_required
@require_POST
def application_offer(request, pk):
    application = get_application_for(request.user, pk, write=True, role=Role.SITE_STAFF)
    form = ApplicationOfferForm(request.POST, posting=application.posting)
    if not form.is_valid():
        if "expected_from" in form.errors:
            messages.error(request, _form_errors(form))
            return redirect(_detail_url(application))
        return _render_detail(request, application, status=400, offer_form=form)
    try:
        result = services.application_offer(
            application_id=application.pk,
            actor=request.user,
            expires_at=form.cleaned_data["expires_at"],
            expected_from=form.cleaned_data["expected_from"],
        )
    except CapacityReached as exc:
        messages.error(request, f"{exc} Withdrawn, declined or expired offers free their slot again.")
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        when = date_format(timezone.localtime(result.application.offer_expires_at), "F j, Y, P")
        messages.success(
            request, f"Offer sent to {application.student.display_name}. They have until {when} to answer."
        )
    return redirect(_detail_url(application))


@login_required
@require_POST
def application_note_create(request, pk):
    application = get_application_for(request.user, pk, write=True, role=Role.SITE_STAFF)
    form = ApplicationNoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, application, status=400, note_form=form)
    try:
        services.application_note_create(application=application, author=request.user, body=form.cleaned_data["body"])
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Note added. Only your site's staff can see it.")
    return redirect(_detail_url(application) + "#notes")


# --- A posting's applicants -----------------------------------------------------------
def _applicants_url(posting, status: str = "") -> str:
    url = reverse("placements:posting-applicants", args=[posting.pk])
    return f"{url}?status={status}" if status else url


def _render_applicants(request, posting, *, status=200, bulk_form=None, remaining_form=None):
    current = request.GET.get("status", "")
    if current not in S.values:
        current = ""
    counts = application_status_counts(posting=posting)
    applications = applications_for_posting(posting=posting, status=current or None)
    taken = sum(counts.get(s, 0) for s in (S.OFFERED, S.ACCEPTED, S.APPROVED))
    undecided = sum(counts.get(s, 0) for s in services.UNDECIDED)
    full = taken >= posting.slots
    context = {
        "posting": posting,
        "applications": applications,
        "tabs": status_tabs(counts=counts, current=current),
        "current": current,
        "current_label": S(current).label if current else "",
        "total": sum(counts.values()),
        "seats": {"taken": taken, "slots": posting.slots, "free": max(posting.slots - taken, 0), "full": full},
        "undecided": undecided,
        "bulk_form": bulk_form or ApplicantsBulkForm(application_ids=[a.pk for a in applications]),
        # A refused bulk action comes back with the person's choices still made.
        "bulk_selected": set(bulk_form.data.getlist("applications")) if bulk_form is not None else set(),
        "bulk_action": bulk_form.data.get("action", "") if bulk_form is not None else "",
        "bulk_reason": bulk_form.data.get("reason", "") if bulk_form is not None else "",
        "bulk_errors": _form_errors(bulk_form) if bulk_form is not None else "",
        "can_reject_remaining": full and undecided > 0,
        "remaining_form": remaining_form or RejectRemainingForm(),
        "now": timezone.now(),
        "undecided_statuses": services.UNDECIDED,
    }
    return render(request, "placements/application_applicants.html", context, status=status)


@login_required
@require_GET
def posting_applicants(request, posting_pk):
    posting = get_posting_applicants_for(request.user, posting_pk)
    return _render_applicants(request, posting)


@login_required
@require_POST
def posting_applicants_bulk(request, posting_pk):
    posting = get_posting_applicants_for(request.user, posting_pk)
    ids = list(Application.objects.filter(posting=posting).values_list("pk", flat=True))
    form = ApplicantsBulkForm(request.POST, application_ids=ids)
    back = _back(request, _applicants_url(posting))
    if not form.is_valid():
        if "applications" in form.errors and form.data.getlist("applications"):
            # A selection that is not this posting's (a stale or forged page): start over.
            messages.error(request, _form_errors(form))
            return redirect(back)
        return _render_applicants(request, posting, status=400, bulk_form=form)
    try:
        result = services.applications_bulk_move(
            posting=posting,
            actor=request.user,
            to_status=form.cleaned_data["action"],
            items=form.cleaned_data["items"],
            reason=form.cleaned_data["reason"],
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        level = messages.SUCCESS if result.done and not result.skipped else messages.WARNING
        messages.add_message(request, level, result.summary())
    return redirect(back)


@login_required
@require_POST
def posting_applicants_reject_remaining(request, posting_pk):
    posting = get_posting_applicants_for(request.user, posting_pk)
    form = RejectRemainingForm(request.POST)
    back = _applicants_url(posting)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    try:
        result = services.applications_reject_remaining(
            posting=posting, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        level = messages.SUCCESS if not result.skipped else messages.WARNING
        messages.add_message(request, level, result.summary())
    return redirect(back)

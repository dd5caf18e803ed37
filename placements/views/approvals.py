"""The coordinator's approval queue and decisions: approve, deny, cancel a placement."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from placements.models import Application
from placements.permissions import can_manage_agreements, decision_permissions, get_application_for_decision
from placements.selectors.dashboards import STATUS_BADGE, approval_rows, approvals_waiting
from placements.services.approvals import MAX_REASON, placement_approve, placement_cancel, placement_deny
from placements.services.transitions import TransitionRefused

S = Application.Status
QUEUE_PAGE_SIZE = 20


# --- Forms (kept beside their only views) ---------------------------------------------
class ApproveForm(forms.Form):
    requirements_met = forms.BooleanField(
        label="I confirm the student meets the compliance requirements listed above", required=False
    )
    override_reason = forms.CharField(
        label="Or approve without confirming them, because…",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with the approval. Leave empty when you confirm the requirements.",
    )

    def __init__(self, *args, requirements: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.has_requirements = bool(requirements.strip())
        if not self.has_requirements:
            del self.fields["requirements_met"]
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.has_requirements and not cleaned.get("requirements_met") and not cleaned.get("override_reason"):
            raise forms.ValidationError(
                "Confirm that the compliance requirements are met, or give a reason to approve without them."
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The student sees this reason.",
        error_messages={"required": "Give a reason; the student sees it."},
    )

    def __init__(self, *args, label: str = "Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


def _deny_form(data=None):
    return ReasonForm(data, prefix="deny", label="Reason for denying")


def _cancel_form(data=None):
    return ReasonForm(data, prefix="cancel", label="Reason for cancelling")


# --- Views ----------------------------------------------------------------------------
@require_GET
@login_required
def approval_queue(request):
    user = request.user
    if not can_manage_agreements(user):  # coordinators of a school; nobody else has a queue
        raise Http404("No approval queue here.")
    page = Paginator(approvals_waiting(school_id=user.school_id), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = approval_rows(page.object_list)
    for row in rows:
        row.add_agreement_url = _add_agreement_url(row.application)
    return render(
        request,
        "placements/approval_queue.html",
        {"page": page, "rows": rows, "count": page.paginator.count, "school": user.school},
    )


def _add_agreement_url(application: Application) -> str:
    posting = application.posting
    query = urlencode(
        {
            "site": posting.site_id,
            "discipline": posting.discipline_id,
            "start": posting.start_date.isoformat(),
            "end": posting.end_date.isoformat(),
        }
    )
    return f"{reverse('placements:agreement-create')}?{query}"


def _render_detail(request, application, *, approve_form=None, deny_form=None, cancel_form=None, status=200):
    [row] = approval_rows([application])
    row.add_agreement_url = _add_agreement_url(application)
    return render(
        request,
        "placements/approval_detail.html",
        {
            "application": application,
            "row": row,
            "badge_class": STATUS_BADGE.get(application.status, "text-bg-secondary"),
            "add_agreement_url": row.add_agreement_url,
            "approve_form": approve_form or ApproveForm(requirements=application.posting.requirements),
            "deny_form": deny_form or _deny_form(),
            "cancel_form": cancel_form or _cancel_form(),
            **decision_permissions(request.user, application),
        },
        status=status,
    )


@require_GET
@login_required
def approval_detail(request, pk):
    return _render_detail(request, get_application_for_decision(request.user, pk))


def _name(application) -> str:
    return application.student.display_name


def _decide(request, application, *, form, form_name: str, act, success: str, redirect_to):
    """A coordinator's decision: validate the form, make the move, or show the form
    again with why not (400 for bad input, 409 when the rules refuse the move)."""
    if not form.is_valid():
        return _render_detail(request, application, status=400, **{form_name: form})
    try:
        act(form.cleaned_data)
    except TransitionRefused as exc:
        form.add_error(None, str(exc))
        application.refresh_from_db(fields=["status"])
        return _render_detail(request, application, status=409, **{form_name: form})
    messages.success(request, success)
    return redirect_to


@require_POST
@login_required
def application_approve(request, pk):
    application = get_application_for_decision(request.user, pk)
    return _decide(
        request,
        application,
        form=ApproveForm(request.POST, requirements=application.posting.requirements),
        form_name="approve_form",
        act=lambda data: placement_approve(
            application_id=application.pk,
            actor=request.user,
            requirements_met=data.get("requirements_met", False),
            override_reason=data.get("override_reason", ""),
        ),
        success=f"Approved: {_name(application)}'s placement at {application.posting.site} is confirmed.",
        redirect_to=redirect("placements:approval-queue"),
    )


@require_POST
@login_required
def application_deny(request, pk):
    application = get_application_for_decision(request.user, pk)
    return _decide(
        request,
        application,
        form=_deny_form(request.POST),
        form_name="deny_form",
        act=lambda data: placement_deny(application_id=application.pk, actor=request.user, reason=data["reason"]),
        success=f"Denied: {_name(application)} has been told why.",
        redirect_to=redirect("placements:approval-queue"),
    )


@require_POST
@login_required
def application_cancel(request, pk):
    application = get_application_for_decision(request.user, pk)
    return _decide(
        request,
        application,
        form=_cancel_form(request.POST),
        form_name="cancel_form",
        act=lambda data: placement_cancel(application_id=application.pk, actor=request.user, reason=data["reason"]),
        success=f"Cancelled: {_name(application)}'s placement at {application.posting.site}.",
        redirect_to=redirect("placements:approval-detail", pk=application.pk),
    )

"""Affiliation agreements: coordinators record and keep them, site staff read theirs."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from accounts.files import private_file_response
from accounts.models import Discipline, Site
from accounts.validators import validate_pdf
from placements.models import AffiliationAgreement
from placements.permissions import (
    agreement_permissions,
    can_manage_agreements,
    can_view_agreements,
    get_agreement_for,
)
from placements.selectors.agreements import (
    LIST_FILTERS,
    agreement_detail,
    agreement_placements,
    agreements_for_school,
    agreements_for_site,
    narrow_agreements,
    verified_sites,
)
from placements.services.agreements import agreement_create, agreement_terminate, agreement_update

A = AffiliationAgreement.Status
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms (kept beside their only views) ---------------------------------------------
class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.city}, {obj.state}"


class AgreementForm(forms.Form):
    site = SiteChoiceField(
        queryset=Site.objects.none(),
        empty_label="Choose a verified site",
        help_text="Only sites verified by Practicum staff are listed.",
    )
    start_date = forms.DateField(label="Starts on", widget=DATE)
    end_date = forms.DateField(label="Ends on", widget=DATE)
    disciplines = forms.ModelMultipleChoiceField(
        label="Disciplines covered",
        queryset=Discipline.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one discipline the agreement covers."},
    )
    status = forms.ChoiceField(
        choices=[(A.ACTIVE.value, "Active — signed by both parties"), (A.PENDING.value, "Pending signature")],
        initial=A.ACTIVE,
        widget=forms.RadioSelect,
        help_text="Only active agreements allow placements to be approved.",
    )
    document = forms.FileField(
        label="Signed agreement (PDF, optional)",
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="Up to 5 MB. Only your school's coordinators and the site's staff can download it.",
    )
    notes = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible to the site's staff too. Never enter patient information.",
    )

    def __init__(self, *args, agreement: AffiliationAgreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if agreement is not None:
            # The site of an agreement is fixed; another site means another agreement.
            del self.fields["site"]
            if agreement.document:
                self.fields["document"].label = "Replace the signed agreement (PDF, optional)"
                self.fields["remove_document"] = forms.BooleanField(
                    label=f"Remove the current document ({agreement.document_name or 'PDF'})", required=False
                )
            # ClearableFileInput would offer its own "clear" box; the form has one above.
            self.fields["document"].widget = forms.FileInput(attrs={"accept": "application/pdf,.pdf"})
        else:
            self.fields["site"].queryset = verified_sites()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "The end date must be after the start date.")
        if cleaned.get("document") and cleaned.get("remove_document"):
            self.add_error("remove_document", "Either replace the document or remove it, not both.")
        return cleaned


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Added to the agreement's notes with today's date and your name.",
    )


# --- Views ----------------------------------------------------------------------------
def _require_viewer(user):
    if not can_view_agreements(user):
        raise Http404("No agreements here.")


def _require_manager(user):
    _require_viewer(user)
    if not can_manage_agreements(user):
        raise PermissionDenied("Only a school's coordinators can record agreements.")


@require_GET
@login_required
def agreement_list(request):
    user = request.user
    _require_viewer(user)
    is_coordinator = can_manage_agreements(user)
    if is_coordinator:
        everything = agreements_for_school(school_id=user.school_id)
    else:
        everything = agreements_for_site(site_id=user.site_id)
    show = request.GET.get("show", "")
    if show not in dict(LIST_FILTERS):
        show = ""
    filters = [
        {"value": value, "label": label, "count": len(narrow_agreements(everything, value)), "active": value == show}
        for value, label in LIST_FILTERS
    ]
    return render(
        request,
        "placements/agreement_list.html",
        {
            "agreements": narrow_agreements(everything, show),
            "total": len(everything),
            "filters": filters,
            "show": show,
            "show_label": dict(LIST_FILTERS)[show],
            "is_coordinator": is_coordinator,
            "can_create": is_coordinator,
        },
    )


def _initial_from_query(query) -> dict:
    """Prefill from the approval queue's "add an agreement" link: site, discipline, dates."""
    initial = {"status": A.ACTIVE}
    if (site := query.get("site", "")).isdigit():
        initial["site"] = int(site)
    if (discipline := query.get("discipline", "")).isdigit():
        initial["disciplines"] = [int(discipline)]
    for key, field in (("start", "start_date"), ("end", "end_date")):
        try:
            value = parse_date(query.get(key, ""))
        except ValueError:
            value = None
        if value:
            initial[field] = value
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def agreement_create_view(request):
    user = request.user
    _require_manager(user)
    if request.method == "POST":
        form = AgreementForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = agreement_create(
                    actor=user,
                    site=data["site"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    disciplines=data["disciplines"],
                    status=data["status"],
                    document=data["document"] or None,
                    notes=data["notes"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Agreement with {agreement.site} recorded.")
                return redirect("placements:agreement-detail", pk=agreement.pk)
    else:
        form = AgreementForm(initial=_initial_from_query(request.GET))
    return render(request, "placements/agreement_form.html", {"form": form, "agreement": None})


@require_GET
@login_required
def agreement_site_options(request):
    """The site chooser's options narrowed by a search (htmx swaps them into the select)."""
    _require_manager(request.user)
    query = request.GET.get("q", "")[:100]
    sites = verified_sites(query=query, limit=200)
    # Keep the site already chosen selected when it still matches the search.
    selected = int(request.GET["site"]) if request.GET.get("site", "").isdigit() else None
    response = render(
        request,
        "placements/agreement_site_options.html",
        {"sites": sites, "query": query, "selected": selected},
    )
    response["Vary"] = "HX-Request"
    return response


@require_GET
@login_required
def agreement_detail_view(request, pk):
    agreement = agreement_detail(agreement=get_agreement_for(request.user, pk))
    is_coordinator = can_manage_agreements(request.user)
    placements = list(agreement_placements(agreement=agreement)) if is_coordinator else []
    return render(
        request,
        "placements/agreement_detail.html",
        {
            "agreement": agreement,
            "placements": placements,
            "is_coordinator": is_coordinator,
            **agreement_permissions(request.user, agreement),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_edit(request, pk):
    agreement = get_agreement_for(request.user, pk, write=True)
    if agreement.status == A.TERMINATED:
        messages.error(request, "This agreement was terminated and can no longer be changed. Record a new one instead.")
        return redirect("placements:agreement-detail", pk=agreement.pk)
    if request.method == "POST":
        form = AgreementForm(request.POST, request.FILES, agreement=agreement)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement_update(
                    agreement_id=agreement.pk,
                    actor=request.user,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    disciplines=data["disciplines"],
                    status=data["status"],
                    notes=data["notes"],
                    document=data["document"] or None,
                    remove_document=data.get("remove_document", False),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Agreement with {agreement.site} updated.")
                return redirect("placements:agreement-detail", pk=agreement.pk)
    else:
        form = AgreementForm(
            agreement=agreement,
            initial={
                "start_date": agreement.start_date,
                "end_date": agreement.end_date,
                "disciplines": list(agreement.disciplines.all()),
                "status": agreement.status,
                "notes": agreement.notes,
            },
        )
    return render(request, "placements/agreement_form.html", {"form": form, "agreement": agreement})


@require_http_methods(["GET", "POST"])
@login_required
def agreement_terminate_view(request, pk):
    agreement = get_agreement_for(request.user, pk, write=True)
    if agreement.status == A.TERMINATED:
        messages.info(request, "This agreement is already terminated.")
        return redirect("placements:agreement-detail", pk=agreement.pk)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_terminate(agreement_id=agreement.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Agreement with {agreement.site} terminated.")
        return redirect("placements:agreement-detail", pk=agreement.pk)
    placements = list(agreement_placements(agreement=agreement))
    return render(
        request,
        "placements/agreement_terminate.html",
        {"agreement": agreement_detail(agreement=agreement), "form": form, "placements": placements},
    )


@require_GET
@login_required
def agreement_document(request, pk):
    """The signed PDF, only for the people who may see the agreement."""
    agreement = get_agreement_for(request.user, pk)
    return private_file_response(
        agreement.document,
        filename=agreement.document_name or f"agreement-{agreement.pk}.pdf",
        missing="This agreement has no document.",
    )

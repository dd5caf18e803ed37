"""Forms of the placements app, one section per area. Forms validate and clean input;
the services write it (and hold the rules again, so nothing bypasses them)."""

from django import forms
from django.utils import timezone

from accounts.constants import US_STATES
from accounts.models import Discipline, Role, Site, Specialty, User
from accounts.validators import validate_pdf
from placements.models import Application, Posting
from placements.services.applications import offer_deadline_problem, offer_default_deadline
from placements.services.postings import (
    CONTENT_FIELDS,
    MAX_HOURS_PER_WEEK,
    MAX_SLOTS,
    MIN_HOURS_PER_WEEK,
    posting_field_errors,
)

# --- Postings -------------------------------------------------------------------------
_NO_PATIENT_DATA = "Never include patient information (names, photos, record numbers or stories)."


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SpecialtyCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that carry the disciplines practising each specialty, so a small script
    can show only those of the chosen discipline. Without JavaScript every specialty is
    listed and the server says which ones do not fit."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-disciplines"] = " ".join(str(d.pk) for d in instance.disciplines.all())
        return option


class PostingForm(forms.Form):
    """Create or edit a posting of `site`. With `posting` it edits that posting (and a
    deadline that has passed may stay while it is not changed)."""

    title = forms.CharField(
        max_length=200,
        help_text="What and where, in a few words: “Cardiac step-down nursing internship”.",
    )
    kind = forms.ChoiceField(choices=Posting.Kind.choices, widget=forms.RadioSelect, initial=Posting.Kind.INTERNSHIP)
    discipline = forms.ModelChoiceField(queryset=Discipline.objects.all(), empty_label="Choose a discipline")
    specialties = forms.ModelMultipleChoiceField(
        queryset=Specialty.objects.prefetch_related("disciplines"),
        widget=SpecialtyCheckboxes(attrs={"class": "form-check-input"}),
        help_text="One or more; students filter by these.",
        error_messages={"required": "Choose at least one specialty."},
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=6000,
        help_text=f"What the placement is and who it suits. {_NO_PATIENT_DATA}",
    )
    duties = forms.CharField(
        label="What the student will do",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=f"A typical week on the unit. {_NO_PATIENT_DATA}",
    )
    learning_objectives = forms.CharField(
        label="What the student will learn",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="The skills and knowledge they leave with.",
    )
    requirements = forms.CharField(
        label="Compliance requirements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Immunizations, background check, drug screen, BLS, and so on.",
    )
    city = forms.CharField(max_length=100, help_text="Where the student reports; your site's city by default.")
    state = forms.ChoiceField(choices=[("", "Choose a state")] + list(US_STATES))
    work_mode = forms.ChoiceField(
        label="On-site or hybrid",
        choices=Posting.WorkMode.choices,
        widget=forms.RadioSelect,
        initial=Posting.WorkMode.ONSITE,
    )
    start_date = forms.DateField(widget=_DateInput)
    end_date = forms.DateField(widget=_DateInput)
    application_deadline = forms.DateField(
        widget=_DateInput, help_text="Applications are accepted through this day; then the posting closes."
    )
    hours_per_week = forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": MIN_HOURS_PER_WEEK, "max": MAX_HOURS_PER_WEEK}),
        help_text=f"Between {MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}.",
    )
    slots = forms.IntegerField(
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_SLOTS}),
        help_text="How many students you can take.",
    )
    is_paid = forms.BooleanField(label="Paid: a stipend is offered", required=False)
    stipend_amount = forms.DecimalField(
        label="Stipend amount (USD)",
        required=False,
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
    )
    stipend_period = forms.ChoiceField(
        label="Stipend period", required=False, choices=[("", "—")] + list(Posting.StipendPeriod.choices)
    )
    mentor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No mentor yet",
        help_text="Optional: the preceptor who will supervise the student.",
    )

    def __init__(self, *args, site: Site, posting: Posting | None = None, **kwargs):
        self.site = site
        self.posting = posting
        if posting is not None and "initial" not in kwargs:
            kwargs["initial"] = posting_form_initial(posting)
        super().__init__(*args, **kwargs)
        if posting is None:
            self.fields["city"].initial = site.city
            self.fields["state"].initial = site.state
        mentors = User.objects.filter(role=Role.MENTOR, site=site, is_active=True).order_by("last_name", "first_name")
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda user: user.display_name
        if not mentors.exists():
            self.fields["mentor"].help_text = "Your site has no mentors yet; invite one and assign them later."

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        cleaned = super().clean()
        deadline_changed = self.posting is None or cleaned.get("application_deadline") != (
            self.posting.application_deadline
        )
        values = {name: cleaned.get(name) for name in self.fields if name in cleaned}
        errors = posting_field_errors(values=values, site=self.site, deadline_changed=deadline_changed)
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


def posting_form_initial(posting: Posting) -> dict:
    initial = {name: getattr(posting, name) for name in CONTENT_FIELDS}
    initial["specialties"] = list(posting.specialties.all())
    return initial


class PostingCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you closing it?",
        widget=forms.RadioSelect,
        choices=[
            (Posting.CloseReason.FILLED, "All slots are filled"),
            (Posting.CloseReason.MANUAL, "We are no longer taking applications"),
        ],
        initial=Posting.CloseReason.MANUAL,
    )


# --- Applications ---------------------------------------------------------------------
_STATUS_CHOICES = Application.Status.choices
_STALE = "This page was out of date. Reload it and try again; nothing was changed."


class ExpectedStatusForm(forms.Form):
    """Carries the status the person saw, so a double submit or a change meanwhile is
    refused ("This application changed while you were looking") instead of applied twice."""

    expected_from = forms.ChoiceField(
        choices=_STATUS_CHOICES, widget=forms.HiddenInput, error_messages={"required": _STALE, "invalid_choice": _STALE}
    )


class ApplicationForm(forms.Form):
    PROFILE, UPLOAD = "profile", "upload"

    cover_letter = forms.CharField(
        label="Cover letter",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Why this placement, what you bring, what you hope to learn. Never include patient information.",
    )
    resume_source = forms.ChoiceField(
        label="Resume",
        widget=forms.RadioSelect,
        choices=[(PROFILE, "Send the resume from my profile"), (UPLOAD, "Upload a PDF for this application only")],
    )
    resume = forms.FileField(
        label="PDF resume for this application",
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="PDF, at most 5 MB. Your profile resume stays as it is.",
    )

    def __init__(self, *args, has_profile_resume: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_profile_resume = has_profile_resume
        field = self.fields["resume_source"]
        if has_profile_resume:
            field.initial = self.PROFILE
        else:
            field.choices = [(self.UPLOAD, "Upload a PDF for this application")]
            field.initial = self.UPLOAD
            field.help_text = "Your profile has no resume yet, so upload one here."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("resume_source") == self.UPLOAD and not cleaned.get("resume") and "resume" not in self.errors:
            self.add_error("resume", "Choose a PDF file to upload, or send your profile resume instead.")
        if cleaned.get("resume_source") == self.PROFILE and cleaned.get("resume"):
            # Both a file and "my profile resume": ask rather than guess which one they meant.
            self.add_error(
                "resume_source",
                "You attached a file but chose your profile resume: pick “Upload a PDF” to send the file, "
                "or remove it.",
            )
        return cleaned

    @property
    def resume_upload(self):
        return self.cleaned_data.get("resume") if self.cleaned_data.get("resume_source") == self.UPLOAD else None


class ApplicationReasonForm(ExpectedStatusForm):
    """Withdraw or decline: the reason is optional and the site sees it."""

    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The site sees this.",
    )


class ApplicationRejectForm(ExpectedStatusForm):
    reason = forms.CharField(
        label="Reason the student will see",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be kind and specific; the student reads this with the decision.",
        error_messages={"required": "Give the student a reason: they see it with the decision."},
    )


class ApplicationOfferForm(ExpectedStatusForm):
    expires_at = forms.DateTimeField(
        label="Answer by",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="The offer expires if the student has not answered by then; it must be before the start date.",
        error_messages={"required": "Choose when the student must answer by."},
    )

    def __init__(self, *args, posting, **kwargs):
        super().__init__(*args, **kwargs)
        self.posting = posting
        default = offer_default_deadline(posting=posting)
        if default is not None:
            self.fields["expires_at"].initial = timezone.localtime(default)

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        problem = offer_deadline_problem(posting=self.posting, expires_at=expires_at)
        if problem:
            raise forms.ValidationError(problem)
        return expires_at


class ApplicationNoteForm(forms.Form):
    body = forms.CharField(
        label="Add an internal note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never enter patient information.",
        error_messages={"required": "Write something in the note first."},
    )


class ApplicantsFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *_STATUS_CHOICES], required=False)


class ApplicantsBulkForm(forms.Form):
    """Several applications of one posting at once; each row carries the status the person
    saw in a hidden `seen-<id>` input, so one that changed meanwhile is skipped."""

    action = forms.ChoiceField(
        label="With the selected applications",
        choices=[
            ("", "Choose an action…"),
            (Application.Status.UNDER_REVIEW, "Move to under review"),
            (Application.Status.SHORTLISTED, "Shortlist"),
            (Application.Status.REJECTED, "Reject (with a reason)"),
        ],
        error_messages={"required": "Choose what to do with the selected applications."},
    )
    applications = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one application (tick the boxes in the list).",
            "invalid_choice": _STALE,
        },
    )
    reason = forms.CharField(
        label="Reason the students will see (for a rejection)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, application_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(str(pk), str(pk)) for pk in application_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == Application.Status.REJECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give the students a reason: they see it with the decision.")
        valid = {value for value, _label in _STATUS_CHOICES}
        items = []
        for pk in cleaned.get("applications") or []:
            seen = self.data.get(f"seen-{pk}")
            items.append((pk, seen if seen in valid else None))
        cleaned["items"] = items
        return cleaned


class RejectRemainingForm(forms.Form):
    reason = forms.CharField(
        label="Reason the students will see",
        max_length=1000,
        initial="Thank you for applying. All places on this placement have now been filled.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the students a reason: they see it with the decision."},
    )

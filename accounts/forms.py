import datetime as dt

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.constants import US_STATES
from accounts.models import Discipline, Program, Role, School, Site, Specialty
from accounts.validators import validate_pdf

STATE_CHOICES = [("", "Choose a state")] + US_STATES


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form. It must not import allauth.account.forms
    (circular import)."""

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


# --- Shared pieces --------------------------------------------------------------------
def _graduation_year_choices():
    year = timezone.localdate().year
    return [("", "Choose a year")] + [(y, str(y)) for y in range(year - 1, year + 8)]


def specialty_choices(discipline: Discipline | None = None):
    """Specialty checkboxes grouped sensibly: the discipline's own specialties first,
    then the rest (a specialty such as cardiology belongs to several disciplines)."""
    specialties = list(Specialty.objects.prefetch_related("disciplines").order_by("name"))
    if discipline is None:
        return [(s.pk, s.name) for s in specialties]
    own = [(s.pk, s.name) for s in specialties if any(d.pk == discipline.pk for d in s.disciplines.all())]
    own_ids = {pk for pk, _ in own}
    others = [(s.pk, s.name) for s in specialties if s.pk not in own_ids]
    return [(f"Practised in {discipline.name.lower()}", own), ("Other specialties", others)]


class SpecialtiesField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, discipline=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("coerce", int)
        super().__init__(choices=lambda: specialty_choices(discipline), **kwargs)

    def specialties(self, ids):
        return list(Specialty.objects.filter(pk__in=ids))


class _NameFields(forms.Form):
    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )


# --- Onboarding -----------------------------------------------------------------------
def schools_taking_students():
    return School.objects.filter(verified=True).annotate(n=Count("programs")).filter(n__gt=0).order_by("name")


def program_choices(school: School | None = None):
    """Programs of verified schools, grouped by school (a plain select that works without
    JavaScript); only those of `school` once one is chosen."""
    programs = Program.objects.filter(school__verified=True).select_related("school").order_by("school__name", "name")
    if school is not None:
        return [("", "Choose a program")] + [(p.pk, p.name) for p in programs.filter(school=school)]
    groups: dict[str, list] = {}
    for program in programs:
        groups.setdefault(program.school.name, []).append((program.pk, program.name))
    return [("", "Choose a program")] + list(groups.items())


class StudentOnboardingForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        empty_label="Choose your school",
        help_text="Only schools verified by Practicum are listed. Not there? Ask your coordinator for an invitation.",
    )
    program = forms.TypedChoiceField(coerce=int, choices=(), label="Program")
    graduation_year = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=(), label="Expected graduation year"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_taking_students()
        # htmx narrows the program list to the chosen school; without JavaScript the
        # program select keeps every school's programs, grouped by school.
        self.fields["school"].widget.attrs.update(
            {
                "hx-get": reverse("accounts:onboarding-programs"),
                "hx-target": "#id_program",
                "hx-swap": "innerHTML",
            }
        )
        school = None
        school_id = self.data.get("school") if self.is_bound else None
        if school_id and str(school_id).isdigit():
            school = self.fields["school"].queryset.filter(pk=school_id).first()
        self.fields["program"].choices = program_choices(school)
        self.fields["graduation_year"].choices = _graduation_year_choices()

    def clean(self):
        cleaned = super().clean()
        school, program_id = cleaned.get("school"), cleaned.get("program")
        if school and program_id:
            program = Program.objects.filter(pk=program_id, school=school).select_related("school").first()
            if program is None:
                self.add_error("program", f"Choose a program of {school.name}.")
            else:
                cleaned["program"] = program
        return cleaned


class CoordinatorOnboardingForm(forms.Form):
    name = forms.CharField(max_length=200, label="School name")
    city = forms.CharField(max_length=100)
    state = forms.ChoiceField(choices=STATE_CHOICES)
    website = forms.URLField(required=False, assume_scheme="https", help_text="Helps us verify your school.")
    title = forms.CharField(
        max_length=120,
        required=False,
        label="Your job title",
        help_text='For example "Clinical placement coordinator".',
    )


class SiteOnboardingForm(forms.Form):
    name = forms.CharField(max_length=200, label="Site name")
    kind = forms.ChoiceField(choices=[("", "Choose a kind")] + Site.Kind.choices, label="Kind of site")
    address = forms.CharField(max_length=200, label="Street address")
    city = forms.CharField(max_length=100)
    state = forms.ChoiceField(choices=STATE_CHOICES)
    postal_code = forms.CharField(max_length=10, required=False, label="ZIP code")
    phone = forms.CharField(max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    website = forms.URLField(required=False, assume_scheme="https", help_text="Helps us verify your site.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What students will find: units, teams, patient population in general terms.",
    )
    specialties = SpecialtiesField(label="Specialties you offer")
    title = forms.CharField(max_length=120, required=False, label="Your job title")


# --- Profiles -------------------------------------------------------------------------
class StudentProfileForm(_NameFields):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), required=False, empty_label="Choose a program")
    graduation_year = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=(), label="Expected graduation year"
    )
    discipline = forms.ModelChoiceField(
        queryset=Discipline.objects.all(), required=False, empty_label="Choose a discipline"
    )
    specialties = SpecialtiesField(label="Specialties of interest")
    city = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    bio = forms.CharField(
        label="Short bio",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences about you and what you want to learn. Never include patient information.",
    )
    skills = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, for example “BLS certified” or “Spanish (fluent)”.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(school_id=user.school_id).select_related("school")
        self.fields["program"].label_from_instance = lambda p: p.name
        self.fields["graduation_year"].choices = _graduation_year_choices()
        profile = getattr(user, "student_profile", None)
        discipline = profile.discipline if profile else None
        self.fields["specialties"] = SpecialtiesField(discipline=discipline, label="Specialties of interest")

    def clean_graduation_year(self):
        year = self.cleaned_data.get("graduation_year")
        if year and not (1990 <= year <= dt.date.today().year + 10):
            raise forms.ValidationError("Choose a year from the list.")
        return year


class ResumeForm(forms.Form):
    resume = forms.FileField(
        label="Resume (PDF, at most 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": "Choose a PDF file to upload."},
    )

    def clean_resume(self):
        upload = self.cleaned_data["resume"]
        validate_pdf(upload)
        return upload


class MentorProfileForm(_NameFields):
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.all(), required=False, empty_label="Choose your specialty"
    )
    credentials = forms.CharField(max_length=200, required=False, help_text='For example "RN, BSN, CCRN".')
    bio = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Students placed with you see this.",
    )


class TitleProfileForm(_NameFields):
    title = forms.CharField(max_length=120, required=False, label="Job title")


class NameForm(_NameFields):
    pass


# --- Organizations --------------------------------------------------------------------
class SiteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Site name")
    kind = forms.ChoiceField(choices=Site.Kind.choices, label="Kind of site")
    address = forms.CharField(max_length=200, label="Street address")
    city = forms.CharField(max_length=100)
    state = forms.ChoiceField(choices=STATE_CHOICES)
    postal_code = forms.CharField(max_length=10, required=False, label="ZIP code")
    phone = forms.CharField(max_length=30, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, required=False)
    specialties = SpecialtiesField(label="Specialties you offer")

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        if site.verified:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "A verified site keeps its name. Ask Practicum staff to change it."


class SchoolForm(forms.Form):
    name = forms.CharField(max_length=200, label="School name")
    city = forms.CharField(max_length=100)
    state = forms.ChoiceField(choices=STATE_CHOICES)
    website = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        if school.verified:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "A verified school keeps its name. Ask Practicum staff to change it."


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=200, label="Program name", help_text='For example "BSN Nursing".')
    discipline = forms.ModelChoiceField(queryset=Discipline.objects.all(), empty_label="Choose a discipline")


class ProgramRenameForm(forms.Form):
    name = forms.CharField(max_length=200, label="New name")


# --- Invitations ----------------------------------------------------------------------
class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label="Invite them as", widget=forms.RadioSelect)
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label="Choose a program",
        help_text="Students only: the program they join.",
    )

    def __init__(self, *args, inviter, roles, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]
        if len(roles) and not self.is_bound:
            self.initial.setdefault("role", roles[0])
        if Role.STUDENT in roles:
            programs = Program.objects.filter(school_id=inviter.school_id).order_by("name")
            self.fields["program"].queryset = programs
            self.fields["program"].label_from_instance = lambda p: p.name
        else:
            del self.fields["program"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.STUDENT and not cleaned.get("program"):
            self.add_error("program", "Choose the program the student joins.")
        return cleaned

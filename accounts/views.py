from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.adapters import SESSION_INVITATION_KEY, forget_session_invitation, remember_session_invitation
from accounts.files import private_file_response
from accounts.forms import (
    CoordinatorOnboardingForm,
    InvitationForm,
    MentorProfileForm,
    NameForm,
    ProgramForm,
    ProgramRenameForm,
    ResumeForm,
    SchoolForm,
    SiteForm,
    SiteOnboardingForm,
    StudentOnboardingForm,
    StudentProfileForm,
    TitleProfileForm,
    program_choices,
    schools_taking_students,
)
from accounts.models import CoordinatorProfile, MentorProfile, SiteStaffProfile, StudentProfile
from accounts.permissions import (
    get_invitation_for,
    get_own_school_for,
    get_own_site_for,
    get_program_for,
    get_student_for,
    require_inviter,
)
from accounts.selectors import (
    invitation_by_token,
    invitation_counts,
    invitations_for,
    organization_members,
    school_programs,
    student_profile_for_display,
    student_profile_missing,
)


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means "down"; report it, never raise
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}


def _broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return {"ok": True, "mode": "redis"}
    except redis.RedisError as exc:
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}


@require_GET
@never_cache
def healthz(request):
    database, broker = _database_state(), _broker_state()
    healthy = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


# --- Onboarding -----------------------------------------------------------------------
def _onboarding_only(view):
    """Only a signed-in user without a role onboards; anyone else goes to their dashboard."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role:
            return redirect("dashboard")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@_onboarding_only
def onboarding(request):
    token = request.session.get(SESSION_INVITATION_KEY)
    return render(request, "accounts/onboarding.html", {"pending_invitation_token": token})


@require_http_methods(["GET", "POST"])
@_onboarding_only
def onboarding_student(request):
    form = StudentOnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_onboard_student(
                user=request.user,
                program=form.cleaned_data["program"],
                graduation_year=form.cleaned_data["graduation_year"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"Welcome to Practicum! You joined {request.user.school}. Complete your profile next."
            )
            return redirect("accounts:profile-edit")
    return render(request, "accounts/onboarding_student.html", {"form": form})


@require_GET
@login_required
def onboarding_programs(request):
    """The program options of one school: the htmx refinement of the onboarding select."""
    school_id = request.GET.get("school", "")
    school = schools_taking_students().filter(pk=school_id).first() if school_id.isdigit() else None
    choices = program_choices(school)[1:]  # without the empty choice, which the fragment writes
    groups = [(None, choices)] if school else choices
    return render(request, "accounts/partials/_program_options.html", {"groups": groups if choices else []})


@require_http_methods(["GET", "POST"])
@_onboarding_only
def onboarding_coordinator(request):
    form = CoordinatorOnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create_pending(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc, field="name")
        else:
            messages.success(
                request,
                f"{school} is registered and waits for verification by Practicum staff. "
                "Meanwhile, add your programs and invite your colleagues.",
            )
            return redirect("accounts:school-edit")
    return render(request, "accounts/onboarding_coordinator.html", {"form": form})


@require_http_methods(["GET", "POST"])
@_onboarding_only
def onboarding_site(request):
    form = SiteOnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["specialties"] = form.fields["specialties"].specialties(data["specialties"])
        try:
            site = services.site_create_pending(user=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc, field="name")
        else:
            messages.success(
                request,
                f"{site} is registered and waits for verification by Practicum staff. "
                "Meanwhile, complete the site profile and invite your mentors.",
            )
            return redirect("dashboard")
    return render(request, "accounts/onboarding_site.html", {"form": form})


def _form_errors(form, exc: ValidationError, field: str | None = None) -> None:
    for message in exc.messages:
        form.add_error(field, message)


# --- Profiles -------------------------------------------------------------------------
def _profile_form(user, data=None):
    names = {"first_name": user.first_name, "last_name": user.last_name}
    if user.is_student:
        profile = StudentProfile.objects.filter(user=user).prefetch_related("specialties").first()
        initial = dict(names)
        if profile:
            initial.update(
                program=profile.program_id,
                graduation_year=profile.graduation_year,
                discipline=profile.discipline_id,
                specialties=[s.pk for s in profile.specialties.all()],
                city=profile.city,
                state=profile.state,
                bio=profile.bio,
                skills=profile.skills,
            )
        return StudentProfileForm(data, user=user, initial=initial)
    if user.is_mentor:
        profile = MentorProfile.objects.filter(user=user).first()
        initial = dict(names)
        if profile:
            initial.update(specialty=profile.specialty_id, credentials=profile.credentials, bio=profile.bio)
        return MentorProfileForm(data, initial=initial)
    if user.is_site_staff or user.is_coordinator:
        model = SiteStaffProfile if user.is_site_staff else CoordinatorProfile
        profile = model.objects.filter(user=user).first()
        return TitleProfileForm(data, initial={**names, "title": profile.title if profile else ""})
    return NameForm(data, initial=names)


def _save_profile(user, form) -> None:
    data = form.cleaned_data
    with transaction.atomic():
        services.user_name_update(user=user, first_name=data["first_name"], last_name=data["last_name"])
        if user.is_student:
            services.student_profile_update(
                user=user,
                program=data["program"],
                graduation_year=data["graduation_year"],
                discipline=data["discipline"],
                specialties=form.fields["specialties"].specialties(data["specialties"]),
                city=data["city"],
                state=data["state"],
                bio=data["bio"],
                skills=data["skills"],
            )
        elif user.is_mentor:
            services.mentor_profile_update(
                user=user, specialty=data["specialty"], credentials=data["credentials"], bio=data["bio"]
            )
        elif user.is_site_staff or user.is_coordinator:
            services.staff_title_update(user=user, title=data["title"])


def _render_profile_edit(request, form, resume_form=None, status=200):
    user = request.user
    context = {"form": form, "organization": user.school or user.site}
    if user.is_student:
        context["profile"] = StudentProfile.objects.filter(user=user).first()
        context["resume_form"] = resume_form or ResumeForm()
    return render(request, "accounts/profile_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request):
    form = _profile_form(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_profile(request.user, form)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            if request.user.is_student:
                return redirect("accounts:student-profile", pk=request.user.pk)
            return redirect("accounts:profile-edit")
    return _render_profile_edit(request, form)


def _require_student(user):
    if not user.is_student:
        raise PermissionDenied("Only students keep a resume.")


@require_POST
@login_required
def resume_upload(request):
    _require_student(request.user)
    resume_form = ResumeForm(request.POST, request.FILES)
    if not resume_form.is_valid():
        return _render_profile_edit(request, _profile_form(request.user), resume_form, status=400)
    services.student_resume_replace(user=request.user, upload=resume_form.cleaned_data["resume"])
    messages.success(request, "Your resume is uploaded. Sites you apply to will see it.")
    return redirect("accounts:profile-edit")


@require_POST
@login_required
def resume_remove(request):
    _require_student(request.user)
    services.student_resume_remove(user=request.user)
    messages.success(request, "Your resume is removed.")
    return redirect("accounts:profile-edit")


@require_GET
@login_required
def student_profile(request, pk):
    student = get_student_for(request.user, pk)
    profile = student_profile_for_display(student)
    return render(
        request,
        "accounts/student_profile.html",
        {
            "student": student,
            "profile": profile,
            "skills": [line.strip() for line in (profile.skills if profile else "").splitlines() if line.strip()],
            "is_own": student.pk == request.user.pk,
            "missing": student_profile_missing(student) if student.pk == request.user.pk else [],
        },
    )


@require_GET
@login_required
def resume_download(request, pk):
    """Resumes are private files: only this view, after the visibility check, reads them."""
    student = get_student_for(request.user, pk)
    profile = StudentProfile.objects.filter(user=student).first()
    return private_file_response(
        profile.resume if profile else None,
        filename=services.resume_download_name(student),
        missing="No resume uploaded.",
    )


# --- Organizations --------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def site_edit(request):
    site = get_own_site_for(request.user)
    initial = {
        **{key: getattr(site, key) for key in ("name", "kind", "address", "city", "state", "postal_code")},
        **{key: getattr(site, key) for key in ("phone", "website", "description")},
        "specialties": list(site.specialties.values_list("pk", flat=True)),
    }
    form = SiteForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["specialties"] = form.fields["specialties"].specialties(data["specialties"])
        try:
            services.site_update(site=site, by=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The site profile is saved.")
            return redirect("accounts:site-edit")
    return render(request, "accounts/site_edit.html", {"form": form, "site": site})


def _render_school_edit(
    request, school, form=None, program_form=None, rename_program_id=None, rename_errors=(), status=200
):
    initial = {"name": school.name, "city": school.city, "state": school.state, "website": school.website}
    return render(
        request,
        "accounts/school_edit.html",
        {
            "school": school,
            "form": form or SchoolForm(school=school, initial=initial),
            "program_form": program_form or ProgramForm(),
            "programs": school_programs(school),
            "rename_program_id": rename_program_id,
            "rename_errors": list(rename_errors),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def school_edit(request):
    school = get_own_school_for(request.user)
    if request.method == "GET":
        return _render_school_edit(request, school)
    form = SchoolForm(request.POST, school=school, initial={"name": school.name})
    if form.is_valid():
        try:
            services.school_update(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc, field="name")
        else:
            messages.success(request, "The school profile is saved.")
            return redirect("accounts:school-edit")
    return _render_school_edit(request, school, form=form, status=400)


@require_POST
@login_required
def program_create(request):
    school = get_own_school_for(request.user)
    form = ProgramForm(request.POST)
    if form.is_valid():
        try:
            program = services.program_create(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc, field="name")
        else:
            messages.success(request, f"{program.name} is added.")
            return redirect("accounts:school-edit")
    return _render_school_edit(request, school, program_form=form, status=400)


@require_POST
@login_required
def program_rename(request, pk):
    program = get_program_for(request.user, pk)
    form = ProgramRenameForm(request.POST)
    if form.is_valid():
        old_name = program.name
        try:
            services.program_rename(program=program, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _form_errors(form, exc, field="name")
        else:
            messages.success(request, f"{old_name} is now called {program.name}.")
            return redirect("accounts:school-edit")
    return _render_school_edit(
        request, program.school, rename_program_id=program.pk, rename_errors=form.errors.get("name", []), status=400
    )


# --- Invitations ----------------------------------------------------------------------
@require_GET
@login_required
def invitation_list(request):
    require_inviter(request.user)
    invitations = invitations_for(request.user)
    page = Paginator(invitations, 25).get_page(request.GET.get("page"))
    organization = request.user.school or request.user.site
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "organization": organization,
            "page_obj": page,
            "counts": invitation_counts(invitations),
            "members": organization_members(organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def invitation_create(request):
    require_inviter(request.user)
    roles = services.invitable_roles(request.user)
    form = InvitationForm(request.POST or None, inviter=request.user, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                program=form.cleaned_data.get("program"),
            )
        except ValidationError as exc:
            _form_errors(form, exc, field="email")
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once and expires in "
                f"{settings.INVITATION_VALID_DAYS} days.",
            )
            return redirect("accounts:invitation-list")
    organization = request.user.school or request.user.site
    return render(
        request,
        "accounts/invitation_form.html",
        {"form": form, "organization": organization, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@require_POST
@login_required
def invitation_revoke(request, pk):
    invitation = get_invitation_for(request.user, pk)
    try:
        services.invitation_revoke(invitation=invitation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation for {invitation.email} is revoked; its link no longer works.")
    return redirect("accounts:invitation-list")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = invitation_by_token(token)
    if invitation is None:
        raise Http404("No such invitation.")
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except services.InvitationUnusable:
            pass  # the page below says why
        else:
            forget_session_invitation(request)
            messages.success(request, f"Welcome to {invitation.organization}!")
            return redirect("accounts:profile-edit")
    problem = services.invitation_problem(invitation=invitation, user=user)
    if problem is None and not user.is_authenticated:
        remember_session_invitation(request, invitation)
    elif problem in ("revoked", "used", "expired"):
        forget_session_invitation(request, token)
    signup_url = f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}"
    login_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "problem": problem,
            "signup_url": signup_url,
            "login_url": login_url,
        },
        status=200 if problem is None else 410 if problem in ("revoked", "used", "expired") else 403,
    )

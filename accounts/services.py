"""Every write about people and organizations: onboarding, invitations, profiles.

Rules kept here (and nowhere else):
- One user, one role. The role is set once, at onboarding or by accepting an invitation,
  with a conditional update on `role=""`, so two tabs racing cannot give a user two roles.
- Nobody joins an organization uninvited: a new member arrives only through an
  invitation sent to their address by a member allowed to invite that role.
- A school or site created by a person starts unverified; platform staff verify it.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.emails import absolute_url, send_templated_email
from accounts.models import (
    CoordinatorProfile,
    Discipline,
    Invitation,
    MentorProfile,
    Program,
    Role,
    School,
    Site,
    SiteStaffProfile,
    StudentProfile,
    User,
)
from accounts.validators import validate_pdf

logger = logging.getLogger(__name__)

# Which roles each inviting role may invite. Coordinators bring students and fellow
# coordinators to their school; site staff bring mentors and fellow staff to their site.
INVITABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.COORDINATOR: (Role.STUDENT, Role.COORDINATOR),
    Role.SITE_STAFF: (Role.MENTOR, Role.SITE_STAFF),
}


class InvitationUnusable(ValidationError):
    """The invitation cannot be accepted; `code` says why (expired, revoked, used,
    has_role, wrong_email)."""


# --- Helpers --------------------------------------------------------------------------
def _unique_slug(model, name: str, *, exclude_pk=None) -> str:
    max_length = model._meta.get_field("slug").max_length
    base = (slugify(name) or model._meta.model_name)[: max_length - 6]
    slug, n = base, 2
    existing = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while existing.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _claim_role(*, user: User, role: str, school: School | None = None, site: Site | None = None) -> None:
    """Give a role-less user their one role. The conditional update on role="" is what
    keeps two concurrent requests (two tabs, a double click) from both succeeding."""
    updated = User.objects.filter(pk=user.pk, role="").update(
        role=role, school=school if school else None, site=site if site else None
    )
    if not updated:
        raise ValidationError(
            "Your account already has a role. One account has one role; to act in another role, "
            "sign up again with a different email address.",
            code="has_role",
        )
    user.role, user.school, user.site = role, school, site


def _profile_create(*, user: User, program: Program | None = None, title: str = "") -> None:
    if user.role == Role.STUDENT:
        StudentProfile.objects.update_or_create(
            user=user, defaults={"program": program, "discipline": program.discipline if program else None}
        )
    elif user.role == Role.COORDINATOR:
        CoordinatorProfile.objects.get_or_create(user=user, defaults={"title": title})
    elif user.role == Role.SITE_STAFF:
        SiteStaffProfile.objects.get_or_create(user=user, defaults={"title": title})
    elif user.role == Role.MENTOR:
        MentorProfile.objects.get_or_create(user=user)


# --- Onboarding -----------------------------------------------------------------------
@transaction.atomic
def user_onboard_student(*, user: User, program: Program, graduation_year: int | None = None) -> StudentProfile:
    """Make a role-less user a student of `program`'s school. Only verified schools take
    students this way; an unverified one brings students by invitation once verified."""
    if not program.school.verified:
        raise ValidationError("This school is not verified yet; choose another.", code="unverified")
    _claim_role(user=user, role=Role.STUDENT, school=program.school)
    _profile_create(user=user, program=program)
    profile = user.student_profile
    if graduation_year:
        profile.graduation_year = graduation_year
        profile.save(update_fields=["graduation_year"])
    return profile


@transaction.atomic
def school_create_pending(
    *, user: User, name: str, city: str, state: str, website: str = "", title: str = ""
) -> School:
    """A coordinator signs up their school; it waits for platform staff to verify it."""
    name = name.strip()
    if School.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            "%(name)s is already on Practicum. Ask one of its coordinators for an invitation.",
            code="school_exists",
            params={"name": name},
        )
    try:
        with transaction.atomic():
            school = School.objects.create(
                name=name, slug=_unique_slug(School, name), city=city.strip(), state=state, website=website
            )
    except IntegrityError:  # a concurrent sign-up took the name between check and insert
        raise ValidationError(
            "%(name)s is already on Practicum. Ask one of its coordinators for an invitation.",
            code="school_exists",
            params={"name": name},
        ) from None
    _claim_role(user=user, role=Role.COORDINATOR, school=school)
    _profile_create(user=user, title=title)
    logger.info("School %s created by user %s, pending verification", school.pk, user.pk)
    return school


@transaction.atomic
def site_create_pending(
    *,
    user: User,
    name: str,
    kind: str,
    address: str,
    city: str,
    state: str,
    postal_code: str = "",
    phone: str = "",
    website: str = "",
    description: str = "",
    specialties=(),
    title: str = "",
) -> Site:
    """A site staff member signs up their site; it waits for platform staff to verify it."""
    name = name.strip()
    if Site.objects.filter(name__iexact=name, city__iexact=city.strip(), state=state).exists():
        raise ValidationError(
            "%(name)s in %(city)s is already on Practicum. Ask a staff member there for an invitation.",
            code="site_exists",
            params={"name": name, "city": city.strip()},
        )
    site = Site.objects.create(
        name=name,
        slug=_unique_slug(Site, f"{name} {city}"),
        kind=kind,
        address=address,
        city=city.strip(),
        state=state,
        postal_code=postal_code,
        phone=phone,
        website=website,
        description=description,
    )
    site.specialties.set(specialties)
    _claim_role(user=user, role=Role.SITE_STAFF, site=site)
    _profile_create(user=user, title=title)
    logger.info("Site %s created by user %s, pending verification", site.pk, user.pk)
    return site


# --- Invitations ----------------------------------------------------------------------
def invitable_roles(user: User) -> tuple[str, ...]:
    """The roles `user` may invite to their own organization (empty: none)."""
    if user.is_coordinator and user.school_id:
        return INVITABLE_ROLES[Role.COORDINATOR]
    if user.is_site_staff and user.site_id:
        return INVITABLE_ROLES[Role.SITE_STAFF]
    return ()


@transaction.atomic
def invitation_create(*, invited_by: User, email: str, role: str, program: Program | None = None) -> Invitation:
    """Invite `email` to the inviter's school or site in `role`, and email the link
    (after commit, so a rolled-back invitation never sends one)."""
    allowed = invitable_roles(invited_by)
    if role not in allowed:
        raise PermissionDenied("Your role cannot invite people in that role.")
    email = User.objects.normalize_email(email).strip().lower()
    if email == invited_by.email.lower():
        raise ValidationError("You cannot invite yourself.", code="self")
    school = invited_by.school if invited_by.is_coordinator else None
    site = invited_by.site if invited_by.is_site_staff else None
    if role == Role.STUDENT:
        if program is None:
            raise ValidationError("Choose the program the student joins.", code="program_required")
        if program.school_id != school.pk:
            raise ValidationError("Choose a program of your own school.", code="program_other_school")
    else:
        program = None
    pending = Invitation.objects.filter(
        email__iexact=email,
        school=school,
        site=site,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            "%(email)s already has a pending invitation. Revoke it first to send a new one.",
            code="duplicate",
            params={"email": email},
        )
    invitation = Invitation.objects.create(
        email=email, role=role, school=school, site=site, program=program, invited_by=invited_by
    )
    transaction.on_commit(lambda: invitation_send_email(invitation=invitation))
    return invitation


def invitation_send_email(*, invitation: Invitation) -> None:
    inviter = invitation.invited_by
    send_templated_email(
        to=[invitation.email],
        template="invitation",
        context={
            "invitation": invitation,
            "inviter_name": inviter.display_name,
            "organization": invitation.organization,
            "role_label": invitation.get_role_display().lower(),
            "program": invitation.program,
            "accept_url": absolute_url(reverse("accounts:invitation-accept", args=[invitation.token])),
            "expires_at": invitation.expires_at,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        reply_to=[inviter.email],
    )


def invitation_problem(*, invitation: Invitation, user: User | None = None) -> str | None:
    """Why `invitation` cannot be accepted (by `user`, if given), as a code, or None."""
    if invitation.revoked_at:
        return "revoked"
    if invitation.accepted_at:
        return "used"
    if invitation.is_expired:
        return "expired"
    if user is not None and user.is_authenticated:
        if user.role:
            return "has_role"
        if not _owns_email(user, invitation.email):
            return "wrong_email"
    return None


_PROBLEM_MESSAGES = {
    "revoked": "This invitation was withdrawn by the person who sent it.",
    "used": "This invitation has already been used.",
    "expired": "This invitation has expired.",
    "has_role": "Your account already has a role, and one account has one role.",
    "wrong_email": "This invitation was sent to a different email address than the one on your account.",
}


def _owns_email(user: User, email: str) -> bool:
    """The invitation proves ownership of one address: only that address may use it."""
    from allauth.account.models import EmailAddress

    email = email.lower()
    if user.email.lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> User:
    """`user` (role-less, owning the invited address) joins the organization in the
    invited role. Raises InvitationUnusable with the reason otherwise."""
    problem = invitation_problem(invitation=invitation, user=user)
    if problem:
        raise InvitationUnusable(_PROBLEM_MESSAGES[problem], code=problem)
    # Conditional update: of two simultaneous accepts of one link, exactly one wins.
    now = timezone.now()
    used = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not used:
        raise InvitationUnusable(_PROBLEM_MESSAGES["used"], code="used")
    try:
        _claim_role(user=user, role=invitation.role, school=invitation.school, site=invitation.site)
    except ValidationError:
        raise InvitationUnusable(_PROBLEM_MESSAGES["has_role"], code="has_role") from None
    _profile_create(user=user, program=invitation.program)
    invitation.accepted_at, invitation.accepted_by = now, user
    logger.info("Invitation %s accepted by user %s", invitation.pk, user.pk)
    return user


def can_manage_invitation(user: User, invitation: Invitation) -> bool:
    if user.is_coordinator:
        return invitation.school_id is not None and invitation.school_id == user.school_id
    if user.is_site_staff:
        return invitation.site_id is not None and invitation.site_id == user.site_id
    return False


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user: User) -> Invitation:
    """Withdraw a pending invitation; its link stops working at once."""
    if not can_manage_invitation(user, invitation):
        raise PermissionDenied("Only members of the inviting organization can revoke this invitation.")
    now = timezone.now()
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if not revoked:
        raise ValidationError("This invitation was already used or revoked.", code="not_pending")
    invitation.revoked_at = now
    return invitation


# --- Profiles -------------------------------------------------------------------------
def user_name_update(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def student_profile_update(
    *,
    user: User,
    program: Program | None,
    graduation_year: int | None,
    discipline: Discipline | None,
    specialties,
    city: str,
    state: str,
    bio: str,
    skills: str,
) -> StudentProfile:
    if not user.is_student:
        raise PermissionDenied("Only students have a student profile.")
    if program is not None and program.school_id != user.school_id:
        raise ValidationError("Choose a program of your own school.", code="program_other_school")
    profile, _ = StudentProfile.objects.get_or_create(user=user)
    profile.program = program
    profile.graduation_year = graduation_year
    profile.discipline = discipline
    profile.city, profile.state = city.strip(), state
    profile.bio, profile.skills = bio.strip(), skills.strip()
    profile.save()
    profile.specialties.set(specialties)
    return profile


def student_resume_replace(*, user: User, upload) -> StudentProfile:
    """Store a new resume after checking its content; the old file is deleted once the
    new one is committed, so a failure never leaves the student without either."""
    if not user.is_student:
        raise PermissionDenied("Only students have a resume.")
    validate_pdf(upload)
    with transaction.atomic():
        profile, _ = StudentProfile.objects.select_for_update().get_or_create(user=user)
        old_name = profile.resume.name if profile.resume else ""
        # The stored name is random (private_upload_path); the download names it afresh.
        profile.resume.save("resume.pdf", upload, save=False)
        profile.resume_uploaded_at = timezone.now()
        profile.save(update_fields=["resume", "resume_uploaded_at"])
        new_name = profile.resume.name
        if old_name and old_name != new_name:
            storage = profile.resume.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return profile


def student_resume_remove(*, user: User) -> StudentProfile:
    if not user.is_student:
        raise PermissionDenied("Only students have a resume.")
    with transaction.atomic():
        profile, _ = StudentProfile.objects.select_for_update().get_or_create(user=user)
        old_name = profile.resume.name if profile.resume else ""
        profile.resume = ""
        profile.resume_uploaded_at = None
        profile.save(update_fields=["resume", "resume_uploaded_at"])
        if old_name:
            storage = profile.resume.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return profile


def resume_download_name(student: User) -> str:
    """The name a downloaded resume gets: "resume-sam-lee.pdf"."""
    name = slugify(student.display_name.replace("@", " at ")) or "student"
    return f"resume-{name}.pdf"


def mentor_profile_update(*, user: User, specialty, credentials: str, bio: str) -> MentorProfile:
    if not user.is_mentor:
        raise PermissionDenied("Only mentors have a mentor profile.")
    profile, _ = MentorProfile.objects.get_or_create(user=user)
    profile.specialty, profile.credentials, profile.bio = specialty, credentials.strip(), bio.strip()
    profile.save()
    return profile


def staff_title_update(*, user: User, title: str):
    """The job title of site staff and coordinators."""
    if user.is_site_staff:
        profile, _ = SiteStaffProfile.objects.get_or_create(user=user)
    elif user.is_coordinator:
        profile, _ = CoordinatorProfile.objects.get_or_create(user=user)
    else:
        raise PermissionDenied("Only site staff and coordinators have a title.")
    profile.title = title.strip()
    profile.save(update_fields=["title"])
    return profile


# --- Organizations --------------------------------------------------------------------
_SITE_FIELDS = ("kind", "address", "city", "state", "postal_code", "phone", "website", "description")


@transaction.atomic
def site_update(*, site: Site, by: User, name: str | None = None, specialties=None, **fields) -> Site:
    """Site staff keep their site's profile. A verified site keeps its name: renaming it
    would carry the verification over to another organization, so platform staff do it."""
    if not (by.is_site_staff and by.site_id == site.pk):
        raise PermissionDenied("Only staff of this site can edit it.")
    unknown = set(fields) - set(_SITE_FIELDS)
    if unknown:
        raise TypeError(f"unknown site fields {sorted(unknown)}")
    renamed = name is not None and name.strip() != site.name
    if renamed:
        if site.verified:
            raise ValidationError("A verified site keeps its name; ask Practicum staff to rename it.", code="locked")
        site.name = name.strip()
    for key, value in fields.items():
        setattr(site, key, value.strip() if isinstance(value, str) else value)
    site.full_clean(exclude=["slug", "specialties"])
    site.save()
    if specialties is not None:
        site.specialties.set(specialties)
    if renamed:
        from placements.services.search import posting_search_refresh_for_sites

        # The site's name is part of its postings' keyword index.
        posting_search_refresh_for_sites(site_ids=[site.pk])
    return site


@transaction.atomic
def school_update(
    *, school: School, by: User, name: str | None = None, city: str, state: str, website: str = ""
) -> School:
    """Coordinators keep their school's profile; a verified school keeps its name."""
    if not (by.is_coordinator and by.school_id == school.pk):
        raise PermissionDenied("Only coordinators of this school can edit it.")
    if name is not None and name.strip() != school.name:
        if school.verified:
            raise ValidationError("A verified school keeps its name; ask Practicum staff to rename it.", code="locked")
        if School.objects.filter(name__iexact=name.strip()).exclude(pk=school.pk).exists():
            raise ValidationError("Another school already has that name.", code="school_exists")
        school.name = name.strip()
    school.city, school.state, school.website = city.strip(), state, website.strip()
    school.save()
    return school


def _check_program_name(*, school: School, name: str, exclude_pk=None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("Give the program a name.", code="required")
    clash = Program.objects.filter(school=school, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            "Your school already has a program called %(name)s.", code="duplicate", params={"name": name}
        )
    return name


@transaction.atomic
def program_create(*, school: School, by: User, name: str, discipline: Discipline) -> Program:
    if not (by.is_coordinator and by.school_id == school.pk):
        raise PermissionDenied("Only coordinators of this school can add programs.")
    name = _check_program_name(school=school, name=name)
    return Program.objects.create(school=school, name=name, discipline=discipline)


@transaction.atomic
def program_rename(*, program: Program, by: User, name: str) -> Program:
    if not (by.is_coordinator and by.school_id == program.school_id):
        raise PermissionDenied("Only coordinators of this school can rename its programs.")
    program.name = _check_program_name(school=program.school, name=name, exclude_pk=program.pk)
    program.save(update_fields=["name"])
    return program

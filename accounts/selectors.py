from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Invitation, Program, StudentProfile


def organization_for(user):
    """The school or site a user belongs to, or None."""
    return user.school or user.site


def student_profile_missing(user) -> list[str]:
    """Human names of the profile parts a site would miss when this student applies."""
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is None:
        return ["program", "graduation year", "discipline", "resume"]
    checks = [
        ("program", profile.program_id),
        ("graduation year", profile.graduation_year),
        ("discipline", profile.discipline_id),
        ("specialties of interest", profile.specialties.exists()),
        ("short bio", profile.bio),
        ("resume", profile.resume),
    ]
    return [name for name, present in checks if not present]


def student_profile_for_display(student):
    """The student's profile with everything the profile page shows, in constant queries."""
    return (
        StudentProfile.objects.select_related("user", "user__school", "program", "program__school", "discipline")
        .prefetch_related("specialties")
        .filter(user=student)
        .first()
    )


def invitations_for(user):
    """Invitations of the user's own school (coordinators) or site (site staff)."""
    invitations = Invitation.objects.select_related("invited_by", "accepted_by", "program").order_by("-created_at")
    if user.is_coordinator and user.school_id:
        return invitations.filter(school_id=user.school_id)
    if user.is_site_staff and user.site_id:
        return invitations.filter(site_id=user.site_id)
    return invitations.none()


def invitation_counts(invitations) -> dict[str, int]:
    """How many invitations are pending, accepted, revoked and expired, in one query."""
    now = timezone.now()
    return invitations.aggregate(
        pending=Count("pk", filter=Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        revoked=Count("pk", filter=Q(accepted_at__isnull=True, revoked_at__isnull=False)),
        expired=Count("pk", filter=Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)),
    )


def invitation_by_token(token: str):
    return Invitation.objects.select_related("school", "site", "program", "invited_by").filter(token=token).first()


def school_programs(school):
    return Program.objects.filter(school=school).select_related("discipline").annotate(n_students=Count("students"))


def organization_members(organization):
    """Members of a school or site, by role then name."""
    return organization.members.order_by("role", "last_name", "first_name", "email")

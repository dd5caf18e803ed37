"""Who may see and change what, for people and organizations: one loader per type.

Student records are sensitive (FERPA): a student's profile and resume are visible only to
the student, to staff of a site the student applied to, to mentors of that site once the
placement is approved, to coordinators of the student's school, and to platform staff.
Anyone else gets 404, exactly as if the student did not exist.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Invitation, Program, Role, User

# Application statuses in which a mentor of the site supervises the student.
_MENTOR_VISIBLE_STATUSES = ("approved", "completed")


def can_view_student(viewer, student) -> bool:
    if viewer is None or not viewer.is_authenticated or student is None or student.role != Role.STUDENT:
        return False
    if viewer.pk == student.pk or viewer.is_platform_staff:
        return True
    if viewer.is_coordinator:
        return viewer.school_id is not None and viewer.school_id == student.school_id
    if viewer.is_site_staff or viewer.is_mentor:
        if viewer.site_id is None:
            return False
        from placements.models import Application

        applications = Application.objects.filter(student=student, posting__site_id=viewer.site_id)
        if viewer.is_mentor:
            applications = applications.filter(status__in=_MENTOR_VISIBLE_STATUSES)
        return applications.exists()
    return False


def get_student_for(viewer, student_pk) -> User:
    """The student `student_pk` if `viewer` may see their profile and resume; else 404."""
    try:
        student_pk = int(student_pk)
    except (TypeError, ValueError):
        raise Http404("No such student.") from None
    student = (
        User.objects.filter(pk=student_pk, role=Role.STUDENT)
        .select_related("school", "student_profile", "student_profile__program", "student_profile__discipline")
        .first()
    )
    if student is None or not can_view_student(viewer, student):
        raise Http404("No such student.")
    return student


# --- Organizations and invitations ----------------------------------------------------
def get_own_site_for(user):
    """The site a site staff member keeps; other roles may not edit any site (403)."""
    if not (user.is_authenticated and user.is_site_staff and user.site_id):
        raise PermissionDenied("Only site staff can edit a site profile.")
    return user.site


def get_own_school_for(user):
    """The school a coordinator keeps; other roles may not edit any school (403)."""
    if not (user.is_authenticated and user.is_coordinator and user.school_id):
        raise PermissionDenied("Only coordinators can edit a school profile.")
    return user.school


def get_program_for(user, pk):
    """A program of the coordinator's own school; any other program is 404 to them."""
    school = get_own_school_for(user)
    return get_object_or_404(Program.objects.select_related("school", "discipline"), pk=pk, school=school)


def require_inviter(user) -> None:
    """Only coordinators and site staff invite people (403 for everyone else)."""
    from accounts.services import invitable_roles

    if not (user.is_authenticated and invitable_roles(user)):
        raise PermissionDenied("Only coordinators and site staff can invite people.")


def get_invitation_for(user, pk):
    """An invitation of the user's own school or site; any other is 404 to them."""
    require_inviter(user)
    invitations = Invitation.objects.select_related("invited_by", "accepted_by", "program")
    if user.is_coordinator:
        return get_object_or_404(invitations, pk=pk, school_id=user.school_id)
    return get_object_or_404(invitations, pk=pk, site_id=user.site_id)

"""Who may see and change what, for people and organizations: one loader per type.

Student records are sensitive (FERPA): a student's profile and resume are visible only to
the student, to staff of a site the student applied to, to mentors of that site once the
placement is approved, to coordinators of the student's school, and to platform staff.
Anyone else gets 404, exactly as if the student did not exist.
"""

from django.http import Http404

from accounts.models import Role, User

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

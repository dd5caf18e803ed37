from accounts.models import StudentProfile


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

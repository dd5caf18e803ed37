"""`manage.py seed_demo`: the demo world, loaded once however often it runs."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.demo import demo_resume_pdf
from accounts.models import Role, School, Site, User
from accounts.validators import validate_pdf


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "placements", "account")
    }


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_seed_demo_loads_the_demo_world_and_a_second_run_adds_nothing(db, debug):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    assert School.objects.filter(verified=True).count() >= 3
    assert Site.objects.filter(verified=True).count() >= 36
    assert Site.objects.filter(verified=False).exists()
    assert set(Site.objects.values_list("kind", flat=True)) == set(Site.Kind.values)
    assert Site.objects.filter(verified=True).values("state").distinct().count() >= 20
    assert all(site.specialties.exists() for site in Site.objects.all())
    text = out.getvalue()
    for email in (
        "student@example.com",
        "site@example.com",
        "mentor@example.com",
        "coordinator@example.com",
        "admin@example.com",
    ):
        assert email in text
    assert "practicum-demo" in text

    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_demo_logins_work_with_their_roles(client, db, debug):
    call_command("seed_demo", stdout=StringIO())
    student = User.objects.get(email="student@example.com")
    assert (student.role, student.school.name) == (Role.STUDENT, "Riverside College of Health")
    profile = student.student_profile
    assert profile.program.name == "BSN Nursing" and profile.bio and profile.skills and profile.specialties.exists()
    validate_pdf(profile.resume.open("rb"))
    site_staff = User.objects.get(email="site@example.com")
    mentor = User.objects.get(email="mentor@example.com")
    assert site_staff.role == Role.SITE_STAFF and mentor.role == Role.MENTOR
    assert site_staff.site == mentor.site and site_staff.site.name == "Mercy General Hospital"
    assert User.objects.get(email="coordinator@example.com").school == student.school
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.role == Role.PLATFORM_STAFF
    for email in (
        "student@example.com",
        "site@example.com",
        "mentor@example.com",
        "coordinator@example.com",
        "admin@example.com",
    ):
        response = client.post("/accounts/login/", {"login": email, "password": "practicum-demo"})
        assert response.status_code == 302 and "_auth_user_id" in client.session, email
        assert client.get("/dashboard/").status_code == 200, email
        client.logout()


def test_seed_demo_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="student@example.com").exists()


def test_the_demo_resume_is_a_real_pdf():
    from django.core.files.base import ContentFile

    validate_pdf(ContentFile(demo_resume_pdf("Sam (Rivera)"), name="r.pdf"))

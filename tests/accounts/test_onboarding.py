"""Sign-up with mandatory email verification, then onboarding: one role per person."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role, School, Site, StudentProfile, User
from tests import factories as f

PASSWORD = "a-long-pass-phrase-7"


def _signup(client, email="nia@example.net"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "first_name": "Nia", "last_name": "Okafor", "password1": PASSWORD, "password2": PASSWORD},
    )


def _confirm_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", message.body).group(1)


@pytest.fixture
def roleless(db):
    return f.UserFactory(email="new@example.net", first_name="Nia")


# --- sign-up and verification ---------------------------------------------------------
def test_signup_sends_a_confirmation_email_and_logs_in_only_after_it(client, db):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nia@example.net")
    assert (user.first_name, user.last_name, user.role) == ("Nia", "Okafor", "")
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[Practicum]")
    assert "Confirm" in message.subject or "confirm" in message.subject.lower()
    assert "/accounts/confirm-email/" in message.body
    html = message.alternatives[0][0]
    assert "Confirm my email address" in html and "Practicum" in html

    # Logging in before confirming only re-sends the confirmation.
    response = client.post(reverse("account_login"), {"login": "nia@example.net", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    response = client.post(_confirm_link(message))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    # A new person has no role yet: every page sends them to onboarding.
    assert client.get(reverse("dashboard"))["Location"] == reverse("accounts:onboarding")


def test_a_signed_in_user_without_role_is_sent_to_onboarding_except_account_pages(client, roleless):
    client.force_login(roleless)
    assert client.get(reverse("dashboard"))["Location"] == reverse("accounts:onboarding")
    assert client.get(reverse("accounts:profile-edit"))["Location"] == reverse("accounts:onboarding")
    for name in ("account_email", "account_change_password", "healthz", "accounts:onboarding"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("accounts:invitation-accept", args=["nope"])).status_code == 404
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_onboarding_page_offers_the_three_self_service_roles_and_no_mentor(client, roleless):
    client.force_login(roleless)
    body = client.get(reverse("accounts:onboarding")).content.decode()
    for name in ("accounts:onboarding-student", "accounts:onboarding-coordinator", "accounts:onboarding-site"):
        assert reverse(name) in body
    assert "Mentors always join through their site’s invitation" in body


# --- students -------------------------------------------------------------------------
def test_student_picks_a_verified_school_and_its_program(client, roleless, school):
    program = f.ProgramFactory(school=school, name="BSN Nursing")
    client.force_login(roleless)
    page = client.get(reverse("accounts:onboarding-student")).content.decode()
    assert "Riverside College of Health" in page and "BSN Nursing" in page
    response = client.post(
        reverse("accounts:onboarding-student"), {"school": school.pk, "program": program.pk, "graduation_year": 2028}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile-edit")
    roleless.refresh_from_db()
    assert (roleless.role, roleless.school, roleless.site) == (Role.STUDENT, school, None)
    profile = StudentProfile.objects.get(user=roleless)
    assert (profile.program, profile.discipline, profile.graduation_year) == (program, program.discipline, 2028)
    assert client.get(reverse("dashboard")).status_code == 200


def test_student_cannot_take_a_program_of_another_school(client, roleless, school, other_school):
    f.ProgramFactory(school=school)
    foreign = f.ProgramFactory(school=other_school)
    client.force_login(roleless)
    response = client.post(reverse("accounts:onboarding-student"), {"school": school.pk, "program": foreign.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    roleless.refresh_from_db()
    assert roleless.role == ""


def test_unverified_school_is_not_offered_to_students(client, roleless):
    pending = f.SchoolFactory(name="Pending College", verified=False)
    program = f.ProgramFactory(school=pending)
    client.force_login(roleless)
    assert "Pending College" not in client.get(reverse("accounts:onboarding-student")).content.decode()
    response = client.post(reverse("accounts:onboarding-student"), {"school": pending.pk, "program": program.pk})
    assert response.status_code == 200
    roleless.refresh_from_db()
    assert roleless.role == ""
    with pytest.raises(ValidationError):
        services.user_onboard_student(user=roleless, program=program)


def test_program_options_fragment_lists_only_that_schools_programs(client, roleless, school, other_school):
    f.ProgramFactory(school=school, name="BSN Nursing")
    f.ProgramFactory(school=other_school, name="MD Program")
    client.force_login(roleless)
    body = client.get(reverse("accounts:onboarding-programs"), {"school": school.pk}).content.decode()
    assert "BSN Nursing" in body and "MD Program" not in body
    everything = client.get(reverse("accounts:onboarding-programs")).content.decode()
    assert '<optgroup label="Lakeside University">' in everything and "BSN Nursing" in everything


# --- coordinators and site staff -----------------------------------------------------
def test_coordinator_registers_a_school_pending_verification(client, roleless):
    client.force_login(roleless)
    response = client.post(
        reverse("accounts:onboarding-coordinator"),
        {"name": "Harbor State College", "city": "Erie", "state": "PA", "website": "harbor.example", "title": "Dean"},
    )
    assert response.status_code == 302
    school = School.objects.get(name="Harbor State College")
    assert not school.verified
    assert school.website == "https://harbor.example"
    roleless.refresh_from_db()
    assert (roleless.role, roleless.school) == (Role.COORDINATOR, school)
    assert roleless.coordinator_profile.title == "Dean"
    assert "waiting for verification" in client.get(reverse("dashboard")).content.decode()


def test_coordinator_cannot_register_an_existing_school_to_join_it(client, roleless, school):
    client.force_login(roleless)
    response = client.post(
        reverse("accounts:onboarding-coordinator"), {"name": school.name.upper(), "city": "X", "state": "OH"}
    )
    assert response.status_code == 200
    assert "is already on Practicum. Ask one of its coordinators for an invitation." in response.content.decode()
    roleless.refresh_from_db()
    assert (roleless.role, roleless.school) == ("", None)
    assert School.objects.count() == 1


def test_site_staff_registers_a_site_with_specialties_pending_verification(client, roleless):
    client.force_login(roleless)
    cardiology, oncology = f.specialty("cardiology"), f.specialty("oncology")
    response = client.post(
        reverse("accounts:onboarding-site"),
        {
            "name": "Harbor Heart Clinic",
            "kind": "clinic",
            "address": "1 Pier Road",
            "city": "Erie",
            "state": "PA",
            "description": "Outpatient cardiology.",
            "specialties": [cardiology.pk, oncology.pk],
            "title": "Nurse educator",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(name="Harbor Heart Clinic")
    assert not site.verified and site.kind == "clinic"
    assert set(site.specialties.all()) == {cardiology, oncology}
    roleless.refresh_from_db()
    assert (roleless.role, roleless.site, roleless.school) == (Role.SITE_STAFF, site, None)
    assert roleless.site_staff_profile.title == "Nurse educator"


def test_site_form_errors_are_shown_and_nothing_is_created(client, roleless):
    client.force_login(roleless)
    response = client.post(reverse("accounts:onboarding-site"), {"name": "", "kind": "spaceship"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body and 'aria-invalid="true"' in body
    assert not Site.objects.exists()


# --- one user, one role ---------------------------------------------------------------
@pytest.mark.parametrize("persona", ["student", "coordinator", "site_staff", "mentor", "platform_staff"])
def test_nobody_with_a_role_can_onboard_again(persona, personas, client_for):
    user = personas[persona]
    before = (user.role, user.school_id, user.site_id)
    client = client_for(user)
    client.post(reverse("accounts:onboarding-coordinator"), {"name": "Second College", "city": "A", "state": "OH"})
    client.post(
        reverse("accounts:onboarding-site"),
        {"name": "Second Site", "kind": "clinic", "address": "1 A St", "city": "A", "state": "OH", "description": "x"},
    )
    user.refresh_from_db()
    assert (user.role, user.school_id, user.site_id) == before
    assert not School.objects.filter(name="Second College").exists()
    assert not Site.objects.filter(name="Second Site").exists()


def test_services_refuse_a_second_role(student, school):
    program = f.ProgramFactory(school=school)
    with pytest.raises(ValidationError) as exc:
        services.user_onboard_student(user=student, program=program)
    assert exc.value.code == "has_role"
    with pytest.raises(ValidationError):
        services.school_create_pending(user=student, name="Another School", city="A", state="OH")
    # The school was not left behind half-created.
    assert not School.objects.filter(name="Another School").exists()


def test_the_role_check_uses_the_database_not_a_stale_object(roleless, school):
    """Two tabs: both hold the role-less user; only the first onboarding wins."""
    program = f.ProgramFactory(school=school)
    stale = User.objects.get(pk=roleless.pk)
    services.user_onboard_student(user=roleless, program=program)
    with pytest.raises(ValidationError):
        services.school_create_pending(user=stale, name="Tab Two College", city="A", state="OH")
    roleless.refresh_from_db()
    assert roleless.role == Role.STUDENT


@pytest.mark.parametrize("persona", ["student", "mentor", "site_staff", "coordinator"])
def test_profile_edit_ignores_role_and_organization_fields(persona, personas, client_for, other_school, other_site):
    user = personas[persona]
    before = (user.role, user.school_id, user.site_id)
    client_for(user).post(
        reverse("accounts:profile-edit"),
        {
            "first_name": "Changed",
            "last_name": "Name",
            "role": Role.PLATFORM_STAFF,
            "school": other_school.pk,
            "site": other_site.pk,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    user.refresh_from_db()
    assert (user.role, user.school_id, user.site_id) == before
    assert not user.is_staff and not user.is_superuser

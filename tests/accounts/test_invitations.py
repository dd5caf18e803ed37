"""Invitations: who may send them, the email, single use, expiry, revocation, and the
way a link carries a person through sign-up or log-in into the organization."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Role, StudentProfile, User
from tests import factories as f

PASSWORD = "a-long-pass-phrase-7"


@pytest.fixture
def program(student):
    return student.student_profile.program


def _invite(client, **data):
    return client.post(reverse("accounts:invitation-create"), data)


# --- sending --------------------------------------------------------------------------
def test_coordinator_invites_a_student_to_a_program_and_the_email_carries_the_link(
    client_for, coordinator, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(coordinator), email="Ana@Example.net", role=Role.STUDENT, program=program.pk)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.school, invitation.site, invitation.program) == (
        "ana@example.net",
        Role.STUDENT,
        coordinator.school,
        None,
        program,
    )
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.net"]
    assert message.reply_to == [coordinator.email]
    assert message.subject == "[Practicum] Casey Ng invites you to join Riverside College of Health on Practicum"
    link = f"http://127.0.0.1:8000/invite/{invitation.token}/"
    assert link in message.body and "as student in" in message.body
    html = message.alternatives[0][0]
    assert link in html and "Accept the invitation" in html
    assert "Never send patient information" in html


@pytest.mark.parametrize(
    ("inviter", "role"),
    [("coordinator", Role.COORDINATOR), ("site_staff", Role.MENTOR), ("site_staff", Role.SITE_STAFF)],
)
def test_each_inviting_role_invites_its_own_kinds_to_its_own_organization(
    inviter, role, personas, django_capture_on_commit_callbacks
):
    user = personas[inviter]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(invited_by=user, email="colleague@example.net", role=role)
    assert invitation.school_id == user.school_id and invitation.site_id == user.site_id
    assert invitation.program is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("inviter", "role"),
    [
        ("coordinator", Role.MENTOR),
        ("coordinator", Role.SITE_STAFF),
        ("coordinator", Role.PLATFORM_STAFF),
        ("site_staff", Role.STUDENT),
        ("site_staff", Role.COORDINATOR),
        ("student", Role.STUDENT),
        ("mentor", Role.MENTOR),
        ("platform_staff", Role.COORDINATOR),
    ],
)
def test_roles_cannot_invite_outside_their_rights(inviter, role, personas, client_for, school):
    user = personas[inviter]
    program = f.ProgramFactory(school=school)
    with pytest.raises(PermissionDenied):
        services.invitation_create(invited_by=user, email="x@example.net", role=role, program=program)
    response = _invite(client_for(user), email="x@example.net", role=role, program=program.pk)
    assert response.status_code in (200, 403)
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_student_invitation_needs_a_program_of_the_own_school(client_for, coordinator, other_school):
    client = client_for(coordinator)
    response = _invite(client, email="x@example.net", role=Role.STUDENT)
    assert "Choose the program the student joins." in response.content.decode()
    foreign = f.ProgramFactory(school=other_school)
    response = _invite(client, email="x@example.net", role=Role.STUDENT, program=foreign.pk)
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        services.invitation_create(invited_by=coordinator, email="x@example.net", role=Role.STUDENT, program=foreign)
    assert not Invitation.objects.exists()


def test_a_second_pending_invitation_to_the_same_address_is_refused(client_for, site_staff):
    services.invitation_create(invited_by=site_staff, email="m@example.net", role=Role.MENTOR)
    response = _invite(client_for(site_staff), email="M@example.net", role=Role.MENTOR)
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_list_shows_each_status_in_words(client_for, coordinator, program):
    now = timezone.now()
    f.InvitationFactory(invited_by=coordinator, email="pending@example.net", program=program)
    f.InvitationFactory(invited_by=coordinator, email="old@example.net", expires_at=now - dt.timedelta(days=2))
    f.InvitationFactory(invited_by=coordinator, email="gone@example.net", revoked_at=now - dt.timedelta(hours=3))
    f.InvitationFactory(invited_by=coordinator, email="in@example.net", accepted_at=now - dt.timedelta(days=1))
    f.InvitationFactory(invited_by=f.CoordinatorFactory(), email="elsewhere@example.net")
    body = client_for(coordinator).get(reverse("accounts:invitation-list")).content.decode()
    assert "1 pending · 1 accepted · 1 expired · 1 revoked" in body
    assert "expires in 1\xa0week" in body or "expires in 13\xa0days" in body
    assert "3\xa0hours ago" in body and "1\xa0day ago" in body and "2\xa0days ago" in body
    assert "elsewhere@example.net" not in body


def test_list_query_count_does_not_grow_with_invitations(
    client_for, coordinator, program, django_assert_max_num_queries
):
    client = client_for(coordinator)
    for i in range(3):
        f.InvitationFactory(invited_by=coordinator, email=f"a{i}@example.net", program=program)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:invitation-list"))
    for i in range(15):
        f.InvitationFactory(invited_by=coordinator, email=f"b{i}@example.net", program=program)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:invitation-list"))


# --- accepting ------------------------------------------------------------------------
@pytest.fixture
def invitation(coordinator, program):
    return services.invitation_create(
        invited_by=coordinator, email="ana@example.net", role=Role.STUDENT, program=program
    )


def test_anonymous_visitor_sees_who_invites_them_and_signs_up_without_a_second_email(client, invitation, program):
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Casey Ng invites you to join Riverside College of Health" in body
    assert program.name in body
    assert "/accounts/signup/?email=ana%40example.net" in body

    signup = client.get(reverse("account_signup"), {"email": "ana@example.net"})
    assert 'value="ana@example.net"' in signup.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ana@example.net",
            "first_name": "Ana",
            "last_name": "Silva",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile-edit")
    user = User.objects.get(email="ana@example.net")
    # The link proved the address: verified, logged in, no confirmation email.
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not mail.outbox
    assert (user.role, user.school_id) == (Role.STUDENT, invitation.school_id)
    assert StudentProfile.objects.get(user=user).program == program
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at


def test_signing_up_with_another_address_needs_confirmation_and_does_not_use_the_invitation(client, invitation):
    client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    client.post(
        reverse("account_signup"),
        {
            "email": "other@example.net",
            "first_name": "O",
            "last_name": "T",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="other@example.net")
    assert not EmailAddress.objects.get(user=user).verified
    link = re.search(r"(/accounts/confirm-email/[^\s/]+/)", mail.outbox[0].body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.role == ""
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    messages = [str(m) for m in client.get(reverse("accounts:onboarding")).context["messages"]]
    assert any("was not used" in m and "different email address" in m for m in messages)


def test_existing_roleless_account_logs_in_from_the_link_and_joins(client, invitation):
    user = f.UserFactory(email="ana@example.net")
    client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    response = client.post(reverse("account_login"), {"login": "ana@example.net", "password": f.PASSWORD})
    assert response["Location"] == reverse("accounts:profile-edit")
    user.refresh_from_db()
    assert user.role == Role.STUDENT and user.school_id == invitation.school_id


def test_signed_in_roleless_owner_accepts_with_the_button(client, invitation):
    user = f.UserFactory(email="ana@example.net")
    client.force_login(user)
    assert (
        b"Join Riverside College of Health"
        in client.get(reverse("accounts:invitation-accept", args=[invitation.token])).content
    )
    response = client.post(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.STUDENT


def test_a_link_works_once(client, invitation):
    first = f.UserFactory(email="ana@example.net")
    services.invitation_accept(invitation=invitation, user=first)
    second = f.UserFactory(email="someone@example.net")
    with pytest.raises(services.InvitationUnusable) as exc:
        services.invitation_accept(invitation=invitation, user=second)
    assert exc.value.code == "used"
    client.force_login(second)
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert page.status_code == 410
    assert "already been used" in page.content.decode()
    assert "Ask Casey Ng" in page.content.decode()
    second.refresh_from_db()
    assert second.role == ""


def test_an_expired_link_says_so_and_who_to_ask(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    invitation.refresh_from_db()
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert page.status_code == 410
    body = page.content.decode()
    assert "no longer works" in body and "expired" in body and "coordinator@example.org" in body
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=f.UserFactory(email="ana@example.net"))


def test_a_revoked_link_stops_working_at_once(client_for, coordinator, invitation):
    response = client_for(coordinator).post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at
    page = client_for(None).get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert page.status_code == 410 and "withdrawn" in page.content.decode()
    with pytest.raises(services.InvitationUnusable) as exc:
        services.invitation_accept(invitation=invitation, user=f.UserFactory(email="ana@example.net"))
    assert exc.value.code == "revoked"
    # Revoking twice only says so.
    client_for(coordinator).post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, user=coordinator)


def test_an_accepted_invitation_cannot_be_revoked(coordinator, invitation):
    services.invitation_accept(invitation=invitation, user=f.UserFactory(email="ana@example.net"))
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, user=coordinator)


@pytest.mark.parametrize(
    "persona", ["student", "other_student", "site_staff", "mentor", "other_coordinator", "platform_staff"]
)
def test_someone_with_a_role_cannot_accept(persona, personas, client_for, invitation):
    user = personas[persona]
    before = (user.role, user.school_id, user.site_id)
    EmailAddress.objects.update_or_create(user=user, email="ana@example.net", defaults={"verified": True})
    client = client_for(user)
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert page.status_code == 403
    assert "One account has one role" in page.content.decode()
    client.post(reverse("accounts:invitation-accept", args=[invitation.token]))
    user.refresh_from_db()
    assert (user.role, user.school_id, user.site_id) == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_role_holder_logging_in_from_a_link_keeps_their_role(client, invitation, site_staff):
    client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    response = client.post(reverse("account_login"), {"login": site_staff.email, "password": f.PASSWORD})
    assert response["Location"] == reverse("dashboard")
    site_staff.refresh_from_db()
    assert (site_staff.role, site_staff.site_id, site_staff.school_id) == (Role.SITE_STAFF, site_staff.site_id, None)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    messages = [str(m) for m in client.get(reverse("dashboard")).context["messages"]]
    assert any("was not used" in m for m in messages)


def test_the_link_belongs_to_the_invited_address(client, invitation):
    stranger = f.UserFactory(email="stranger@example.net")
    client.force_login(stranger)
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert page.status_code == 403 and "was sent to ana@example.net" in page.content.decode()
    client.post(reverse("accounts:invitation-accept", args=[invitation.token]))
    stranger.refresh_from_db()
    assert stranger.role == ""


def test_staff_of_one_site_cannot_invite_into_another(site_staff, other_site):
    invitation = services.invitation_create(invited_by=site_staff, email="m@example.net", role=Role.MENTOR)
    assert invitation.site == site_staff.site != other_site


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SITE_STAFF])
def test_mentor_and_staff_invitations_join_the_site_with_a_profile(site_staff, role):
    invitation = services.invitation_create(invited_by=site_staff, email="m@example.net", role=role)
    user = services.invitation_accept(invitation=invitation, user=f.UserFactory(email="m@example.net"))
    user.refresh_from_db()
    assert (user.role, user.site, user.school) == (role, site_staff.site, None)
    profile = user.mentor_profile if role == Role.MENTOR else user.site_staff_profile
    assert profile.pk == user.pk

"""A new student's first visit, in a real browser: sign up, confirm the email, log in,
say who they are, fill the profile, upload a resume and see it on the profile."""

import re

import pytest
from django.core import mail

from accounts.models import Role, StudentProfile, User
from tests import factories as f
from tests.accounts.conftest import pdf_bytes

PASSWORD = "a-long-pass-phrase-7"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_new_student_signs_up_confirms_onboards_and_uploads_a_resume(new_page, live_server, shot, width):
    school = f.SchoolFactory(name="Riverside College of Health")
    f.ProgramFactory(school=school, name="BSN Nursing")
    f.ProgramFactory(school=school, name="Doctor of Physical Therapy", discipline=f.discipline("physical-therapy"))
    other = f.SchoolFactory(name="Lakeside University", city="Chicago", state="IL")
    f.ProgramFactory(school=other, name="MD Program", discipline=f.discipline("medicine"))
    base = live_server.url
    email = f"nia.{width}@example.net"
    page = new_page(width=width)

    # Sign up.
    page.goto(f"{base}/")
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shot(page, f"signup_form_{width}")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    assert page.get_by_role("heading", level=1).inner_text().lower().startswith("verify your email")
    shot(page, f"signup_verification_sent_{width}")

    # Confirm the address with the link from the email (live_server runs in this process).
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"(/accounts/confirm-email/[^\s/]+/)", message.body).group(1)
    page.goto(base + link)
    shot(page, f"signup_confirm_{width}")
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/onboarding/")

    # Log out and log in again with the new password.
    page.goto(f"{base}/accounts/logout/")
    page.locator("main").get_by_role("button", name="Log out").click()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/onboarding/")
    shot(page, f"onboarding_{width}")

    # Say who they are: a student of a verified school, in one of its programs.
    page.get_by_role("link", name="Continue as a student").click()
    page.get_by_label("School").select_option(label="Riverside College of Health")
    # htmx narrows the program list to that school.
    page.wait_for_function("!document.querySelector('#id_program').textContent.includes('MD Program')")
    page.get_by_label("Program").select_option(label="BSN Nursing")
    page.get_by_label("Expected graduation year").select_option(index=3)
    shot(page, f"onboarding_student_{width}")
    page.locator("main").get_by_role("button", name="Join as a student").click()
    page.wait_for_url(f"{base}/profile/")
    user = User.objects.get(email=email)
    assert (user.role, user.school) == (Role.STUDENT, school)

    # Fill the profile.
    page.get_by_label("Cardiology").check()
    page.get_by_label("Emergency medicine").check()
    page.get_by_label("City").fill("Columbus")
    page.get_by_label("State").select_option(label="Ohio")
    page.get_by_label("Short bio").fill("Second-year nursing student who loves the pace of the ED.")
    page.get_by_label("Skills").fill("BLS certified\nSpanish (conversational)")
    page.locator("main").get_by_role("button", name="Save profile").click()
    page.wait_for_url(f"{base}/students/{user.pk}/")
    assert "Second-year nursing student" in page.inner_text("main")
    assert "No resume uploaded." in page.inner_text("main")

    # A file that is not a PDF is refused with a message; a real one is kept.
    page.goto(f"{base}/profile/")
    resume = page.get_by_label("Resume (PDF, at most 5 MB)")
    resume.set_input_files(files=[{"name": "resume.pdf", "mimeType": "application/pdf", "buffer": b"<html>hi</html>"}])
    page.locator("main").get_by_role("button", name="Upload resume").click()
    assert "This file is not a PDF" in page.inner_text("main")
    shot(page, f"resume_refused_{width}")
    assert not StudentProfile.objects.get(user=user).resume

    resume = page.get_by_label("Resume (PDF, at most 5 MB)")
    resume.set_input_files(files=[{"name": "resume.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.locator("main").get_by_role("button", name="Upload resume").click()
    page.wait_for_url(f"{base}/profile/")
    assert "Your resume is uploaded." in page.inner_text("main")

    # The profile shows the resume, and its link downloads the PDF.
    page.get_by_role("link", name="See your profile as sites see it").click()
    page.wait_for_url(f"{base}/students/{user.pk}/")
    download = page.get_by_role("link", name="Download resume")
    assert download.is_visible()
    shot(page, f"student_profile_{width}")
    response = page.request.get(base + download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    if width < 992:
        # Nothing sticks out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

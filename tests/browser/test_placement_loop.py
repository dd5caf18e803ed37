"""The whole placement loop with four people in four browser contexts: site staff publish
a posting, the student applies, the site offers, the student accepts, the coordinator
approves, and each sees the new state on their dashboard (the mentor too)."""

import datetime as dt
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StudentProfile
from placements.models import Application, Posting
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TITLE = "Cardiac step-down nursing internship"


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def people(transactional_db):
    school = f.SchoolFactory(name="Riverside College of Health")
    site = f.SiteFactory(name="Mercy General Hospital", city="Columbus", state="OH")
    student = f.StudentFactory(school=school, email="sam@example.org", first_name="Sam", last_name="Lee")
    profile = StudentProfile.objects.get(user=student)
    profile.resume.save("resume.pdf", ContentFile(_pdf()), save=False)
    profile.resume_uploaded_at = timezone.now()
    profile.save()
    staff = f.SiteStaffFactory(site=site, email="morgan@example.org", first_name="Morgan", last_name="Diaz")
    mentor = f.MentorFactory(site=site, email="robin@example.org", first_name="Robin", last_name="Shah")
    coordinator = f.CoordinatorFactory(school=school, email="casey@example.org", first_name="Casey", last_name="Ng")
    today = timezone.localdate()
    f.AgreementFactory(
        school=school, site=site, start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=500)
    )
    return {"student": student, "staff": staff, "mentor": mentor, "coordinator": coordinator}


def log_in(page, base, user):
    page.goto(base + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_publish_apply_offer_accept_approve(live_server, new_page, shot, people):
    base = live_server.url
    today = timezone.localdate()
    staff, student, coordinator, mentor = (new_page() for _ in range(4))

    # 1. Site staff publish a posting through the form.
    log_in(staff, base, people["staff"])
    staff.goto(base + reverse("placements:posting-create"))
    staff.get_by_label("Title").fill(TITLE)
    staff.get_by_label("Discipline").select_option(label="Nursing")
    staff.get_by_label("Cardiology").check()
    staff.get_by_label("Description").fill("A supervised summer internship on our cardiac step-down unit.")
    staff.get_by_label("What the student will do").fill("Take vitals and assist with patient education.")
    staff.get_by_label("What the student will learn").fill("Telemetry basics and cardiac medications.")
    staff.get_by_label("Compliance requirements").fill("Immunizations, background check, BLS.")
    staff.get_by_label("Start date").fill((today + dt.timedelta(days=60)).isoformat())
    staff.get_by_label("End date").fill((today + dt.timedelta(days=130)).isoformat())
    staff.get_by_label("Application deadline").fill((today + dt.timedelta(days=21)).isoformat())
    staff.get_by_label("Hours per week").fill("24")
    staff.get_by_label("Slots").fill("2")
    staff.get_by_label("Mentor").select_option(label="Robin Shah")
    shot(staff, "loop-01-staff-posting-form")
    staff.get_by_role("button", name="Save and publish").click()
    expect(staff.get_by_text(TITLE).first).to_be_visible()
    posting = Posting.objects.get(title=TITLE)
    assert posting.status == Posting.Status.PUBLISHED
    shot(staff, "loop-02-staff-published")

    # 2. The student finds it and applies with the resume on their profile.
    log_in(student, base, people["student"])
    student.goto(base + reverse("placements:posting-list") + "?q=cardiac")
    student.get_by_role("link", name=TITLE).first.click()
    student.get_by_role("link", name="Apply").click()
    student.get_by_label("Cover letter").fill("I worked two summers as a nursing assistant on a telemetry unit.")
    shot(student, "loop-03-student-apply")
    student.get_by_role("button", name="Send application").click()
    expect(student.get_by_text("Submitted").first).to_be_visible()
    application = Application.objects.get(posting=posting, student=people["student"])
    assert application.status == Application.Status.SUBMITTED

    # 3. The site sees it on the dashboard and makes an offer.
    staff.goto(base + reverse("dashboard"))
    new_section = staff.get_by_role("region", name="New applications to review")
    expect(new_section.get_by_role("link", name="Sam Lee")).to_be_visible()
    shot(staff, "loop-04-staff-dashboard-new")
    new_section.get_by_role("link", name="Sam Lee").click()
    staff.get_by_role("button", name="Send offer").click()
    expect(staff.get_by_text("Offered").first).to_be_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED

    # 4. The student sees the offer and its deadline on the dashboard, and accepts.
    student.goto(base + reverse("dashboard"))
    offers = student.get_by_role("region", name=re.compile("Offers waiting for your answer"))
    expect(offers).to_contain_text(TITLE)
    expect(offers).to_contain_text(re.compile(r"Respond within \d+ (days?|hours?)"))
    shot(student, "loop-05-student-dashboard-offer")
    offers.get_by_role("link", name=re.compile("Answer the offer")).click()
    student.get_by_role("button", name="Accept offer").click()
    expect(student.get_by_text("Accepted").first).to_be_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    student.goto(base + reverse("dashboard"))
    expect(student.get_by_text("waiting for your coordinator's approval")).to_be_visible()

    # 5. The coordinator approves from the queue, confirming the compliance requirements.
    log_in(coordinator, base, people["coordinator"])
    approvals = coordinator.get_by_role("region", name=re.compile("Approvals waiting"))
    expect(approvals).to_contain_text("Sam Lee")
    expect(approvals).to_contain_text("Covered by agreement")
    shot(coordinator, "loop-06-coordinator-dashboard")
    coordinator.get_by_role("link", name="Approvals", exact=True).click()
    expect(coordinator.get_by_text(re.compile("Covered by agreement until"))).to_be_visible()
    shot(coordinator, "loop-07-coordinator-queue")
    coordinator.get_by_role("link", name=re.compile("Review and decide")).click()
    coordinator.get_by_label(re.compile("I confirm the student meets the compliance requirements")).check()
    coordinator.get_by_role("button", name="Approve placement").click()
    expect(
        coordinator.get_by_text(re.compile("Approved: Sam Lee's placement at Mercy General Hospital"))
    ).to_be_visible()
    shot(coordinator, "loop-08-coordinator-approved")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED

    # 6. Everyone sees the placement on their dashboard.
    student.goto(base + reverse("dashboard"))
    placements = student.get_by_role("region", name="Your placements")
    expect(placements).to_contain_text(TITLE)
    expect(placements).to_contain_text("Mercy General Hospital")
    expect(placements).to_contain_text("Mentor: Robin Shah")
    expect(placements).to_contain_text("Upcoming")
    shot(student, "loop-09-student-dashboard-placed")

    staff.goto(base + reverse("dashboard"))
    expect(staff.get_by_role("region", name="Upcoming and current placements")).to_contain_text("Sam Lee")
    shot(staff, "loop-10-staff-dashboard-placed")

    coordinator.goto(base + reverse("dashboard"))
    table = coordinator.get_by_role("region", name="Placement status of your students")
    expect(table.get_by_role("row", name=re.compile("Sam Lee"))).to_contain_text("Approved")
    expect(coordinator.get_by_role("region", name=re.compile("Approvals waiting"))).to_contain_text(
        "Nothing to approve"
    )
    shot(coordinator, "loop-11-coordinator-dashboard-placed")

    log_in(mentor, base, people["mentor"])
    expect(mentor.get_by_role("region", name=re.compile("Students you mentor"))).to_contain_text("Sam Lee")
    shot(mentor, "loop-12-mentor-dashboard")


def test_coordinator_dashboard_on_a_phone(live_server, new_page, shot, people):
    page = new_page(width=390, height=844)
    log_in(page, live_server.url, people["coordinator"])
    expect(page.get_by_role("heading", name="Placement status of your students")).to_be_visible()
    # Nothing overflows the viewport sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "loop-13-coordinator-dashboard-390")

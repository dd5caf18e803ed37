"""Every role's dashboard and the coordinator's CSV export: what each sees, that no list,
count or row leaks another school's or site's data, and constant query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Application, Posting
from placements.selectors.dashboards import dates_phrase, respond_phrase
from placements.services.approvals import placement_approve
from placements.services.transitions import application_transition
from tests import factories as f
from tests.placements.test_approvals import accepted_application

pytestmark = pytest.mark.django_db
S = Application.Status


def offer(application, site_staff, *, days=2, hours=1):
    application_transition(
        application_id=application.pk,
        actor=site_staff,
        to_status=S.OFFERED,
        updates={"offer_expires_at": timezone.now() + dt.timedelta(days=days, hours=hours)},
    )
    application.refresh_from_db()
    return application


def approved_application(*, student, site_staff, coordinator, **posting_fields):
    application = accepted_application(student=student, site_staff=site_staff, **posting_fields)
    f.AgreementFactory(
        school=student.school,
        site=application.posting.site,
        start_date=application.posting.start_date - dt.timedelta(days=1),
        end_date=application.posting.end_date + dt.timedelta(days=1),
    )
    placement_approve(application_id=application.pk, actor=coordinator, requirements_met=True)
    application.refresh_from_db()
    return application


def board(client_for, user, **params):
    response = client_for(user).get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


# --- Phrases --------------------------------------------------------------------------
def test_phrases_in_words():
    now = timezone.now()
    assert respond_phrase(now + dt.timedelta(days=2, hours=5), now) == "respond within 2 days"
    assert respond_phrase(now + dt.timedelta(hours=5), now) == "respond within 5 hours"
    assert respond_phrase(now - dt.timedelta(minutes=1), now) == "the response deadline has passed"
    today = dt.date(2026, 5, 1)
    assert dates_phrase(dt.date(2026, 5, 13), dt.date(2026, 7, 1), today) == "starts in 12 days"
    assert dates_phrase(dt.date(2026, 4, 1), dt.date(2026, 5, 31), today) == "under way, ends in 30 days"
    assert dates_phrase(dt.date(2026, 3, 1), dt.date(2026, 4, 28), today) == "ended 3 days ago"


# --- Student --------------------------------------------------------------------------
def test_student_with_nothing_yet_is_pointed_to_the_openings(client_for, student):
    body = board(client_for, student).content.decode()
    assert "No applications yet — browse openings" in body
    assert "No approved placement yet" in body


def test_student_sees_counts_offers_with_deadlines_and_placements(
    client_for, student, other_student, site_staff, other_site_staff, coordinator, mentor, site
):
    f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Submitted one"))
    offered = offer(
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="ICU externship")), site_staff
    )
    placed = approved_application(
        student=student, site_staff=site_staff, coordinator=coordinator, title="Cardiac step-down", mentor=mentor
    )
    # Another student's offer at the same site never shows.
    offer(f.ApplicationFactory(student=other_student, posting=f.PostingFactory(site=site, title="Secret")), site_staff)

    response = board(client_for, student)
    data = response.context["board"]
    assert {c["status"]: c["count"] for c in data.counts} == {S.SUBMITTED: 1, S.OFFERED: 1, S.APPROVED: 1}
    assert data.total == 3
    assert data.offers == [offered]
    assert data.placements == [placed]
    body = response.content.decode()
    assert "Offers waiting for your answer" in body
    assert "Respond within 2 days" in body
    assert "Cardiac step-down" in body and "Mercy General Hospital" in body
    assert "Mentor: Robin Shah" in body
    assert placed.posting.start_date.strftime("%-d %b %Y") in body
    assert "Secret" not in body


# --- Site staff -----------------------------------------------------------------------
def test_site_staff_see_new_applications_open_slots_offers_and_placements(
    client_for, site_staff, other_site_staff, student, other_student, coordinator, site, other_site
):
    posting = f.PostingFactory(site=site, title="Three-seat internship", slots=3)
    f.ApplicationFactory(posting=posting, student=other_student)  # submitted: new
    offer(f.ApplicationFactory(posting=posting, student=f.StudentFactory(school=student.school)), site_staff)
    approved_application(student=student, site_staff=site_staff, coordinator=coordinator, posting=posting)
    f.PostingFactory(site=site, title="Draft one", status=Posting.Status.DRAFT, published_at=None)
    elsewhere = f.PostingFactory(site=other_site, title="Elsewhere posting")
    f.ApplicationFactory(posting=elsewhere, student=student)

    response = board(client_for, site_staff)
    data = response.context["board"]
    assert data.new_count == 1
    assert [a.student for a in data.new_applications] == [other_student]
    [row] = data.postings
    assert (row.title, row.slots, row.seats_taken, row.open_slots, row.new_count) == (
        "Three-seat internship",
        3,
        2,
        1,
        1,
    )
    assert len(data.offers) == 1
    assert [p.student for p in data.placements] == [student]
    body = response.content.decode()
    assert "Elsewhere posting" not in body and "Draft one" not in body

    other = board(client_for, other_site_staff).context["board"]
    assert other.new_count == 1
    assert [a.posting for a in other.new_applications] == [elsewhere]
    assert other.placements == [] and other.offers == []


def test_site_staff_empty_dashboard_says_what_to_do(client_for, site_staff):
    body = board(client_for, site_staff).content.decode()
    assert "No new applications" in body
    assert "No published postings" in body


# --- Mentor ---------------------------------------------------------------------------
def test_mentor_sees_only_the_students_they_mentor(client_for, mentor, student, site_staff, coordinator, site):
    mine = approved_application(
        student=student, site_staff=site_staff, coordinator=coordinator, mentor=mentor, title="Mentored"
    )
    other_student = f.StudentFactory(school=student.school, first_name="Una", last_name="Other")
    approved_application(student=other_student, site_staff=site_staff, coordinator=coordinator, title="Unmentored")
    f.ApplicationFactory(
        posting=f.PostingFactory(site=site, mentor=mentor), student=f.StudentFactory(school=student.school)
    )  # submitted, not a placement yet
    response = board(client_for, mentor)
    assert response.context["board"].current == [mine]
    body = response.content.decode()
    assert "Sam Lee" in body and "Una Other" not in body


def test_mentor_without_students_gets_an_explanation(client_for, mentor):
    assert "No students placed with you yet" in board(client_for, mentor).content.decode()


# --- Coordinator ----------------------------------------------------------------------
def test_coordinator_sees_approvals_student_status_and_expiring_agreements(
    client_for, coordinator, other_coordinator, student, other_student, site_staff, other_site_staff, site
):
    waiting = accepted_application(student=student, site_staff=site_staff, title="Waiting one")
    f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Less advanced"))
    never_applied = f.StudentFactory(school=coordinator.school, first_name="Nia", last_name="Applied")
    accepted_application(student=other_student, site_staff=other_site_staff, title="Their accepted")
    expiring = f.AgreementFactory(
        school=coordinator.school, site=site, end_date=timezone.localdate() + dt.timedelta(days=20)
    )
    f.AgreementFactory(site=site, end_date=timezone.localdate() + dt.timedelta(days=10))  # another school's

    response = board(client_for, coordinator)
    data = response.context["board"]
    assert data.approvals_count == 1
    assert [r.application for r in data.approvals] == [waiting]
    rows = {r.student: r for r in data.student_rows}
    assert set(rows) == {student, never_applied}
    assert rows[student].application == waiting  # accepted beats submitted
    assert rows[student].application_count == 2
    assert rows[never_applied].application is None
    assert data.expiring == [expiring]
    body = response.content.decode()
    assert "Expires in 20 days" in body
    assert "Their accepted" not in body and "Jo Park" not in body
    assert reverse("placements:placements-export") in body

    other = board(client_for, other_coordinator).context["board"]
    assert other.approvals_count == 1
    assert {r.student for r in other.student_rows} == {other_student}
    assert other.expiring == []


def test_coordinator_student_table_is_paginated(client_for, coordinator):
    for n in range(30):
        f.StudentFactory(school=coordinator.school, last_name=f"Student{n:02d}")
    first = board(client_for, coordinator).context["board"]
    assert len(first.student_rows) == 25
    assert first.students.paginator.count == 30
    second = board(client_for, coordinator, page=2).context["board"]
    assert len(second.student_rows) == 5
    assert "Page 2 of 2" in board(client_for, coordinator, page=2).content.decode()


# --- Platform staff -------------------------------------------------------------------
def test_platform_staff_see_what_waits_for_verification(client_for, platform_staff, school, site):
    f.SchoolFactory(verified=False)
    f.SiteFactory(verified=False)
    f.SiteFactory(verified=False)
    data = board(client_for, platform_staff).context["board"]
    assert (data.schools_waiting, data.sites_waiting) == (1, 2)


# --- Query counts ---------------------------------------------------------------------
def _grow(student, site_staff, coordinator, mentor, n):
    for i in range(n):
        peer = f.StudentFactory(school=student.school)
        approved_application(student=peer, site_staff=site_staff, coordinator=coordinator, mentor=mentor)
        accepted_application(student=f.StudentFactory(school=student.school), site_staff=site_staff)
        offer(f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site_staff.site)), site_staff)
        f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site_staff.site, title=f"Submitted {i}"))


@pytest.mark.parametrize("persona", ["student", "site_staff", "mentor", "coordinator", "platform_staff"])
def test_dashboard_queries_do_not_grow_with_rows(
    persona, personas, client_for, student, site_staff, coordinator, mentor, django_assert_max_num_queries
):
    limits = {"student": 12, "site_staff": 12, "mentor": 8, "coordinator": 16, "platform_staff": 8}
    user = personas[persona]
    _grow(student, site_staff, coordinator, mentor, 1)
    client = client_for(user)
    with django_assert_max_num_queries(limits[persona]):
        client.get(reverse("dashboard"))
    _grow(student, site_staff, coordinator, mentor, 4)
    with django_assert_max_num_queries(limits[persona]):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200


# --- CSV export -----------------------------------------------------------------------
def _csv(response):
    assert response.status_code == 200
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_lists_only_the_schools_accepted_approved_and_completed_placements(
    client_for, coordinator, student, other_student, site_staff, other_site_staff, site
):
    approved = approved_application(student=student, site_staff=site_staff, coordinator=coordinator, title="Approved")
    accepted_application(student=f.StudentFactory(school=student.school, last_name="Zed"), site_staff=site_staff)
    f.ApplicationFactory(student=student, posting=f.PostingFactory(site=site, title="Just submitted"))
    accepted_application(student=other_student, site_staff=other_site_staff, title="Other school")

    response = client_for(coordinator).get(reverse("placements:placements-export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="placements-riverside-college-of-health-{today}.csv"'
    )
    rows = _csv(response)
    assert rows[0][:3] == ["Student first name", "Student last name", "Student email"]
    body = rows[1:]
    assert len(body) == 2
    sam = next(r for r in body if r[2] == "student@example.org")
    assert sam[4] == "Approved"
    assert sam[5] == "Mercy General Hospital"
    assert sam[6] == approved.posting.start_date.isoformat()
    assert sam[8] == "Approved"
    assert sam[9] == today
    zed = next(r for r in body if r[1] == "Zed")
    assert (zed[8], zed[9]) == ("Accepted", "")
    flat = "\n".join(",".join(r) for r in rows)
    assert "Other school" not in flat and "Just submitted" not in flat and "Jo" not in [r[0] for r in body]


def test_export_defuses_spreadsheet_formulas(client_for, coordinator, site_staff):
    sneaky = f.StudentFactory(school=coordinator.school, first_name="=HYPERLINK(1)", last_name="+Cmd")
    accepted_application(student=sneaky, site_staff=site_staff)
    rows = _csv(client_for(coordinator).get(reverse("placements:placements-export")))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][1] == "'+Cmd"


def test_export_queries_do_not_grow(client_for, coordinator, site_staff, django_assert_max_num_queries):
    for _ in range(10):
        accepted_application(student=f.StudentFactory(school=coordinator.school), site_staff=site_staff)
    client = client_for(coordinator)
    with django_assert_max_num_queries(6):
        rows = _csv(client.get(reverse("placements:placements-export")))
    assert len(rows) == 11


def test_the_pages_the_dashboards_link_to_exist():
    """The dashboards guard links to other areas' pages with {% url ... as x %}; this
    keeps a renamed URL from silently dropping the link."""
    for name, args in [
        ("placements:application-detail", [1]),
        ("placements:posting-applicants", [1]),
        ("placements:application-list-student", []),
        ("placements:posting-list", []),
        ("placements:posting-create", []),
        ("accounts:profile-edit", []),
        ("accounts:invitation-list", []),
        ("accounts:site-edit", []),
        ("admin:accounts_school_changelist", []),
        ("admin:accounts_site_changelist", []),
    ]:
        assert reverse(name, args=args)

"""Site staff's main journey with postings, in a real browser: create (the specialty list
follows the discipline), preview, publish, edit, close, duplicate."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import Posting
from tests import factories as f


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_site_staff_create_preview_publish_close_and_duplicate(new_page, live_server, shot, width):
    site = f.SiteFactory(name="Mercy General Hospital")
    staff = f.SiteStaffFactory(site=site)
    f.MentorFactory(site=site, first_name="Robin", last_name="Shah")
    page = new_page(width=width)
    _log_in(page, live_server, staff)

    if width < 992:  # the menu folds behind the toggler on a phone
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Our postings").click()
    page.get_by_role("link", name="Create your first posting").click()

    # Choosing a discipline narrows the specialties to those it practises.
    page.get_by_role("heading", name="Create a posting").wait_for()
    hand_therapy = page.get_by_label("Hand therapy")
    expect(hand_therapy).to_be_visible()
    page.get_by_label("Discipline").select_option(label="Nursing")
    expect(hand_therapy).to_be_hidden()
    page.get_by_label("Cardiology").check()

    today = timezone.localdate()
    page.get_by_label("Title").fill("Telemetry nursing internship")
    page.get_by_label("Description").fill("Twelve weeks on our telemetry unit.")
    page.get_by_label("What the student will do").fill("Vitals and telemetry monitoring.")
    page.get_by_label("What the student will learn").fill("Rhythm recognition.")
    page.get_by_label("Start date").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_label("End date").fill((today + dt.timedelta(days=144)).isoformat())
    page.get_by_label("Application deadline").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Hours per week").fill("24")
    page.get_by_label("Mentor").select_option(label="Robin Shah")
    # The stipend fields appear only for a paid posting.
    expect(page.get_by_label("Stipend amount (USD)")).to_be_hidden()
    page.get_by_label("Paid: a stipend is offered").check()
    page.get_by_label("Stipend amount (USD)").fill("18")
    page.get_by_label("Stipend period").select_option(label="per hour")
    page.get_by_role("button", name="Save draft").click()

    page.get_by_text("Draft saved.").wait_for()
    expect(page.get_by_role("heading", name="Telemetry nursing internship")).to_be_visible()
    shot(page, f"manage_preview_draft_{width}")

    with mock.patch("placements.tasks.posting_match_fanout_task.delay") as fanout:
        page.get_by_role("button", name="Publish Telemetry nursing internship").click()
        page.get_by_text("is published: students can find it now").wait_for()
    posting = Posting.objects.get(title="Telemetry nursing internship")
    assert posting.status == Posting.Status.PUBLISHED
    fanout.assert_called_once_with(posting.pk)

    page.get_by_role("link", name="Edit Telemetry nursing internship").first.click()
    page.get_by_label("Slots").fill("3")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes were saved.").wait_for()

    page.get_by_role("link", name="Close Telemetry nursing internship").click()
    page.get_by_label("All slots are filled").check()
    page.get_by_role("button", name="Close the posting").click()
    page.get_by_text("is closed").wait_for()

    page.get_by_role("button", name="Duplicate Telemetry nursing internship").click()
    page.get_by_text("A copy was saved as a draft").wait_for()
    expect(page.get_by_label("Title")).to_have_value("Telemetry nursing internship (copy)")
    shot(page, f"manage_duplicate_{width}")

    posting.refresh_from_db()
    assert (posting.status, posting.close_reason, posting.slots) == (Posting.Status.CLOSED, "filled", 3)
    assert Posting.objects.filter(title__endswith="(copy)", status=Posting.Status.DRAFT).count() == 1

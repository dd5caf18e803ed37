"""A student's search journey in a real browser: filter by discipline and specialty (the
results update in place through htmx and the URL follows), go back, open a posting, save
it, find it under Saved; and the same search without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from placements.models import Posting, SavedPosting
from placements.services.search import posting_search_refresh
from tests import factories as f


def _catalogue():
    mercy = f.SiteFactory(name="Mercy General Hospital")
    lakeside = f.SiteFactory(name="Lakeside Pharmacy", kind="pharmacy", city="Columbus")
    f.PostingFactory(site=mercy, title="Cardiac step-down nursing internship", specialties=[f.specialty("cardiology")])
    f.PostingFactory(site=mercy, title="Paediatric ward nursing internship", specialties=[f.specialty("paediatrics")])
    f.PostingFactory(site=mercy, title="Oncology infusion nursing externship", specialties=[f.specialty("oncology")])
    f.PostingFactory(
        site=lakeside,
        title="Community pharmacy internship",
        discipline=f.discipline("pharmacy"),
        specialties=[f.specialty("community-pharmacy")],
    )
    posting_search_refresh(posting_ids=list(Posting.objects.values_list("pk", flat=True)))


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")


def _open_filters(page, width):
    if width < 992:  # on a phone the filters start folded
        page.locator("#filters-panel > summary").click()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_student_filters_opens_saves_and_finds_it_under_saved(new_page, live_server, shot, width):
    _catalogue()
    student = f.StudentFactory()
    page = new_page(width=width)
    _log_in(page, live_server, student)
    page.goto(f"{live_server.url}/postings/")
    count = page.locator("#result-count")
    expect(count).to_contain_text("4 open postings")
    shot(page, f"student_search_all_{width}")

    # No full page load while filtering: a marker set on the window survives the updates.
    page.evaluate("window.__sameDocument = true")
    _open_filters(page, width)
    page.get_by_label("Discipline").select_option("nursing")
    expect(count).to_contain_text("3 open postings")
    expect(page).to_have_url(re.compile(r"/postings/\?discipline=nursing$"))
    expect(page.locator("#results")).not_to_contain_text("Community pharmacy internship")
    # The specialty counts follow the discipline (out-of-band swap of the facets).
    expect(page.locator("label[for=specialty-community-pharmacy]")).to_have_count(0)
    page.get_by_role("checkbox", name=re.compile("^Cardiology")).check()
    expect(count).to_contain_text("1 open posting")
    expect(page).to_have_url(re.compile(r"discipline=nursing&specialty=cardiology"))
    results = page.locator("#results article")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Cardiac step-down nursing internship")
    assert page.evaluate("window.__sameDocument") is True
    shot(page, f"student_search_filtered_{width}")

    # The back button returns to the previous filters.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/postings/\?discipline=nursing$"))
    expect(page.locator("#results article")).to_have_count(3)
    page.go_forward()
    expect(page.locator("#results article")).to_have_count(1)

    # Open the posting and save it (htmx swaps the button).
    page.get_by_role("link", name="Cardiac step-down nursing internship").click()
    page.get_by_role("heading", name="Cardiac step-down nursing internship").wait_for()
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("button", name=re.compile("Saved"))).to_be_visible()
    assert SavedPosting.objects.filter(student=student, posting__title__startswith="Cardiac").exists()
    shot(page, f"student_posting_saved_{width}")

    # Find it under Saved.
    if width < 992:
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Saved", exact=True).click()
    page.get_by_role("heading", name="Saved postings").wait_for()
    expect(page.locator("main")).to_contain_text("Cardiac step-down nursing internship")
    expect(page.locator("main")).to_contain_text("Closes in 3 weeks")
    shot(page, f"student_saved_{width}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_works_without_javascript(browser, live_server):
    _catalogue()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/postings/")
        page.get_by_label("Discipline").select_option("nursing")
        page.get_by_role("checkbox", name=re.compile("^Oncology")).check()
        page.get_by_role("button", name="Show results").click()
        expect(page).to_have_url(re.compile(r"discipline=nursing.*specialty=oncology"))
        expect(page.locator("#result-count")).to_contain_text("1 open posting")
        expect(page.locator("#results article")).to_contain_text("Oncology infusion nursing externship")
    finally:
        context.close()

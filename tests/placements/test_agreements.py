"""Affiliation agreements: recording, editing, terminating, the document, who sees them,
and the coverage rule approvals rest on."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from placements.models import AffiliationAgreement, Application
from placements.selectors.agreements import agreement_covering, agreements_expiring, coverage_for, expiry_phrase
from placements.services.agreements import agreement_create, agreement_terminate, agreement_update
from tests import factories as f

pytestmark = pytest.mark.django_db
A = AffiliationAgreement.Status


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="Mercy agreement 2026.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def today():
    return timezone.localdate()


def form_data(site, **overrides):
    data = {
        "site": site.pk,
        "start_date": (today() - dt.timedelta(days=10)).isoformat(),
        "end_date": (today() + dt.timedelta(days=365)).isoformat(),
        "disciplines": [f.discipline("nursing").pk, f.discipline("pharmacy").pk],
        "status": "active",
        "notes": "Signed by both deans.",
    }
    data.update(overrides)
    return data


# --- Recording ------------------------------------------------------------------------
def test_coordinator_records_an_agreement_with_its_pdf(client_for, coordinator, site):
    client = client_for(coordinator)
    response = client.post(reverse("placements:agreement-create"), {**form_data(site), "document": pdf_upload()})
    agreement = AffiliationAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:agreement-detail", args=[agreement.pk])
    assert agreement.school == coordinator.school
    assert agreement.site == site
    assert agreement.status == A.ACTIVE
    assert agreement.created_by == coordinator
    assert set(agreement.disciplines.values_list("slug", flat=True)) == {"nursing", "pharmacy"}
    assert agreement.document_name == "Mercy agreement 2026.pdf"
    # Stored under a random name, never the uploaded one.
    assert "Mercy" not in agreement.document.name

    page = client.get(reverse("placements:agreement-detail", args=[agreement.pk]))
    assert "Download Mercy agreement 2026.pdf" in page.content.decode()
    download = client.get(reverse("placements:agreement-document", args=[agreement.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="Mercy agreement 2026.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "private" in download["Cache-Control"] and "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_recorded(client_for, coordinator, site):
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client_for(coordinator).post(
        reverse("placements:agreement-create"), {**form_data(site), "document": fake}
    )
    assert response.status_code == 200
    assert "This file is not a PDF" in response.content.decode()
    assert not AffiliationAgreement.objects.exists()


def test_end_before_start_is_refused_with_a_message(client_for, coordinator, site):
    response = client_for(coordinator).post(
        reverse("placements:agreement-create"),
        form_data(site, start_date="2026-06-01", end_date="2026-05-01"),
    )
    assert "The end date must be after the start date." in response.content.decode()
    assert not AffiliationAgreement.objects.exists()


def test_no_discipline_is_refused(client_for, coordinator, site):
    response = client_for(coordinator).post(reverse("placements:agreement-create"), form_data(site, disciplines=[]))
    assert "Choose at least one discipline" in response.content.decode()
    assert not AffiliationAgreement.objects.exists()


def test_only_verified_sites_can_be_chosen(client_for, coordinator, site):
    unverified = f.SiteFactory(name="Unverified Clinic", verified=False)
    client = client_for(coordinator)
    page = client.get(reverse("placements:agreement-create")).content.decode()
    assert site.name in page
    assert "Unverified Clinic" not in page
    response = client.post(reverse("placements:agreement-create"), form_data(unverified))
    assert "Select a valid choice" in response.content.decode()
    assert not AffiliationAgreement.objects.exists()


def test_the_service_refuses_an_unverified_site_and_a_non_coordinator(coordinator, site_staff, site):
    site.verified = False
    site.save()
    terms = {
        "site": site,
        "start_date": today(),
        "end_date": today() + dt.timedelta(days=30),
        "disciplines": [f.discipline()],
    }
    with pytest.raises(ValidationError, match="verified sites only"):
        agreement_create(actor=coordinator, **terms)
    with pytest.raises(ValidationError, match="Only a school's coordinators"):
        agreement_create(actor=site_staff, **terms)
    assert not AffiliationAgreement.objects.exists()


def test_the_site_chooser_search_lists_matching_verified_sites(client_for, coordinator, site, other_site):
    f.SiteFactory(name="Mercy Unverified Annex", verified=False)
    response = client_for(coordinator).get(reverse("placements:agreement-site-options"), {"q": "mercy"})
    body = response.content.decode()
    assert f'<option value="{site.pk}">' in body
    assert other_site.name not in body
    assert "Unverified" not in body
    empty = client_for(coordinator).get(reverse("placements:agreement-site-options"), {"q": "zzz"})
    assert "No verified site matches" in empty.content.decode()
    # The site already chosen stays selected when it still matches.
    kept = client_for(coordinator).get(reverse("placements:agreement-site-options"), {"q": "mer", "site": site.pk})
    assert f'<option value="{site.pk}" selected>' in kept.content.decode()


def test_the_form_is_prefilled_from_the_approval_queue_link(client_for, coordinator, site):
    url = reverse("placements:agreement-create")
    query = f"?site={site.pk}&discipline={f.discipline('pharmacy').pk}&start=2026-09-01&end=2026-12-01"
    form = client_for(coordinator).get(url + query).context["form"]
    assert form.initial["site"] == site.pk
    assert form.initial["disciplines"] == [f.discipline("pharmacy").pk]
    assert form.initial["start_date"] == dt.date(2026, 9, 1)
    bad = client_for(coordinator).get(url + "?site=x&start=2026-13-45")
    assert bad.status_code == 200


# --- Editing and terminating ----------------------------------------------------------
def test_coordinator_edits_dates_and_replaces_the_document(client_for, coordinator, site):
    agreement = f.AgreementFactory(school=coordinator.school, site=site)
    client = client_for(coordinator)
    new_end = today() + dt.timedelta(days=800)
    response = client.post(
        reverse("placements:agreement-edit", args=[agreement.pk]),
        {**form_data(site, end_date=new_end.isoformat(), status="pending"), "document": pdf_upload("renewal.pdf")},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.end_date == new_end
    assert agreement.status == A.PENDING
    assert agreement.document_name == "renewal.pdf"
    assert agreement.site == site  # never changes

    response = client.post(
        reverse("placements:agreement-edit", args=[agreement.pk]), {**form_data(site), "remove_document": "on"}
    )
    agreement.refresh_from_db()
    assert not agreement.document
    assert agreement.document_name == ""


def test_terminate_records_who_and_why_and_a_terminated_agreement_is_frozen(client_for, coordinator, site):
    agreement = f.AgreementFactory(school=coordinator.school, site=site, notes="Original terms.")
    client = client_for(coordinator)
    confirm = client.get(reverse("placements:agreement-terminate", args=[agreement.pk]))
    assert "Terminate the agreement with" in confirm.content.decode()
    response = client.post(
        reverse("placements:agreement-terminate", args=[agreement.pk]), {"reason": "The unit closed."}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == A.TERMINATED
    assert agreement.notes.startswith("Original terms.")
    assert "by Casey Ng: The unit closed." in agreement.notes

    # A second termination and any edit are refused, and change nothing.
    with pytest.raises(ValidationError, match="already terminated"):
        agreement_terminate(agreement_id=agreement.pk, actor=coordinator)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        agreement_update(
            agreement_id=agreement.pk,
            actor=coordinator,
            start_date=agreement.start_date,
            end_date=agreement.end_date,
            disciplines=[f.discipline()],
            status=A.ACTIVE,
        )
    edit = client.get(reverse("placements:agreement-edit", args=[agreement.pk]), follow=True)
    assert "can no longer be changed" in edit.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == A.TERMINATED


def test_terminate_page_lists_the_approved_placements_under_the_agreement(client_for, coordinator, student, site):
    agreement = f.AgreementFactory(school=coordinator.school, site=site)
    posting = f.PostingFactory(site=site, title="Cardiac step-down internship")
    f.ApplicationFactory(posting=posting, student=student, status=Application.Status.APPROVED)
    page = client_for(coordinator).get(reverse("placements:agreement-terminate", args=[agreement.pk]))
    body = page.content.decode()
    assert "1 approved placement falls within this agreement" in body
    assert "Sam Lee" in body


def test_another_schools_coordinator_cannot_change_it_through_the_service(coordinator, other_coordinator, site):
    agreement = f.AgreementFactory(school=coordinator.school, site=site)
    with pytest.raises(ValidationError):
        agreement_terminate(agreement_id=agreement.pk, actor=other_coordinator)
    agreement.refresh_from_db()
    assert agreement.status == A.ACTIVE


# --- Lists and who sees what ----------------------------------------------------------
def test_list_highlights_expiring_and_expired_agreements(client_for, coordinator, site, other_site):
    third = f.SiteFactory(name="Lakeview Pharmacy", kind="pharmacy")
    f.AgreementFactory(school=coordinator.school, site=site, end_date=today() + dt.timedelta(days=20))
    f.AgreementFactory(
        school=coordinator.school,
        site=other_site,
        start_date=today() - dt.timedelta(days=400),
        end_date=today() - dt.timedelta(days=3),
    )
    f.AgreementFactory(school=coordinator.school, site=third, status=A.TERMINATED)
    client = client_for(coordinator)
    body = client.get(reverse("placements:agreement-list")).content.decode()
    assert "Expires in 20 days" in body
    assert "Expiring soon" in body
    assert "Expired 3 days ago" in body
    assert "table-warning" in body and "table-danger" in body
    assert "Terminated" in body

    expiring = client.get(reverse("placements:agreement-list"), {"show": "expiring"}).context["agreements"]
    assert [a.site for a in expiring] == [site]
    expired = client.get(reverse("placements:agreement-list"), {"show": "expired"}).context["agreements"]
    assert [a.site for a in expired] == [other_site]


def test_lists_show_only_the_own_schools_or_sites_agreements(
    client_for, coordinator, other_coordinator, site_staff, other_site_staff, site, other_site, other_school
):
    mine = f.AgreementFactory(school=coordinator.school, site=site)
    theirs = f.AgreementFactory(school=other_school, site=other_site)
    shared_site = f.AgreementFactory(school=other_school, site=site)

    coordinator_list = client_for(coordinator).get(reverse("placements:agreement-list")).context["agreements"]
    assert {a.pk for a in coordinator_list} == {mine.pk}
    other_list = client_for(other_coordinator).get(reverse("placements:agreement-list")).context["agreements"]
    assert {a.pk for a in other_list} == {theirs.pk, shared_site.pk}

    # Site staff see every school's agreement with their site, read-only.
    response = client_for(site_staff).get(reverse("placements:agreement-list"))
    assert {a.pk for a in response.context["agreements"]} == {mine.pk, shared_site.pk}
    body = response.content.decode()
    assert coordinator.school.name in body and other_school.name in body
    assert "Record an agreement" not in body
    detail = client_for(site_staff).get(reverse("placements:agreement-detail", args=[mine.pk])).content.decode()
    assert "Terminate" not in detail and ">Edit<" not in detail
    other_site_list = client_for(other_site_staff).get(reverse("placements:agreement-list")).context["agreements"]
    assert {a.pk for a in other_site_list} == {theirs.pk}


def test_documents_download_only_for_the_two_parties(
    client_for, coordinator, other_coordinator, site_staff, other_site_staff, student, mentor, platform_staff, site
):
    agreement = agreement_create(
        actor=coordinator,
        site=site,
        start_date=today(),
        end_date=today() + dt.timedelta(days=100),
        disciplines=[f.discipline()],
        document=pdf_upload(),
    )
    url = reverse("placements:agreement-document", args=[agreement.pk])
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(site_staff).get(url).status_code == 200
    for outsider in (other_coordinator, other_site_staff, student, mentor, platform_staff):
        assert client_for(outsider).get(url).status_code == 404, outsider


def test_agreement_list_query_count_does_not_grow(client_for, coordinator, django_assert_max_num_queries):
    for _ in range(3):
        f.AgreementFactory(school=coordinator.school)
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):
        client.get(reverse("placements:agreement-list"))
    for _ in range(12):
        f.AgreementFactory(school=coordinator.school, disciplines=[f.discipline(), f.discipline("pharmacy")])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("placements:agreement-list"))
    assert len(response.context["agreements"]) == 15


# --- The coverage rule ----------------------------------------------------------------
def test_agreement_covering_needs_active_status_dates_discipline_and_the_pair(school, other_school, site, other_site):
    start, end = today() + dt.timedelta(days=60), today() + dt.timedelta(days=130)
    nursing, pharmacy = f.discipline("nursing"), f.discipline("pharmacy")
    covering = f.AgreementFactory(school=school, site=site)
    assert agreement_covering(school.pk, site.pk, nursing.pk, start, end) == covering
    assert agreement_covering(school.pk, site.pk, pharmacy.pk, start, end) is None
    assert agreement_covering(other_school.pk, site.pk, nursing.pk, start, end) is None
    assert agreement_covering(school.pk, other_site.pk, nursing.pk, start, end) is None
    assert agreement_covering(school.pk, site.pk, nursing.pk, start, today() + dt.timedelta(days=500)) is None
    covering.status = A.PENDING
    covering.save()
    assert agreement_covering(school.pk, site.pk, nursing.pk, start, end) is None
    covering.status = A.TERMINATED
    covering.save()
    assert agreement_covering(school.pk, site.pk, nursing.pk, start, end) is None


def test_coverage_names_the_nearest_miss(student, site):
    posting = f.PostingFactory(site=site)
    application = f.ApplicationFactory(posting=posting, student=student)
    assert coverage_for([application])[application.pk].problem == "There is no agreement with this site."
    short = f.AgreementFactory(school=student.school, site=site, end_date=posting.end_date - dt.timedelta(days=1))
    problem = coverage_for([application])[application.pk].problem
    assert problem.startswith("The agreement with this site ends on") and "before the placement ends" in problem
    short.end_date = posting.end_date + dt.timedelta(days=1)
    short.save()
    short.disciplines.set([f.discipline("pharmacy")])
    assert "does not include Nursing" in coverage_for([application])[application.pk].problem
    short.disciplines.set([f.discipline("nursing")])
    coverage = coverage_for([application])[application.pk]
    assert coverage.covered and coverage.agreement == short


def test_agreements_expiring_lists_active_ones_within_sixty_days(school, site, other_site):
    soon = f.AgreementFactory(school=school, site=site, end_date=today() + dt.timedelta(days=59))
    f.AgreementFactory(school=school, site=other_site, end_date=today() + dt.timedelta(days=61))
    f.AgreementFactory(school=school, site=other_site, end_date=today() + dt.timedelta(days=5), status=A.TERMINATED)
    f.AgreementFactory(site=site, end_date=today() + dt.timedelta(days=5))  # another school's
    [only] = agreements_expiring(school_id=school.pk)
    assert only == soon
    assert only.expiry_phrase == "expires in 59 days"


def test_expiry_in_words():
    assert [expiry_phrase(d) for d in (-400, -3, -1, 0, 1, 20, 90, 200, 800)] == [
        "expired 13 months ago",
        "expired 3 days ago",
        "expired yesterday",
        "expires today",
        "expires tomorrow",
        "expires in 20 days",
        "expires in 90 days",
        "expires in 7 months",
        "expires in 2 years",
    ]

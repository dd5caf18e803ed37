"""Resumes: checked by content, stored privately, replaced cleanly, and downloaded only
through the view that asks who is asking."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services
from accounts.models import StudentProfile
from accounts.validators import validate_pdf
from placements.models import Application
from tests import factories as f
from tests.accounts.conftest import pdf_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

BAD_FILES = {
    "png renamed to .pdf": (PNG, "This file is not a PDF"),
    "html disguised as pdf": (HTML, "This file is not a PDF"),
    "html after a pdf header": (b"%PDF-1.7\n" + HTML, "could not be read"),
    "empty": (b"", "The submitted file is empty."),
    "too large": (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "larger than the 5.0\xa0MB limit"),
    "encrypted": (pdf_bytes(password="secret"), "password-protected"),
    "truncated": (pdf_bytes()[:60], "could not be read"),
    "no pages": (pdf_bytes(pages=0), "has no pages"),
}


def _stored_files():
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(client, data, name="resume.pdf", content_type="application/pdf"):
    return client.post(
        reverse("accounts:resume-upload"), {"resume": SimpleUploadedFile(name, data, content_type=content_type)}
    )


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_stored(case, client_for, student):
    data, message = BAD_FILES[case]
    response = _upload(client_for(student), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    profile = StudentProfile.objects.get(user=student)
    assert not profile.resume and profile.resume_uploaded_at is None
    assert _stored_files() == []


@pytest.mark.parametrize("case", ["png renamed to .pdf", "encrypted", "too large"])
def test_a_bad_replacement_keeps_the_old_resume(case, client_for, student, resume_pdf):
    services.student_resume_replace(user=student, upload=ContentFile(resume_pdf, name="cv.pdf"))
    before = StudentProfile.objects.get(user=student).resume.name
    _upload(client_for(student), BAD_FILES[case][0])
    assert StudentProfile.objects.get(user=student).resume.name == before
    assert [p.name for p in _stored_files()] == [os.path.basename(before)]


def test_a_real_pdf_is_stored_under_a_random_private_name(client_for, student, resume_pdf):
    response = _upload(client_for(student), resume_pdf, name="My Resume (final).pdf")
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=student)
    assert profile.resume.name.startswith("studentprofile/") and profile.resume.name.endswith(".pdf")
    assert "Resume" not in profile.resume.name
    assert profile.resume_uploaded_at is not None
    assert Path(profile.resume.path).read_bytes() == resume_pdf


def test_replacing_deletes_the_old_file(client_for, student, resume_pdf, django_capture_on_commit_callbacks):
    client = client_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, resume_pdf)
    old_path = Path(StudentProfile.objects.get(user=student).resume.path)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, pdf_bytes(pages=2))
    new_path = Path(StudentProfile.objects.get(user=student).resume.path)
    assert new_path != old_path and new_path.exists() and not old_path.exists()
    assert _stored_files() == [new_path]


def test_removing_the_resume_deletes_the_file(client_for, student, resume_pdf, django_capture_on_commit_callbacks):
    services.student_resume_replace(user=student, upload=ContentFile(resume_pdf, name="cv.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(student).post(reverse("accounts:resume-remove"))
    assert response.status_code == 302
    assert not StudentProfile.objects.get(user=student).resume
    assert _stored_files() == []


def test_the_service_checks_content_too(student):
    with pytest.raises(ValidationError):
        services.student_resume_replace(user=student, upload=ContentFile(PNG, name="cv.pdf"))
    assert _stored_files() == []


def test_validate_pdf_accepts_a_real_pdf_and_rewinds_it(resume_pdf):
    upload = ContentFile(resume_pdf, name="cv.pdf")
    validate_pdf(upload)
    assert upload.tell() == 0


# --- downloads ------------------------------------------------------------------------
@pytest.fixture
def uploaded(student, resume_pdf):
    services.student_resume_replace(user=student, upload=ContentFile(resume_pdf, name="cv.pdf"))
    return resume_pdf


def _download(client, student):
    return client.get(reverse("accounts:resume-download", args=[student.pk]))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("student", 200),
        ("other_student", 404),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("site_staff", 200),
        ("other_site_staff", 404),
        ("mentor", 404),
        ("platform_staff", 200),
    ],
)
def test_resume_download_from_every_side(persona, status, personas, client_for, student, site, uploaded):
    f.ApplicationFactory(posting=f.PostingFactory(site=site), student=student)
    response = _download(client_for(personas[persona]), student)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == uploaded
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="resume-sam-lee.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_site_staff_see_a_student_only_after_an_application_to_their_site(client_for, site_staff, student, uploaded):
    client = client_for(site_staff)
    assert _download(client, student).status_code == 404
    f.ApplicationFactory(posting=f.PostingFactory(site=site_staff.site), student=student, status="withdrawn")
    assert _download(client, student).status_code == 200


def test_mentors_see_a_student_once_the_placement_is_approved(client_for, mentor, student, uploaded):
    application = f.ApplicationFactory(posting=f.PostingFactory(site=mentor.site), student=student)
    client = client_for(mentor)
    for status in ("submitted", "offered", "accepted"):
        Application.objects.filter(pk=application.pk).update(status=status)
        assert _download(client, student).status_code == 404, status
        assert client.get(reverse("accounts:student-profile", args=[student.pk])).status_code == 404
    Application.objects.filter(pk=application.pk).update(status="approved")
    assert _download(client, student).status_code == 200
    assert client.get(reverse("accounts:student-profile", args=[student.pk])).status_code == 200


def test_no_resume_is_404_even_for_the_student(client_for, student):
    assert _download(client_for(student), student).status_code == 404


def test_a_missing_file_on_disk_is_404_not_500(client_for, student, uploaded):
    Path(StudentProfile.objects.get(user=student).resume.path).unlink()
    assert _download(client_for(student), student).status_code == 404


def test_no_url_serves_private_media(client, student, uploaded):
    name = StudentProfile.objects.get(user=student).resume.name
    for prefix in ("/media/", "/private-media/", "/"):
        assert client.get(prefix + name).status_code == 404

"""Helpers shared by the application tests (apply, review, offers, capacity)."""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import StudentProfile
from placements.models import Application


def pdf_bytes(text: str = "resume") -> bytes:
    """A small, real PDF (one blank page) whose bytes differ by `text`."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "my-resume.pdf", text: str = "uploaded") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def give_profile_resume(student, text: str = "profile resume") -> bytes:
    content = pdf_bytes(text)
    profile = StudentProfile.objects.get(user=student)
    profile.resume.save("profile.pdf", ContentFile(content), save=False)
    profile.resume_uploaded_at = timezone.now()
    profile.save()
    return content


def set_status(application: Application, status: str, **fields) -> Application:
    """Test set-up only: put an application in a status without the transition rules."""
    if status == Application.Status.OFFERED:
        fields.setdefault("offer_expires_at", timezone.now() + dt.timedelta(days=3))
    Application.objects.filter(pk=application.pk).update(status=status, **fields)
    application.refresh_from_db()
    return application


def offer_deadline(days: int = 3) -> str:
    """A valid "answer by" value for the offer form (local time, datetime-local format)."""
    return timezone.localtime(timezone.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")

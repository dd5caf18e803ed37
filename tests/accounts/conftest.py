import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from accounts import services
from tests import factories as f


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def resume_pdf():
    return pdf_bytes()


@pytest.fixture
def world(personas, site, other_site, school, other_school, resume_pdf):
    """What the accounts permission matrix acts on, shared by every persona."""
    student = personas["student"]
    services.student_resume_replace(user=student, upload=ContentFile(resume_pdf, name="cv.pdf"))
    # The student applied to this site (not yet approved), the other student to the other site.
    f.ApplicationFactory(posting=f.PostingFactory(site=site), student=student)
    f.ApplicationFactory(posting=f.PostingFactory(site=other_site), student=personas["other_student"])
    program = student.student_profile.program
    school_invitation = f.InvitationFactory(
        invited_by=personas["coordinator"], email="new-student@example.org", program=program
    )
    site_invitation = f.InvitationFactory(
        invited_by=personas["site_staff"], role="mentor", email="new-mentor@example.org"
    )
    used_invitation = f.InvitationFactory(invited_by=personas["coordinator"], email="used@example.org", program=program)
    used_invitation.accepted_at = used_invitation.created_at
    used_invitation.save()
    return {
        **personas,
        "site": site,
        "other_site": other_site,
        "school": school,
        "other_school": other_school,
        "program": program,
        "school_invitation": school_invitation,
        "site_invitation": site_invitation,
        "used_invitation": used_invitation,
    }

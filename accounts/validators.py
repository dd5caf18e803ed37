"""Checks on uploaded files, by content rather than by name or declared type."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


def validate_pdf(upload) -> None:
    """Refuse anything but a real, readable, unencrypted PDF of at most MAX_UPLOAD_BYTES.

    `upload` is a Django File (an UploadedFile from a form, or a File around bytes). The
    file's position is put back at the start, so it can be saved afterwards.
    """
    limit = settings.MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if not size:
        raise ValidationError("The file is empty. Choose a PDF file.", code="empty")
    if size > limit:
        raise ValidationError(
            "The file is larger than the %(limit)s limit. Save a smaller PDF and try again.",
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    try:
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        if head != PDF_MAGIC:
            raise ValidationError(
                "This file is not a PDF (whatever its name says). Export or print your document as PDF.",
                code="not_pdf",
            )
        upload.seek(0)
        _check_pdf_structure(upload)
    finally:
        upload.seek(0)


def _check_pdf_structure(upload) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is password-protected. Save a copy without a password and upload that.",
                code="encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError, RecursionError) as exc:
        logger.info("Refused an unreadable PDF upload: %s", exc.__class__.__name__)
        raise ValidationError(
            "This PDF could not be read; it may be damaged. Export it again and retry.", code="unreadable"
        ) from exc
    if pages < 1:
        raise ValidationError("This PDF has no pages.", code="no_pages")

"""Writes for affiliation agreements, the contracts between a school and a site under
which the school's students may be placed there. Only the school's coordinators write
them; the site's staff read them.

Refusals raise django.core.exceptions.ValidationError with a sentence for the person;
nothing is written then.
"""

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Discipline, Site
from placements.models import AffiliationAgreement

A = AffiliationAgreement.Status
EDITABLE_STATUSES = (A.PENDING, A.ACTIVE)


def _check_actor(actor, school_id: int | None = None) -> None:
    # Defence in depth behind the views' loaders.
    if not (actor is not None and actor.is_coordinator and actor.school_id):
        raise ValidationError("Only a school's coordinators can record affiliation agreements.")
    if school_id is not None and actor.school_id != school_id:
        raise ValidationError("Only the coordinators of the agreement's school can change it.")


def _check_terms(*, site: Site, start_date: dt.date, end_date: dt.date, disciplines: list, status: str) -> None:
    if not site.verified:
        raise ValidationError(f"{site} is not verified yet; agreements can be recorded with verified sites only.")
    if end_date <= start_date:
        raise ValidationError("The end date must be after the start date.")
    if not disciplines:
        raise ValidationError("Choose at least one discipline the agreement covers.")
    if status not in EDITABLE_STATUSES:
        raise ValidationError("An agreement is recorded as pending or active; terminate it with the Terminate button.")


def _attach_document(agreement: AffiliationAgreement, document: UploadedFile) -> None:
    old = agreement.document.name if agreement.document else ""
    # The stored name is random (accounts.storage); the original only names the download.
    agreement.document_name = PurePosixPath(document.name or "agreement.pdf").name[-200:]
    agreement.document.save(document.name or "agreement.pdf", document, save=False)
    if old:
        # Remove the replaced file once the new one is committed, never before.
        storage = agreement.document.storage
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def agreement_create(
    *,
    actor,
    site: Site,
    start_date: dt.date,
    end_date: dt.date,
    disciplines: Iterable[Discipline],
    status: str = A.ACTIVE,
    document: UploadedFile | None = None,
    notes: str = "",
) -> AffiliationAgreement:
    """Record an agreement between the actor's school and `site`. The document, if any,
    must already have passed accounts.validators.validate_pdf (the form does that)."""
    _check_actor(actor)
    disciplines = list(disciplines)
    _check_terms(site=site, start_date=start_date, end_date=end_date, disciplines=disciplines, status=status)
    agreement = AffiliationAgreement(
        school_id=actor.school_id,
        site=site,
        start_date=start_date,
        end_date=end_date,
        status=status,
        notes=notes.strip(),
        created_by=actor,
    )
    if document is not None:
        _attach_document(agreement, document)
    agreement.save()
    agreement.disciplines.set(disciplines)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement_id: int,
    actor,
    start_date: dt.date,
    end_date: dt.date,
    disciplines: Iterable[Discipline],
    status: str,
    notes: str = "",
    document: UploadedFile | None = None,
    remove_document: bool = False,
) -> AffiliationAgreement:
    """Change the terms of a pending or active agreement. The site never changes: an
    agreement with another site is a new agreement."""
    # Locked so an edit and a termination of one agreement take turns.
    agreement = AffiliationAgreement.objects.select_for_update().select_related("site").get(pk=agreement_id)
    _check_actor(actor, agreement.school_id)
    if agreement.status == A.TERMINATED:
        raise ValidationError("This agreement was terminated and can no longer be changed. Record a new one instead.")
    disciplines = list(disciplines)
    _check_terms(site=agreement.site, start_date=start_date, end_date=end_date, disciplines=disciplines, status=status)
    agreement.start_date = start_date
    agreement.end_date = end_date
    agreement.status = status
    agreement.notes = notes.strip()
    if document is not None:
        _attach_document(agreement, document)
    elif remove_document and agreement.document:
        old, storage = agreement.document.name, agreement.document.storage
        agreement.document = ""
        agreement.document_name = ""
        transaction.on_commit(lambda: storage.delete(old))
    agreement.save()
    agreement.disciplines.set(disciplines)
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement_id: int, actor, reason: str = "") -> AffiliationAgreement:
    """End an agreement now. Approved placements stay approved (the coordinator decides
    what to do with them); new approvals under it are refused from now on. A second
    termination is refused, so the note is written once."""
    # The row lock makes a termination wait for an approval that is checking this
    # agreement (placement_approve locks it too), so no approval commits against an
    # agreement terminated a moment earlier.
    agreement = AffiliationAgreement.objects.select_for_update().get(pk=agreement_id)
    _check_actor(actor, agreement.school_id)
    if agreement.status == A.TERMINATED:
        raise ValidationError("This agreement is already terminated.")
    today = date_format(timezone.localdate(), "j M Y")
    line = f"Terminated on {today} by {actor.display_name}" + (f": {reason.strip()}" if reason.strip() else ".")
    agreement.notes = f"{agreement.notes}\n\n{line}".strip()
    agreement.status = A.TERMINATED
    agreement.save(update_fields=["status", "notes", "updated_at"])
    return agreement

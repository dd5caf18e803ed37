"""Who may see and change what, for every placements object: one loader per type.

Someone who may not see an object gets 404, exactly as if it did not exist; someone who
may see it but not act gets 403. Views call these loaders; templates get booleans.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from placements.models import POSTING_EDITABLE, POSTING_MOVES, POSTING_PUBLIC, Posting


# --- Postings (and saved postings / searches) -----------------------------------------
def can_manage_postings(user) -> bool:
    """Site staff (of a site) create and manage their site's postings."""
    return bool(getattr(user, "is_authenticated", False) and user.is_site_staff and user.site_id)


def is_posting_staff(user, posting: Posting) -> bool:
    """Staff of the posting's own site: the only people who may change it."""
    return can_manage_postings(user) and user.site_id == posting.site_id


def can_see_posting(user, posting: Posting) -> bool:
    """Published and closed postings are public; drafts and archived ones are seen only
    by the site's staff and platform staff."""
    if posting.status in POSTING_PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return is_posting_staff(user, posting) or user.is_platform_staff


def get_posting_for(user, pk, *, write: bool = False) -> Posting:
    """The posting `pk` as `user` may see it: Http404 when they may not see it (exactly as
    for a missing one); with write=True, PermissionDenied unless they are its site's staff."""
    posting = get_object_or_404(Posting.objects.select_related("site", "discipline", "mentor"), pk=pk)
    if not can_see_posting(user, posting):
        raise Http404("No posting found.")
    if write and not is_posting_staff(user, posting):
        raise PermissionDenied("Only the staff of this posting's site can change it.")
    return posting


def posting_move_allowed(posting: Posting, to_status: str, *, today=None) -> bool:
    """Whether the lifecycle allows moving `posting` to `to_status` now (ignores who asks)."""
    if (posting.status, to_status) not in POSTING_MOVES:
        return False
    if posting.status == Posting.Status.CLOSED and to_status == Posting.Status.PUBLISHED:
        return posting.application_deadline >= (today or timezone.localdate())
    return True


def posting_permissions(user, posting: Posting) -> dict[str, bool]:
    """Booleans for templates: what `user` may do with `posting` now."""
    staff = is_posting_staff(user, posting)
    status = posting.status
    return {
        "can_manage": staff,
        "can_edit": staff and status in POSTING_EDITABLE,
        "can_preview": staff,
        "can_publish": staff and status == Posting.Status.DRAFT,
        "can_reopen": staff
        and status == Posting.Status.CLOSED
        and posting_move_allowed(posting, Posting.Status.PUBLISHED),
        "can_close": staff and status == Posting.Status.PUBLISHED,
        "can_archive": staff and posting_move_allowed(posting, Posting.Status.ARCHIVED),
        "can_duplicate": staff,
        "site_verified": bool(posting.site.verified),
    }


def can_save_postings(user) -> bool:
    """Students save postings and searches; nobody else has a list of them."""
    return bool(getattr(user, "is_authenticated", False) and user.is_student)


def get_posting_to_save(user, pk) -> Posting:
    """The posting `pk` for a save/unsave by `user`: 404 when they may not see it, 403
    unless they are a student."""
    posting = get_posting_for(user, pk)
    if not can_save_postings(user):
        raise PermissionDenied("Only students can save postings.")
    return posting


def get_saved_search_for(user, pk):
    """The saved search `pk` of `user`; anyone else's (or a missing one) is a 404."""
    from placements.models import SavedSearch

    if not can_save_postings(user):
        raise Http404("No saved search found.")
    return get_object_or_404(SavedSearch, pk=pk, student=user)


def get_public_site_for(user, slug):
    """A site's public page: verified sites for everyone; an unverified site only for its
    own people (staff, mentors) and platform staff, who need to see what it will look like."""
    from accounts.models import Site

    site = get_object_or_404(Site, slug=slug)
    if site.verified:
        return site
    if getattr(user, "is_authenticated", False) and (user.site_id == site.pk or user.is_platform_staff):
        return site
    raise Http404("No site found.")


# --- Applications ---------------------------------------------------------------------

# --- Affiliation agreements -----------------------------------------------------------
# Agreements are seen by the coordinators of their school (who write them) and the staff
# of their site (read-only). Everyone else gets 404, for the lists too. The coordinator's
# approval loader lives here as well: approval rests on the agreements.
def can_manage_agreements(user) -> bool:
    """A school's coordinators record and change their school's agreements."""
    return bool(getattr(user, "is_authenticated", False) and user.is_coordinator and user.school_id)


def can_view_agreements(user) -> bool:
    """Coordinators (their school's agreements) and site staff (their site's)."""
    if can_manage_agreements(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and user.is_site_staff and user.site_id)


def get_agreement_for(user, pk, *, write: bool = False):
    """The agreement `pk` as `user` may see it: Http404 unless they are a coordinator of
    its school or staff of its site; with write=True, PermissionDenied for the site's
    staff (they read, the school writes)."""
    from placements.models import AffiliationAgreement

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No agreement found.") from None
    agreement = AffiliationAgreement.objects.select_related("school", "site", "created_by").filter(pk=pk).first()
    if agreement is None or not getattr(user, "is_authenticated", False):
        raise Http404("No agreement found.")
    if user.is_coordinator and user.school_id and user.school_id == agreement.school_id:
        return agreement
    if user.is_site_staff and user.site_id and user.site_id == agreement.site_id:
        if write:
            raise PermissionDenied("Only the school's coordinators can change this agreement.")
        return agreement
    raise Http404("No agreement found.")


def agreement_permissions(user, agreement) -> dict[str, bool]:
    """Booleans for templates: what `user` (who can see `agreement`) may do with it."""
    from placements.models import AffiliationAgreement

    owner = can_manage_agreements(user) and user.school_id == agreement.school_id
    open_ = agreement.status != AffiliationAgreement.Status.TERMINATED
    return {
        "can_edit": owner and open_,
        "can_terminate": owner and open_,
        "can_download": bool(agreement.document),
    }


def get_application_for_decision(user, pk):
    """An application as its student's school coordinator decides on it (approve, deny,
    cancel): Http404 when `user` may not see it, PermissionDenied when they see it (the
    student, the site's staff, the mentor) but the decision is not theirs."""
    from placements.models import Application

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No application found.") from None
    application = (
        Application.objects.select_related(
            "student__school",
            "student__student_profile__program",
            "posting__site",
            "posting__discipline",
            "posting__mentor",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_see_application(user, application):
        raise Http404("No application found.")
    if not (user.is_coordinator and user.school_id == application.student.school_id):
        raise PermissionDenied("Only the student's school coordinator decides on placements.")
    return application


def decision_permissions(user, application) -> dict[str, bool]:
    """Booleans for the approval page."""
    from placements.models import Application

    S = Application.Status
    coordinator = user.is_coordinator and user.school_id == application.student.school_id
    return {
        "can_approve": coordinator and _move_allowed(user, application, S.APPROVED),
        "can_deny": coordinator and _move_allowed(user, application, S.DENIED),
        "can_cancel": coordinator and _move_allowed(user, application, S.CANCELLED),
    }


# --- Notifications --------------------------------------------------------------------
from placements.models import Notification  # noqa: E402


def get_notification_for(user, pk) -> Notification:
    """The notification `pk` if it is addressed to `user`; Http404 for anyone else's,
    exactly as for a missing one (notifications name students and their applications)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No notification found.")
    return get_object_or_404(Notification, pk=pk, recipient=user)

"""Who may see and change what, for every placements object: one loader per type.

Someone who may not see an object gets 404, exactly as if it did not exist; someone who
may see it but not act gets 403. Views call these loaders; templates get booleans.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from placements.models import POSTING_EDITABLE, POSTING_MOVES, POSTING_PUBLIC, SYSTEM, TRANSITIONS, Application, Posting


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
# Statuses in which the posting's mentor sees the application: the placement is real.
_MENTOR_SEES = frozenset({Application.Status.APPROVED, Application.Status.COMPLETED})


def application_apply_refusal(user, posting: Posting, *, today=None) -> str | None:
    """Why `user` cannot apply to `posting` now (a sentence for them), or None when they can.
    The resume is checked by the service: it may come with the application."""
    if not getattr(user, "is_authenticated", False) or not user.is_student:
        return "Only students can apply to postings."
    if user.school_id is None:
        return "Your account is not linked to a school yet, so you cannot apply."
    if not user.school.verified:
        return (
            f"{user.school.name} is still waiting for verification by Practicum staff; "
            "you can apply once it is verified."
        )
    if posting.status != Posting.Status.PUBLISHED:
        return "This posting is closed and no longer takes applications."
    if posting.application_deadline < (today or timezone.localdate()):
        return "The application deadline for this posting has passed."
    return None


def can_see_application(user, application: Application) -> bool:
    """The student who applied; the staff of the posting's site; the coordinators of the
    student's school; the posting's mentor once the placement is approved."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_student:
        return application.student_id == user.pk
    if user.is_site_staff:
        return user.site_id is not None and application.posting.site_id == user.site_id
    if user.is_coordinator:
        return user.school_id is not None and application.student.school_id == user.school_id
    if user.is_mentor:
        return application.posting.mentor_id == user.pk and application.status in _MENTOR_SEES
    return False


def get_application_for(user, pk, *, write: bool = False, role: str | None = None) -> Application:
    """The application `pk` as `user` may see it, or Http404 (exactly as for a missing one).

    With write=True, PermissionDenied unless `user` is a party who acts on applications
    (the student who applied, the site's staff, the school's coordinator); `role` narrows
    that to one role (the view's action belongs to it). Whether the move is allowed in the
    application's current status is the transition's decision, not the loader's.
    """
    from placements.selectors.applications import application_queryset

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No application found.") from None
    application = application_queryset().filter(pk=pk).first()
    if application is None or not can_see_application(user, application):
        raise Http404("No application found.")
    if write:
        acting = {"student", "site_staff", "coordinator"}
        if user.role not in acting or (role is not None and user.role != role):
            raise PermissionDenied(_ONLY.get(role, "You can see this application but cannot change it."))
    return application


_ONLY = {
    "student": "Only the student who applied can do this.",
    "site_staff": "Only the staff of the posting's site can do this.",
    "coordinator": "Only the student's school coordinator can do this.",
}


def get_posting_applicants_for(user, posting_pk) -> Posting:
    """The posting whose applicants `user` reviews: its site's staff only. Mentors of that
    site see the posting but not its applicants (403); everyone else gets 404."""
    posting = get_object_or_404(Posting.objects.select_related("site"), pk=posting_pk)
    if getattr(user, "is_authenticated", False) and user.site_id == posting.site_id:
        if user.is_site_staff:
            return posting
        raise PermissionDenied("Only the site's staff review applicants.")
    raise Http404("No posting found.")


def get_posting_to_apply(user, posting_pk) -> Posting:
    """The posting a student applies to: 404 when `user` may not see it; 403 for anyone
    who is not a student (they may see the posting, but only students apply)."""
    posting = get_posting_for(user, posting_pk)
    if not user.is_student:
        raise PermissionDenied("Only students can apply to postings.")
    return posting


def _move_allowed(user, application: Application, to_status: str) -> bool:
    allowed = TRANSITIONS.get((application.status, to_status))
    return allowed is not None and user.role in allowed and SYSTEM not in allowed


def application_permissions(user, application: Application, *, now=None) -> dict[str, bool]:
    """Booleans for templates: what `user` (who can see `application`) may do with it now."""
    S = Application.Status
    now = now or timezone.now()
    is_student = user.is_student and application.student_id == user.pk
    is_site = user.is_site_staff and application.posting.site_id == user.site_id
    offer_open = application.offer_expires_at is not None and application.offer_expires_at > now
    return {
        "is_student": is_student,
        "is_site": is_site,
        "can_withdraw": is_student and _move_allowed(user, application, S.WITHDRAWN),
        "can_accept": is_student and _move_allowed(user, application, S.ACCEPTED) and offer_open,
        "can_decline": is_student and _move_allowed(user, application, S.DECLINED) and offer_open,
        "offer_lapsed": application.status == S.OFFERED and not offer_open,
        "can_review": is_site and _move_allowed(user, application, S.UNDER_REVIEW),
        "can_shortlist": is_site and _move_allowed(user, application, S.SHORTLISTED),
        "can_reject": is_site and _move_allowed(user, application, S.REJECTED),
        "can_offer": is_site and _move_allowed(user, application, S.OFFERED),
        "can_see_notes": is_site,
        "can_add_note": is_site,
        "can_download_resume": bool(application.resume),
        "can_see_profile": not is_student,
    }


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

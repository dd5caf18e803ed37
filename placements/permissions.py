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

# --- Notifications --------------------------------------------------------------------

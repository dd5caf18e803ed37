"""The student and public side of postings: the search listing, the posting page, the
public site page, and a student's saved postings and saved searches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from placements.filters import PER_PAGE_CHOICES
from placements.permissions import (
    can_save_postings,
    get_posting_for,
    get_posting_to_save,
    get_public_site_for,
    get_saved_search_for,
    posting_permissions,
)
from placements.selectors.postings import (
    PER_PAGE,
    posting_for_page,
    postings_search,
    saved_postings_for,
    saved_searches_for,
    search_suggested_name,
    site_for_page,
    site_open_postings,
    site_postings_page,
)
from placements.services.saved import (
    MAX_SAVED_SEARCHES,
    saved_posting_toggle,
    saved_search_create,
    saved_search_delete,
    saved_search_update,
)

OTHER_POSTINGS_SHOWN = 5


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(message for messages_ in exc.message_dict.values() for message in messages_)
    return " ".join(exc.messages)


def _per_page(request) -> int:
    try:
        value = int(request.GET.get("per_page", PER_PAGE))
    except ValueError:
        return PER_PAGE
    return value if value in PER_PAGE_CHOICES else PER_PAGE


def _search_query(params: QueryDict) -> str:
    """The listing's query string without the page: what a saved search reopens."""
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Browse ----------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")
def posting_list(request):
    search = postings_search(
        params=request.GET, user=request.user, page_number=request.GET.get("page") or 1, per_page=_per_page(request)
    )
    can_save = can_save_postings(request.user)
    context = {
        "search": search,
        "form": search.filterset.form,
        "page_obj": search.page,
        "postings": search.page.object_list,
        "can_save": can_save,
        "search_query": _search_query(request.GET),
        "suggested_name": search_suggested_name(filterset=search.filterset) if can_save else "",
        "per_page_choices": PER_PAGE_CHOICES,
    }
    # htmx swaps the results region (and, out of band, the count and facets). A history
    # restore (the back button after the cache is gone) needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "placements/partials/_posting_results.html", {**context, "oob": True})
    return render(request, "placements/posting_list.html", context)


@require_GET
def posting_detail(request, pk):
    posting = get_posting_for(request.user, pk)
    posting = posting_for_page(posting=posting, user=request.user)
    other_postings = site_open_postings(
        site=posting.site, exclude_id=posting.pk, limit=OTHER_POSTINGS_SHOWN + 1, user=request.user
    )
    context = {
        "posting": posting,
        "other_postings": other_postings[:OTHER_POSTINGS_SHOWN],
        "more_other_postings": len(other_postings) > OTHER_POSTINGS_SHOWN,
        "can_save": can_save_postings(request.user),
        "is_preview": False,
        **posting_permissions(request.user, posting),
    }
    return render(request, "placements/posting_detail.html", context)


@require_GET
def site_detail(request, slug):
    site = site_for_page(site=get_public_site_for(request.user, slug))
    page = site_postings_page(site=site, page_number=request.GET.get("page") or 1, user=request.user)
    context = {
        "site": site,
        "page_obj": page,
        "can_save": can_save_postings(request.user),
        "is_own_site": request.user.is_authenticated and request.user.site_id == site.pk,
    }
    return render(request, "placements/site_detail.html", context)


# --- Saved postings --------------------------------------------------------------------
def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def posting_save(request, pk):
    detail_url = reverse("placements:posting-detail", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(detail_url)
    posting = get_posting_to_save(request.user, pk)
    wanted = request.POST.get("saved") == "1"
    error = ""
    try:
        posting.is_saved = saved_posting_toggle(student=request.user, posting=posting, saved=wanted)
    except ValidationError as exc:
        error = _error_text(exc)
        posting.is_saved = not wanted
    if request.htmx:
        context = {"posting": posting, "can_save": True, "save_error": error, "next": _safe_next(request, detail_url)}
        return render(request, "placements/partials/_posting_save_button.html", context)
    if error:
        messages.error(request, error)
    elif posting.is_saved:
        messages.success(request, f"Saved “{posting.title}”. Find it under Saved.")
    else:
        messages.info(request, f"Removed “{posting.title}” from your saved postings.")
    return redirect(_safe_next(request, detail_url))


@require_GET
@login_required
def saved_postings(request):
    if not can_save_postings(request.user):
        raise PermissionDenied("Only students save postings.")
    postings = saved_postings_for(student=request.user)
    return render(request, "placements/saved_postings.html", {"postings": postings, "can_save": True})


# --- Saved searches --------------------------------------------------------------------
@require_POST
@login_required
def saved_search_create_view(request):
    if not can_save_postings(request.user):
        raise PermissionDenied("Only students save searches.")
    query = request.POST.get("query", "")[:2000]
    params = QueryDict(query)
    listing = reverse("placements:posting-list") + (f"?{params.urlencode()}" if query else "")
    try:
        search = saved_search_create(
            student=request.user,
            name=request.POST.get("name", ""),
            params=params,
            alerts=request.POST.get("alerts", "1") == "1",
        )
    except ValidationError as exc:
        messages.error(request, f"The search was not saved: {_error_text(exc)}")
        return redirect(listing)
    if search.alerts:
        messages.success(request, f"Saved “{search.name}”. We will tell you when a new posting matches it.")
    else:
        messages.success(request, f"Saved “{search.name}”.")
    return redirect(listing)


@require_GET
@login_required
def saved_searches(request):
    if not can_save_postings(request.user):
        raise PermissionDenied("Only students save searches.")
    searches = saved_searches_for(student=request.user)
    return render(
        request, "placements/saved_searches.html", {"searches": searches, "max_saved_searches": MAX_SAVED_SEARCHES}
    )


@require_POST
@login_required
def saved_search_update_view(request, pk):
    search = get_saved_search_for(request.user, pk)
    name = request.POST.get("name") if "name" in request.POST else None
    alerts = request.POST.get("alerts") == "1" if "alerts" in request.POST else None
    try:
        saved_search_update(saved_search=search, name=name, alerts=alerts)
    except ValidationError as exc:
        messages.error(request, f"Nothing was changed: {_error_text(exc)}")
        return redirect("placements:saved-searches")
    if alerts is not None and name is None:
        state = "on" if search.alerts else "off"
        messages.success(request, f"Alerts for “{search.name}” are {state}.")
    else:
        messages.success(request, f"Saved “{search.name}”.")
    return redirect("placements:saved-searches")


@require_POST
@login_required
def saved_search_delete_view(request, pk):
    search = get_saved_search_for(request.user, pk)
    name = search.name
    saved_search_delete(saved_search=search)
    messages.success(request, f"Deleted the saved search “{name}”.")
    return redirect("placements:saved-searches")

"""Site staff manage their site's postings: list, create, edit, preview and status moves.

Thin views (STYLE.md): load and authorize through placements.permissions, validate with a
form, call one service, redirect with a message. Refused moves come back as a message on
the page the person came from; nothing changes then.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.forms import PostingCloseForm, PostingForm
from placements.models import Posting
from placements.permissions import can_manage_postings, get_posting_for, posting_permissions
from placements.selectors.postings import posting_for_page
from placements.selectors.postings_manage import (
    MANAGE_FILTERS,
    manage_filter_key,
    posting_status_counts,
    postings_for_site,
)
from placements.services import postings as services
from placements.services.postings import PostingRefused

PER_PAGE = 25


def _site_of_manager(user):
    if not can_manage_postings(user):
        raise PermissionDenied("Only the staff of a site manage its postings.")
    return user.site


def _next_url(request, default: str) -> str:
    """Where to go after an action: the page it was made from, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_GET
@login_required
def posting_manage_list(request):
    site = _site_of_manager(request.user)
    key = manage_filter_key(request.GET.get("status"))
    page = Paginator(postings_for_site(site=site, status=key), PER_PAGE).get_page(request.GET.get("page"))
    counts = posting_status_counts(site=site)
    rows = [(posting, posting_permissions(request.user, posting)) for posting in page.object_list]
    tabs = [
        {"key": k, "label": label, "count": counts[k], "active": k == key, "query": "" if k == "active" else k}
        for k, label, _statuses in MANAGE_FILTERS
    ]
    return render(
        request,
        "placements/posting_manage_list.html",
        {
            "site": site,
            "page": page,
            "rows": rows,
            "tabs": tabs,
            "current": key,
            "total_count": counts["active"] + counts["archived"],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def posting_create(request):
    site = _site_of_manager(request.user)
    form = PostingForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(site=site, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if "publish" in request.POST:
                return _publish_and_redirect(request, posting, saved="Your posting was saved")
            messages.success(request, "Draft saved. Check the preview, then publish it when it is ready.")
            return redirect("placements:posting-preview", pk=posting.pk)
    return render(request, "placements/posting_form.html", {"form": form, "posting": None, "site": site})


@require_http_methods(["GET", "POST"])
@login_required
def posting_edit(request, pk):
    posting = get_posting_for(request.user, pk, write=True)
    perms = posting_permissions(request.user, posting)
    if not perms["can_edit"]:
        messages.error(request, f"An {posting.get_status_display().lower()} posting cannot be edited.")
        return redirect("placements:posting-preview", pk=posting.pk)
    form = PostingForm(request.POST or None, site=posting.site, posting=posting)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_update(posting=posting, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PostingRefused as exc:
            form.add_error(None, str(exc))
        else:
            if "publish" in request.POST and perms["can_publish"]:
                return _publish_and_redirect(request, posting, saved="Your changes were saved")
            messages.success(request, "Your changes were saved.")
            return redirect("placements:posting-preview", pk=posting.pk)
    return render(
        request,
        "placements/posting_form.html",
        {"form": form, "posting": posting, "site": posting.site, "perms": perms},
    )


def _publish_and_redirect(request, posting: Posting, *, saved: str):
    try:
        services.posting_publish(posting=posting, actor=request.user)
    except PostingRefused as exc:
        messages.warning(request, f"{saved} as a draft, but it is not published yet: {exc}")
        return redirect("placements:posting-preview", pk=posting.pk)
    messages.success(request, f"{saved} and published: students can find it now.")
    return redirect("placements:posting-manage-list")


@require_GET
@login_required
def posting_preview(request, pk):
    """The posting as students see it (posting_preview.html extends the student-facing
    posting_detail.html, with `is_preview`), plus the site's bar of actions; any status."""
    posting = get_posting_for(request.user, pk, write=True)
    perms = posting_permissions(request.user, posting)
    context = {
        "posting": posting_for_page(posting=posting, user=request.user),
        "other_postings": [],  # the preview leaves out the site's other openings
        "more_other_postings": False,
        "can_save": False,
        "is_preview": True,
        "manage_perms": perms,
        **perms,
    }
    return render(request, "placements/posting_preview.html", context)


@require_POST
@login_required
def posting_publish(request, pk):
    posting = get_posting_for(request.user, pk, write=True)
    reopening = posting.status == Posting.Status.CLOSED
    try:
        services.posting_publish(posting=posting, actor=request.user)
    except PostingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"“{posting.title}” is {'open again' if reopening else 'published'}: students can find it now.",
        )
    return redirect(_next_url(request, reverse("placements:posting-manage-list")))


@require_http_methods(["GET", "POST"])
@login_required
def posting_close(request, pk):
    posting = get_posting_for(request.user, pk, write=True)
    if not posting_permissions(request.user, posting)["can_close"]:
        messages.error(
            request, f"Only an open posting can be closed; this one is {posting.get_status_display().lower()}."
        )
        return redirect(_next_url(request, reverse("placements:posting-manage-list")))
    form = PostingCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.posting_close(posting=posting, actor=request.user, reason=form.cleaned_data["reason"])
        except PostingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{posting.title}” is closed: it takes no new applications.")
        return redirect(_next_url(request, reverse("placements:posting-manage-list")))
    return render(
        request,
        "placements/posting_confirm_close.html",
        {
            "posting": posting,
            "form": form,
            "next": _next_url(request, ""),
            "back_url": _next_url(request, reverse("placements:posting-manage-list")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def posting_archive(request, pk):
    posting = get_posting_for(request.user, pk, write=True)
    if not posting_permissions(request.user, posting)["can_archive"]:
        messages.error(
            request,
            "Only a draft or a closed posting can be archived; close this one first."
            if posting.status == Posting.Status.PUBLISHED
            else "This posting is already archived.",
        )
        return redirect(_next_url(request, reverse("placements:posting-manage-list")))
    if request.method == "POST":
        try:
            services.posting_archive(posting=posting, actor=request.user)
        except PostingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{posting.title}” is archived.")
        return redirect(reverse("placements:posting-manage-list"))
    return render(request, "placements/posting_confirm_archive.html", {"posting": posting})


@require_POST
@login_required
def posting_duplicate(request, pk):
    posting = get_posting_for(request.user, pk, write=True)
    copy = services.posting_duplicate(posting=posting, actor=request.user)
    moved = copy.application_deadline != posting.application_deadline
    messages.success(
        request,
        "A copy was saved as a draft"
        + (", with its dates moved a year on" if moved else "")
        + ". Check the title and dates, then publish it.",
    )
    return redirect("placements:posting-edit", pk=copy.pk)

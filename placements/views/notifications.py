"""The notification centre, email preferences and the one-click unsubscribe."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.models import NotificationKind, NotificationPreference
from placements.permissions import get_notification_for
from placements.selectors.notifications import notifications_page, notifications_unread_count
from placements.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    notification_unsubscribe,
)
from placements.services.notifications._common import object_path, unsubscribe_token_read
from placements.services.notifications.centre import notification_kinds_for, notification_preferences_for

# What each kind brings, shown under its name on the preferences page.
KIND_HELP = {
    NotificationKind.POSTING_MATCH: "A posting is published that fits one of your saved searches or your profile's interests.",
    NotificationKind.APPLICATION_DEADLINE: "3 days and 1 day before a posting you saved or were told about stops taking applications.",
    NotificationKind.APPLICATION_UPDATE: "Your application is reviewed, shortlisted, offered, turned down, approved, denied or cancelled.",
    NotificationKind.OFFER_DEADLINE: "2 days and 1 day before an offer you have not answered expires.",
    NotificationKind.NEW_APPLICATION: "A student applies to one of your postings, or withdraws an application.",
    NotificationKind.APPLICANT_UPDATE: "A student accepts or declines an offer, an offer expires, or a placement is approved, denied or cancelled.",
    NotificationKind.APPROVAL_NEEDED: "One of your students accepted an offer (and a reminder when it has waited 3 days).",
    NotificationKind.AGREEMENT_EXPIRING: "An affiliation agreement ends in 30 days, and again 7 days before.",
}


class NotificationPreferencesForm(forms.Form):
    """One choice per kind the person's role receives. (Built per user, so it lives
    beside its only view.)"""

    def __init__(self, *args, kinds, initial_channels, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label,
                help_text=KIND_HELP.get(kind, ""),
                choices=NotificationPreference.Channel.choices,
                initial=initial_channels.get(kind, NotificationPreference.Channel.INSTANT),
                widget=forms.RadioSelect,
            )


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@require_GET
@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page = notifications_page(request.user, page=request.GET.get("page"), unread_only=unread_only)
    unread = notifications_unread_count(request.user)
    return render(
        request,
        "placements/notification_list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
            "unread_count": unread,
            "total_count": page.paginator.count,
            "can_mark_all": unread > 0,
        },
    )


@require_GET
@login_required
def notification_open(request, pk):
    """Follow a notification to what it is about; opening it marks it read."""
    notification = get_notification_for(request.user, pk)
    notification_mark_read(notification=notification)
    return HttpResponseRedirect(object_path(notification.kind, notification.object_id, request.user.role))


@require_POST
@login_required
def notification_read(request, pk):
    notification = get_notification_for(request.user, pk)
    notification_mark_read(notification=notification)
    if request.htmx:
        # The row, read now, plus the page's and the navigation's unread counts (out of band).
        return render(
            request,
            "placements/partials/_notification_read.html",
            {"notification": notification, "unread_count": notifications_unread_count(request.user)},
        )
    return redirect(_next_url(request, reverse("placements:notification-list")))


@require_POST
@login_required
def notification_read_all(request):
    changed = notification_mark_all_read(user=request.user)
    if changed:
        messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} as read.")
    else:
        messages.info(request, "Everything was already read.")
    return redirect(_next_url(request, reverse("placements:notification-list")))


@require_http_methods(["GET", "POST"])
@login_required
def notification_preferences(request):
    kinds = notification_kinds_for(request.user)
    current = notification_preferences_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = NotificationPreferencesForm(data, kinds=kinds, initial_channels=current, prefix="pref")
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=request.user, channels=form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("placements:notification-preferences")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "placements/notification_preferences.html",
        {"form": form, "has_kinds": bool(kinds)},
        status=status,
    )


# The link in every email, and the target of mail clients' one-click button (RFC 8058):
# it works without login (the signed token says who and which kind), and the one-click
# POST carries no CSRF token, so it is exempt; it can only turn one kind's email off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe_view(request, token):
    read = unsubscribe_token_read(token)
    if read is None:
        return render(request, "placements/notification_unsubscribe.html", {"invalid": True}, status=400)
    kind_label = NotificationKind(read[1]).label
    if request.method == "GET":
        return render(request, "placements/notification_unsubscribe.html", {"confirm": True, "kind_label": kind_label})
    result = notification_unsubscribe(token=token)
    if result is None:
        return render(request, "placements/notification_unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "placements/notification_unsubscribe.html", {"done": True, "kind_label": kind_label})

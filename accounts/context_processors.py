from django.urls import NoReverseMatch, reverse

from accounts.models import Role

# The navigation of each role, in one place: (label, URL name).
_NAV = {
    "": [],
    Role.STUDENT: [
        ("Browse openings", "placements:posting-list"),
        ("My applications", "placements:application-list-student"),
        ("Saved", "placements:saved-postings"),
        ("Profile", "accounts:profile-edit"),
    ],
    Role.SITE_STAFF: [
        ("Our postings", "placements:posting-manage-list"),
        ("Agreements", "placements:agreement-list"),
        ("Site profile", "accounts:site-edit"),
        ("People", "accounts:invitation-list"),
    ],
    Role.MENTOR: [
        ("Profile", "accounts:profile-edit"),
    ],
    Role.COORDINATOR: [
        ("Approvals", "placements:approval-queue"),
        ("Agreements", "placements:agreement-list"),
        ("School", "accounts:school-edit"),
        ("People", "accounts:invitation-list"),
        ("Openings", "placements:posting-list"),
    ],
    Role.PLATFORM_STAFF: [
        ("Openings", "placements:posting-list"),
    ],
}
_PUBLIC_NAV: list[tuple[str, str]] = [
    ("Browse openings", "placements:posting-list"),
]


def _links(items, path):
    links = []
    for label, name in items:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": path.startswith(url) and url != "/"})
    return links


def _account_links(user):
    """The user dropdown's own entries (Dashboard, password, email and log out are fixed)."""
    if not user.role:
        return [{"label": "Finish setting up your account", "url": reverse("accounts:onboarding")}]
    links = []
    if user.is_student:
        links.append({"label": "Your profile", "url": reverse("accounts:student-profile", args=[user.pk])})
    links.append({"label": "Edit your profile", "url": reverse("accounts:profile-edit")})
    if user.is_site_staff:
        links.append({"label": "Site profile", "url": reverse("accounts:site-edit")})
    if user.is_coordinator:
        links.append({"label": "School and programs", "url": reverse("accounts:school-edit")})
    if user.is_site_staff or user.is_coordinator:
        links.append({"label": "People and invitations", "url": reverse("accounts:invitation-list")})
    return links


def navigation(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    items = _NAV.get(role, []) if role is not None else _PUBLIC_NAV
    context = {"nav_links": _links(items, request.path)}
    if role is not None:
        context["account_links"] = _account_links(user)
        if role:  # not before onboarding: the middleware would only send them back
            context["nav_links"].append(_notifications_link(user, request.path))
    return context


def _notifications_link(user, path):
    """Every signed-in role's "Notifications" link, its badge the unread count (one
    COUNT on a partial index)."""
    from placements.selectors.notifications import notifications_unread_count

    url = reverse("placements:notification-list")
    unread = notifications_unread_count(user)
    return {
        "label": "Notifications",
        "url": url,
        "active": path.startswith(url),
        "badge": ("99+" if unread > 99 else unread) or None,
        "badge_id": "notifications-badge",
    }

from django.urls import NoReverseMatch, reverse

from accounts.models import Role

# The navigation of each role, in one place: (label, URL name).
_NAV = {
    "": [],
    Role.STUDENT: [],
    Role.SITE_STAFF: [
        ("Our postings", "placements:posting-manage-list"),
    ],
    Role.MENTOR: [],
    Role.COORDINATOR: [],
    Role.PLATFORM_STAFF: [],
}
_PUBLIC_NAV: list[tuple[str, str]] = []


def _links(items, path):
    links = []
    for label, name in items:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": path.startswith(url) and url != "/"})
    return links


def navigation(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    items = _NAV.get(role, []) if role is not None else _PUBLIC_NAV
    return {"nav_links": _links(items, request.path)}

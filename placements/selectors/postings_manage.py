"""Reads for site staff managing their postings. Query counts do not grow with rows."""

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from accounts.models import Site, Specialty
from placements.models import HOLDS_SEAT, Application, Posting

# The tabs of the manage list: (key, label, statuses). "active" is the default: what a
# site still works with (everything but archived).
MANAGE_FILTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("active", "All active", (Posting.Status.DRAFT, Posting.Status.PUBLISHED, Posting.Status.CLOSED)),
    ("published", "Open", (Posting.Status.PUBLISHED,)),
    ("draft", "Drafts", (Posting.Status.DRAFT,)),
    ("closed", "Closed", (Posting.Status.CLOSED,)),
    ("archived", "Archived", (Posting.Status.ARCHIVED,)),
)
_STATUSES_BY_KEY = {key: statuses for key, _label, statuses in MANAGE_FILTERS}

# Open postings first (they need attention), then drafts, then closed, then archived.
_STATUS_ORDER = Case(
    When(status=Posting.Status.PUBLISHED, then=Value(0)),
    When(status=Posting.Status.DRAFT, then=Value(1)),
    When(status=Posting.Status.CLOSED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def manage_filter_key(value: str | None) -> str:
    """The tab asked for, or the default one for anything unknown."""
    return value if value in _STATUSES_BY_KEY else "active"


def postings_for_site(*, site: Site, status: str = "active") -> QuerySet[Posting]:
    """The postings of `site` with their counts, in one query (plus one for specialties):

    seats_taken (offered, accepted, approved), open_slots (slots - seats_taken),
    applications_total and applications_new (submitted, not yet looked at).
    All counts come from the one join to applications, so they do not multiply.
    """
    statuses = _STATUSES_BY_KEY[manage_filter_key(status)]
    seats = Count("applications", filter=Q(applications__status__in=HOLDS_SEAT))
    return (
        Posting.objects.filter(site=site, status__in=statuses)
        .select_related("site", "discipline", "mentor")
        # The list shows none of the long texts; the search vector is never read in Python.
        .defer("search_vector", "description", "duties", "learning_objectives", "requirements")
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.only("pk", "name")))
        .annotate(
            seats_taken=seats,
            open_slots=F("slots") - seats,
            applications_total=Count("applications"),
            applications_new=Count("applications", filter=Q(applications__status=Application.Status.SUBMITTED)),
            status_order=_STATUS_ORDER,
        )
        .order_by("status_order", "application_deadline", "-created_at", "-pk")
    )


def posting_status_counts(*, site: Site) -> dict[str, int]:
    """How many postings of `site` each manage tab holds, in one query."""
    by_status = dict(
        Posting.objects.filter(site=site)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {key: sum(by_status.get(s, 0) for s in statuses) for key, _label, statuses in MANAGE_FILTERS}

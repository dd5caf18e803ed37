"""Reads of postings for students and the public: the search listing with its facets, the
posting page, the public site page and the saved items.

Every function here runs a fixed number of queries whatever the number of rows: the
listing is the taxonomy (2), the facets (one query on PostgreSQL, two GROUP BYs on SQLite),
the page's ids, its cards, their specialties and held seats (1 each), and for a student
the saved flags. The total count is not a
query of its own: the discipline facet is computed over every other filter, so the count
is the selected discipline's facet count (or the sum of all of them).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.postgres.search import SearchRank
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, F, Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone

from accounts.models import Site, Specialty
from placements.filters import DURATIONS, PER_PAGE_CHOICES, PostingFilter, Taxonomy, keyword_query
from placements.models import HOLDS_SEAT, POSTING_PUBLIC, Application, Posting, SavedPosting, SavedSearch

PER_PAGE = PER_PAGE_CHOICES[0]
# Filters whose removal the empty state may suggest, in the order a person would drop them.
_WIDENING_ORDER = (
    "q", "specialty", "discipline", "city", "state", "kind", "mode", "site_kind", "paid",
    "duration", "hours_min", "hours_max", "start_from", "start_to",
)  # fmt: skip


def open_postings(*, include_closed: bool = False, today=None) -> QuerySet[Posting]:
    """Postings anyone may browse: published with the deadline ahead (the default), or,
    with include_closed, also those closed or past their deadline."""
    if include_closed:
        return Posting.objects.filter(status__in=POSTING_PUBLIC)
    today = today or timezone.localdate()
    return Posting.objects.filter(status=Posting.Status.PUBLISHED, application_deadline__gte=today)


def _with_cards(queryset: QuerySet[Posting]) -> QuerySet[Posting]:
    """What a posting card shows, in constant queries: site and discipline joined, the
    specialties in one prefetch. The search vector is never needed in Python."""
    return (
        queryset.select_related("site", "discipline")
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.only("id", "name", "slug")))
        .defer("search_vector", "specialty_ids", "specialty_key", "duties", "learning_objectives", "requirements")
    )


def posting_seats_held(*, posting_ids: list[int]) -> dict[int, int]:
    """How many seats (offered, accepted, approved applications) each posting has taken."""
    if not posting_ids:
        return {}
    rows = (
        Application.objects.filter(posting_id__in=posting_ids, status__in=HOLDS_SEAT)
        .order_by()
        .values("posting_id")
        .annotate(n=Count("id"))
    )
    return {row["posting_id"]: row["n"] for row in rows}


def _decorate(postings: list[Posting], *, user) -> list[Posting]:
    """Set `slots_left`, `is_saved` and `is_open` on each posting (two queries for the
    whole list)."""
    held = posting_seats_held(posting_ids=[p.pk for p in postings])
    saved = set()
    if postings and user is not None and user.is_authenticated and user.is_student:
        saved = set(
            SavedPosting.objects.filter(student=user, posting_id__in=[p.pk for p in postings]).values_list(
                "posting_id", flat=True
            )
        )
    today = timezone.localdate()
    for posting in postings:
        posting.slots_left = max(posting.slots - held.get(posting.pk, 0), 0)
        posting.is_saved = posting.pk in saved
        posting.is_open = posting.status == Posting.Status.PUBLISHED and posting.application_deadline >= today
    return postings


# --- The search listing ------------------------------------------------------------------
@dataclass
class Facet:
    slug: str
    name: str
    count: int
    selected: bool

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"


@dataclass
class ActiveFilter:
    name: str  # the GET parameter
    label: str  # what a person reads: "Specialty: Cardiology"
    remove_query: str  # the listing's query string without it
    count_without: int | None = None  # results when removed (computed for the empty state)


class _KnownCountPaginator(Paginator):
    """A paginator whose total is already known (from the facets), so it never COUNTs."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


@dataclass
class PostingSearch:
    filterset: PostingFilter
    page: Page
    total: int
    sort: str
    per_page: int
    keyword: str
    discipline_facets: list[Facet]
    specialty_facets: list[Facet]
    active_filters: list[ActiveFilter] = field(default_factory=list)
    widening: list[ActiveFilter] = field(default_factory=list)

    @property
    def postings(self) -> list[Posting]:
        return list(self.page.object_list)


def _facet_counts(filterset: PostingFilter, base, *, discipline_id, specialty_ids) -> tuple[dict, dict]:
    """Postings per discipline (over every filter but the discipline) and per specialty
    (over every filter but the specialties)."""
    if connections[base.db].vendor == "postgresql":
        # One pass over the covering index: the matches of every other filter grouped by
        # discipline and set of specialties ("3,17,40"; a few thousand groups at most).
        # Both facets, and the discipline and specialty filters, are applied to the groups.
        others = filterset.apply(base, exclude=frozenset({"discipline", "specialty"}))
        groups = others.order_by().values_list("discipline_id", "specialty_key").annotate(n=Count("id"))
        # Read the rows straight off the cursor: the ORM's per-row converters (int() on the
        # count, which psycopg already returns as an int) cost more than the fold itself.
        try:
            sql, params = groups.query.get_compiler(using=groups.db).as_sql()
        except EmptyResultSet:  # a filter that can match nothing, as the ORM would treat it
            groups = []
        else:
            with connections[groups.db].cursor() as cursor:
                cursor.execute(sql, params)
                groups = cursor.fetchall()
        # The fold is per group (thousands of rows), so it stays cheap: each distinct key
        # is split once, after the groups are summed by key.
        wanted = {str(pk) for pk in specialty_ids}
        overlaps: dict[str, bool] = {}  # key -> has one of the wanted specialties
        by_discipline: defaultdict[int, int] = defaultdict(int)
        by_key: defaultdict[str, int] = defaultdict(int)
        for discipline, key, n in groups:
            if wanted:
                hit = overlaps.get(key)
                if hit is None:
                    hit = overlaps[key] = bool(key) and not wanted.isdisjoint(key.split(","))
                if hit:
                    by_discipline[discipline] += n
            else:
                by_discipline[discipline] += n
            if discipline_id is None or discipline == discipline_id:
                by_key[key] += n
        by_specialty: defaultdict[str, int] = defaultdict(int)
        for key, n in by_key.items():
            if key:
                for pk in key.split(","):
                    by_specialty[pk] += n
        return dict(by_discipline), {int(pk): n for pk, n in by_specialty.items()}
    # SQLite: one GROUP BY per facet, the specialties through the join table.
    by_discipline = dict(
        filterset.apply(base, exclude=frozenset({"discipline"}))
        .order_by()
        .values_list("discipline_id")
        .annotate(n=Count("id"))
    )
    matches = filterset.apply(base, exclude=frozenset({"specialty"})).order_by().values("id")
    by_specialty = dict(
        Posting.specialties.through.objects.filter(posting_id__in=matches)
        .order_by()
        .values_list("specialty_id")
        .annotate(n=Count("posting_id"))
    )
    return by_discipline, by_specialty


def _order(queryset, *, sort: str, keyword: str):
    if sort == "relevance" and keyword and connections[queryset.db].vendor == "postgresql":
        rank = SearchRank(F("search_vector"), keyword_query(keyword))
        return queryset.annotate(rank=rank).order_by("-rank", "application_deadline", "id")
    if sort == "start":
        return queryset.order_by("start_date", "application_deadline", "id")
    if sort == "newest":
        # Every published or closed posting has published_at, so the plain descending
        # order (the index's) is right and needs no NULLS LAST.
        return queryset.order_by("-published_at", "-id")
    # Deadline soonest, also the fallback for "relevance" where ranking is not available.
    return queryset.order_by("application_deadline", "id")


def _active_filters(filterset: PostingFilter, cleaned: dict, params: QueryDict) -> list[ActiveFilter]:
    taxonomy = filterset.taxonomy
    active = []

    def without(name, value=None):
        query = params.copy()
        query.pop("page", None)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
        return query.urlencode()

    for name in _WIDENING_ORDER:
        if name not in cleaned:
            continue
        value = cleaned[name]
        field_label = filterset.filters[name].label
        if name == "specialty":
            names = {s.slug: s.name for s in taxonomy.specialties}
            for slug in value:
                active.append(ActiveFilter(name, f"Specialty: {names[slug]}", without(name, slug)))
            continue
        if name == "discipline":
            label = taxonomy.discipline_by_slug[value].name
        elif name == "paid":
            label = "Paid only"
        elif name == "duration":
            label = DURATIONS[value][0]
        elif name in ("hours_min", "hours_max"):
            label = f"{field_label} {value.normalize():f} hours a week"
        elif name in ("start_from", "start_to"):
            label = f"{field_label} {value:%b %-d, %Y}"
        elif name in ("kind", "mode", "site_kind", "state"):
            label = dict(filterset.filters[name].extra["choices"])[value]
        elif name == "q":
            label = f"Keyword: {value}"
        else:
            label = f"{field_label}: {value}"
        active.append(ActiveFilter(name, label, without(name)))
    return active


def postings_search(*, params: QueryDict, user=None, page_number=1, per_page: int = PER_PAGE) -> PostingSearch:
    """The listing for these GET parameters: one page of cards, the total and the facets."""
    taxonomy = Taxonomy.load()
    filterset = PostingFilter(params, queryset=Posting.objects.all(), taxonomy=taxonomy)
    cleaned = filterset.cleaned()
    keyword = " ".join(cleaned.get("q", "").split())
    sort = cleaned.get("sort") or ("relevance" if keyword else "deadline")
    if sort == "relevance" and not keyword:
        sort = "deadline"
    per_page = per_page if per_page in PER_PAGE_CHOICES else PER_PAGE

    base = open_postings(include_closed=bool(cleaned.get("include_closed")))

    # Facets: each counts over every filter but its own.
    selected_discipline = taxonomy.discipline_by_slug.get(cleaned.get("discipline", ""))
    by_slug = taxonomy.specialty_by_slug
    selected_specialty_ids = [by_slug[slug].pk for slug in cleaned.get("specialty", []) if slug in by_slug]
    by_discipline, by_specialty = _facet_counts(
        filterset,
        base,
        discipline_id=selected_discipline.pk if selected_discipline else None,
        specialty_ids=selected_specialty_ids,
    )
    total = by_discipline.get(selected_discipline.pk, 0) if selected_discipline else sum(by_discipline.values())

    # The page in two steps: the ids in order (index-only where the sort allows: no join,
    # no wide columns, whatever the number of matches), then the cards of just those ids.
    ordered_ids = _order(filterset.apply(base), sort=sort, keyword=keyword).values_list("id", flat=True)
    paginator = _KnownCountPaginator(ordered_ids, per_page, count=total)
    page = paginator.get_page(page_number)
    ids = list(page.object_list)
    cards = {p.pk: p for p in _with_cards(Posting.objects.filter(pk__in=ids))} if ids else {}
    page.object_list = _decorate([cards[pk] for pk in ids if pk in cards], user=user)

    selected_specialties = set(cleaned.get("specialty", []))
    discipline_facets = [
        Facet(
            d.slug,
            d.name,
            by_discipline.get(d.pk, 0),
            selected_discipline is not None and d.pk == selected_discipline.pk,
        )
        for d in taxonomy.disciplines
    ]
    specialty_facets = [
        Facet(s.slug, s.name, by_specialty.get(s.pk, 0), s.slug in selected_specialties)
        for s in taxonomy.specialties
        if by_specialty.get(s.pk) or s.slug in selected_specialties
    ]
    active = _active_filters(filterset, cleaned, params)
    search = PostingSearch(
        filterset=filterset,
        page=page,
        total=total,
        sort=sort,
        per_page=per_page,
        keyword=keyword,
        discipline_facets=discipline_facets,
        specialty_facets=specialty_facets,
        active_filters=active,
    )
    if total == 0 and active:
        search.widening = _widening(filterset, base, active, params)
    return search


def _widening(filterset: PostingFilter, base, active: list[ActiveFilter], params: QueryDict) -> list[ActiveFilter]:
    """For an empty result: how many postings each filter's removal would bring back,
    best first (at most one COUNT per active filter, only on an empty page)."""
    suggestions = []
    seen = set()
    for item in active:
        if item.name in seen:
            continue
        seen.add(item.name)
        if item.name == "specialty":
            # Specialties combine with OR: dropping one cannot widen much; drop them all.
            query = params.copy()
            query.pop("page", None)
            query.pop("specialty", None)
            item = ActiveFilter("specialty", "Any specialty", query.urlencode())
        item.count_without = filterset.apply(base, exclude=frozenset({item.name})).count()
        if item.count_without:
            suggestions.append(item)
    suggestions.sort(key=lambda a: -a.count_without)
    return suggestions[:3]


# --- The posting page and the public site page -----------------------------------------
def posting_for_page(*, posting: Posting, user) -> Posting:
    """The posting with what its page shows: specialties, slots left, saved flag."""
    posting = (
        Posting.objects.select_related("site", "discipline", "mentor", "mentor__mentor_profile")
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.only("id", "name", "slug")))
        .defer("search_vector")
        .get(pk=posting.pk)
    )
    return _decorate([posting], user=user)[0]


def site_open_postings(
    *, site: Site, exclude_id: int | None = None, limit: int | None = None, user=None
) -> list[Posting]:
    """The site's open postings, deadline soonest first."""
    queryset = _with_cards(open_postings().filter(site=site)).order_by("application_deadline", "id")
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    if limit is not None:
        queryset = queryset[:limit]
    return _decorate(list(queryset), user=user)


def site_postings_page(*, site: Site, page_number, user=None, per_page: int = PER_PAGE) -> Page:
    """One page of the site's open postings for its public page (count, page, specialties,
    seats, saved flags: constant queries)."""
    queryset = _with_cards(open_postings().filter(site=site)).order_by("application_deadline", "id")
    page = Paginator(queryset, per_page).get_page(page_number)
    page.object_list = _decorate(list(page.object_list), user=user)
    return page


def site_for_page(*, site: Site) -> Site:
    return Site.objects.prefetch_related(
        Prefetch("specialties", queryset=Specialty.objects.only("id", "name", "slug"))
    ).get(pk=site.pk)


# --- Saved items -----------------------------------------------------------------------
def saved_postings_for(*, student) -> list[Posting]:
    """The student's saved postings that are still public, most recently saved first;
    each carries `saved_at`, `slots_left` and `is_open`."""
    saved = (
        SavedPosting.objects.filter(student=student, posting__status__in=POSTING_PUBLIC)
        .select_related("posting", "posting__site", "posting__discipline")
        .prefetch_related(Prefetch("posting__specialties", queryset=Specialty.objects.only("id", "name", "slug")))
        .defer("posting__search_vector")
        .order_by("-created_at", "-id")
    )
    postings = []
    for item in saved:
        posting = item.posting
        posting.saved_at = item.created_at
        postings.append(posting)
    return _decorate(postings, user=student)


def saved_searches_for(*, student) -> list[SavedSearch]:
    return list(
        SavedSearch.objects.filter(student=student)
        .select_related("discipline")
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.only("id", "name", "slug")))
        .order_by("name", "id")
    )


def saved_search_count(*, student) -> int:
    return SavedSearch.objects.filter(student=student).count()


def search_suggested_name(*, filterset: PostingFilter) -> str:
    """A name to suggest when saving the current filters, e.g. "Nursing · Cardiology · OH"."""
    cleaned = filterset.cleaned()
    taxonomy = filterset.taxonomy
    parts = []
    if "q" in cleaned:
        parts.append(f"“{' '.join(cleaned['q'].split())[:40]}”")
    if "discipline" in cleaned:
        parts.append(taxonomy.discipline_by_slug[cleaned["discipline"]].name)
    names = {s.slug: s.name for s in taxonomy.specialties}
    parts.extend(names[slug] for slug in cleaned.get("specialty", [])[:2])
    if "city" in cleaned:
        parts.append(cleaned["city"])
    if "state" in cleaned:
        parts.append(cleaned["state"])
    if cleaned.get("paid"):
        parts.append("paid")
    return " · ".join(parts)[:100] or "All open postings"

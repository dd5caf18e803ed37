"""The filters of the posting listing (django-filter).

One FilterSet is at once the search form, the validator of the listing's URL (the URL is
the state: every filter is a GET parameter) and the SQL of each filter. Invalid values are
dropped with a message on their field; the other filters still apply.

`sort` and `include_closed` are fields of the form but decide the base queryset and the
ordering, which placements.selectors.postings applies; their filter methods do nothing.
"Recommended" (no sort given) is the best match with a keyword, else the soonest deadline.
Templates render the inputs themselves: Django's widget rendering is many times slower.
"""

import datetime as dt
from dataclasses import dataclass

import django_filters as df
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q

from accounts.constants import US_STATES
from accounts.models import Discipline, Site, Specialty
from placements.models import Posting
from placements.services.search import SEARCH_CONFIG

# Duration of the placement, end date minus start date, in days (lower, upper; inclusive).
DURATIONS = {
    "upto4w": ("Up to 4 weeks", None, 28),
    "1to3m": ("1 to 3 months", 29, 92),
    "3to6m": ("3 to 6 months", 93, 183),
    "over6m": ("Over 6 months", 184, None),
}
SORTS = {
    "relevance": "Best match for the keyword",
    "deadline": "Deadline, soonest first",
    "start": "Start date, soonest first",
    "newest": "Newest first",
}
PER_PAGE_CHOICES = (20, 50, 100)
MAX_HOURS = 80


@dataclass(frozen=True)
class Taxonomy:
    """Disciplines and specialties, read once per request (two small queries) and used
    for the choices, the facets and the labels of the active filters."""

    disciplines: list[Discipline]
    specialties: list[Specialty]

    @classmethod
    def load(cls) -> "Taxonomy":
        return cls(
            disciplines=list(Discipline.objects.only("id", "name", "slug").order_by("name")),
            specialties=list(Specialty.objects.only("id", "name", "slug").order_by("name")),
        )

    @property
    def discipline_by_slug(self) -> dict[str, Discipline]:
        return {d.slug: d for d in self.disciplines}

    @property
    def specialty_by_slug(self) -> dict[str, Specialty]:
        return {s.slug: s for s in self.specialties}


class PostingFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start_from, start_to = cleaned.get("start_from"), cleaned.get("start_to")
        if start_from and start_to and start_to < start_from:
            self.add_error("start_to", "This date is before the “from” date.")
        hours_min, hours_max = cleaned.get("hours_min"), cleaned.get("hours_max")
        if hours_min is not None and hours_max is not None and hours_max < hours_min:
            self.add_error("hours_max", "This is less than the minimum hours.")
        city = cleaned.get("city")
        if city:
            cleaned["city"] = " ".join(city.split())
        return cleaned


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _hours_widget():
    return forms.NumberInput(attrs={"min": 0, "max": MAX_HOURS, "step": 1, "inputmode": "numeric"})


def keyword_query(value: str) -> SearchQuery:
    """The tsquery of a keyword: web-search syntax ("quoted phrases", -exclusions, or)."""
    return SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")


class PostingFilter(df.FilterSet):
    q = df.CharFilter(
        label="Keyword",
        method="filter_keyword",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. cardiac, wound care", "autocomplete": "off"}
        ),
    )
    sort = df.ChoiceFilter(
        label="Sort by", choices=list(SORTS.items()), method="filter_nothing", empty_label="Recommended"
    )
    discipline = df.ChoiceFilter(label="Discipline", method="filter_discipline", empty_label="Any discipline")
    specialty = df.MultipleChoiceFilter(
        label="Specialties", method="filter_specialty", widget=forms.CheckboxSelectMultiple
    )
    kind = df.ChoiceFilter(label="Kind", choices=Posting.Kind.choices, empty_label="Any kind")
    mode = df.ChoiceFilter(
        label="On-site or hybrid", field_name="work_mode", choices=Posting.WorkMode.choices, empty_label="Either"
    )
    site_kind = df.ChoiceFilter(
        label="Type of site", field_name="site__kind", choices=Site.Kind.choices, empty_label="Any type of site"
    )
    state = df.ChoiceFilter(label="State", choices=US_STATES, empty_label="Any state")
    city = df.CharFilter(label="City", field_name="city", lookup_expr="iexact", max_length=100)
    start_from = df.DateFilter(
        label="Starts on or after", field_name="start_date", lookup_expr="gte", widget=_date_widget()
    )
    start_to = df.DateFilter(
        label="Starts on or before", field_name="start_date", lookup_expr="lte", widget=_date_widget()
    )
    duration = df.ChoiceFilter(
        label="Length",
        choices=[(key, label) for key, (label, _lo, _hi) in DURATIONS.items()],
        method="filter_duration",
        empty_label="Any length",
    )
    hours_min = df.NumberFilter(
        label="At least", field_name="hours_per_week", lookup_expr="gte", min_value=0, max_value=MAX_HOURS,
        widget=_hours_widget(),
    )  # fmt: skip
    hours_max = df.NumberFilter(
        label="At most", field_name="hours_per_week", lookup_expr="lte", min_value=0, max_value=MAX_HOURS,
        widget=_hours_widget(),
    )  # fmt: skip
    paid = df.BooleanFilter(label="Paid or with a stipend only", method="filter_paid", widget=forms.CheckboxInput)
    include_closed = df.BooleanFilter(
        label="Include postings whose deadline has passed", method="filter_nothing", widget=forms.CheckboxInput
    )

    class Meta:
        model = Posting
        fields: list[str] = []
        form = PostingFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, taxonomy: Taxonomy | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.taxonomy = taxonomy or Taxonomy.load()
        self.filters["discipline"].extra["choices"] = [(d.slug, d.name) for d in self.taxonomy.disciplines]
        self.filters["specialty"].extra["choices"] = [(s.slug, s.name) for s in self.taxonomy.specialties]

    # --- what the selector needs ---------------------------------------------------------
    def cleaned(self) -> dict:
        """The valid values (invalid ones are dropped and shown as field errors)."""
        self.errors  # validates once  # noqa: B018
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}

    def apply(self, queryset, *, exclude: frozenset[str] = frozenset()):
        """The queryset with every valid filter except those in `exclude` (for facets)."""
        self.errors  # noqa: B018
        for name, value in self.form.cleaned_data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    # --- filter methods ------------------------------------------------------------------
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_discipline(self, queryset, name, value):
        discipline = self.taxonomy.discipline_by_slug.get(value)
        return queryset.filter(discipline_id=discipline.pk) if discipline else queryset

    def filter_specialty(self, queryset, name, value):
        """Postings with any of the chosen specialties (a semi-join, so no duplicates)."""
        by_slug = self.taxonomy.specialty_by_slug
        ids = [by_slug[slug].pk for slug in value if slug in by_slug]
        if not ids:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            # The copy of the ids in the covering index: no join (see services/search.py).
            return queryset.filter(specialty_ids__overlap=ids)
        through = Posting.specialties.through.objects.filter(posting_id=OuterRef("pk"), specialty_id__in=ids)
        return queryset.filter(Exists(through))

    def filter_duration(self, queryset, name, value):
        _label, low, high = DURATIONS[value]
        if low is not None:
            queryset = queryset.filter(end_date__gte=F("start_date") + dt.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(end_date__lte=F("start_date") + dt.timedelta(days=high))
        return queryset

    def filter_paid(self, queryset, name, value):
        return queryset.filter(is_paid=True) if value else queryset

    def filter_keyword(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            return queryset.filter(search_vector=keyword_query(value))
        # SQLite, the zero-setup default: every word must appear in the title, the
        # description, the site's name or one of the specialty names.
        for word in value.split()[:8]:
            word = word.strip("\"'-")
            if not word:
                continue
            specialty = Posting.specialties.through.objects.filter(
                posting_id=OuterRef("pk"), specialty__name__icontains=word
            )
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(site__name__icontains=word)
                | Q(Exists(specialty))
            )
        return queryset

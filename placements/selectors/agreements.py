"""Reads for affiliation agreements: lists per school and per site, and the coverage rule.

An agreement *covers* a placement when it is active, is between the student's school and
the posting's site, lists the posting's discipline, and runs from on or before the
placement's first day to on or after its last day.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Site
from placements.models import AffiliationAgreement, Application

# Agreements ending within this many days are "expiring soon" on lists and dashboards.
EXPIRING_SOON_DAYS = 60

A = AffiliationAgreement.Status

# What a list can be narrowed to: (value, label).
LIST_FILTERS = [
    ("", "All"),
    ("active", "Active"),
    ("expiring", "Expiring soon"),
    ("expired", "Expired"),
    ("pending", "Pending signature"),
    ("terminated", "Terminated"),
]


def _base() -> QuerySet:
    return (
        AffiliationAgreement.objects.select_related("school", "site", "created_by")
        .prefetch_related("disciplines")
        # Current agreements first, then pending, terminated last; soonest end first.
        .annotate(
            _status_rank=Case(
                When(status=A.ACTIVE, then=Value(0)),
                When(status=A.PENDING, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("_status_rank", "end_date", "site__name", "school__name", "pk")
    )


def narrow_agreements(agreements: list[AffiliationAgreement], show: str) -> list[AffiliationAgreement]:
    """The agreements (with expiry facts attached) that one of LIST_FILTERS keeps."""
    keep = {
        "active": lambda a: a.status == A.ACTIVE and not a.is_expired,
        "expiring": lambda a: a.expires_soon,
        "expired": lambda a: a.status == A.ACTIVE and a.is_expired,
        "pending": lambda a: a.status == A.PENDING,
        "terminated": lambda a: a.status == A.TERMINATED,
    }.get(show)
    return [a for a in agreements if keep(a)] if keep else list(agreements)


def agreements_for_school(*, school_id: int) -> list[AffiliationAgreement]:
    """The school's agreements (every site), each with its expiry facts attached."""
    return with_expiry(_base().filter(school_id=school_id), today=timezone.localdate())


def agreements_for_site(*, site_id: int) -> list[AffiliationAgreement]:
    """The site's agreements (every school), read-only for its staff."""
    return with_expiry(_base().filter(site_id=site_id), today=timezone.localdate())


def agreements_expiring(*, school_id: int, within_days: int = EXPIRING_SOON_DAYS) -> list[AffiliationAgreement]:
    """Active agreements of the school that end between today and `within_days` from now."""
    today = timezone.localdate()
    queryset = _base().filter(
        school_id=school_id,
        status=A.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=within_days),
    )
    return with_expiry(queryset, today=today)


def agreement_detail(*, agreement: AffiliationAgreement) -> AffiliationAgreement:
    [agreement] = with_expiry([agreement], today=timezone.localdate())
    return agreement


def agreement_placements(*, agreement: AffiliationAgreement) -> QuerySet:
    """Approved placements of the agreement's school at its site that it covers."""
    return (
        Application.objects.filter(
            status=Application.Status.APPROVED,
            student__school_id=agreement.school_id,
            posting__site_id=agreement.site_id,
            posting__discipline__in=agreement.disciplines.all(),
            posting__start_date__gte=agreement.start_date,
            posting__end_date__lte=agreement.end_date,
        )
        .select_related("student", "posting")
        .order_by("posting__start_date", "pk")
    )


def verified_sites(*, query: str = "", limit: int | None = None) -> QuerySet:
    """Sites a coordinator can record an agreement with: verified ones, by name."""
    queryset = Site.objects.filter(verified=True).order_by("name", "pk")
    query = query.strip()
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(city__icontains=query))
    return queryset[:limit] if limit else queryset


def agreement_covering(school_id, site_id, discipline_id, start, end, *, lock: bool = False):
    """The active agreement that covers a placement of `discipline_id` at the site from
    `start` to `end` for the school, or None. The one that runs longest wins.

    `lock=True` takes a row lock (inside a transaction) so a concurrent termination waits
    until the approval that relies on this agreement has committed."""
    queryset = AffiliationAgreement.objects.filter(
        school_id=school_id,
        site_id=site_id,
        status=A.ACTIVE,
        start_date__lte=start,
        end_date__gte=end,
        disciplines=discipline_id,
    ).order_by("-end_date", "pk")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.first()


@dataclass(frozen=True)
class Coverage:
    """Whether an agreement covers one placement, and if not, the nearest miss in words."""

    agreement: AffiliationAgreement | None
    problem: str = ""

    @property
    def covered(self) -> bool:
        return self.agreement is not None


def coverage_for(applications: Iterable[Application]) -> dict[int, Coverage]:
    """Coverage of many applications (posting and student loaded) in two queries."""
    applications = list(applications)
    pairs = {(a.student.school_id, a.posting.site_id) for a in applications}
    if not pairs:
        return {}
    schools = {school for school, _ in pairs}
    sites = {site for _, site in pairs}
    candidates: dict[tuple[int, int], list[AffiliationAgreement]] = {}
    for agreement in (
        AffiliationAgreement.objects.filter(school_id__in=schools, site_id__in=sites)
        .prefetch_related("disciplines")
        .order_by("-end_date", "pk")
    ):
        candidates.setdefault((agreement.school_id, agreement.site_id), []).append(agreement)
    return {
        a.pk: _coverage(a.posting, candidates.get((a.student.school_id, a.posting.site_id), [])) for a in applications
    }


def _coverage(posting, agreements: list[AffiliationAgreement]) -> Coverage:
    problems = []
    for agreement in agreements:
        discipline_ids = {d.pk for d in agreement.disciplines.all()}
        until = date_format(agreement.end_date, "j M Y")
        since = date_format(agreement.start_date, "j M Y")
        if agreement.status == A.TERMINATED:
            problems.append((3, "The agreement with this site was terminated."))
        elif posting.discipline_id not in discipline_ids:
            problems.append((2, f"The agreement with this site does not include {posting.discipline}."))
        elif agreement.status == A.PENDING:
            problems.append((1, "The agreement with this site is still pending signature."))
        elif agreement.end_date < posting.end_date:
            problems.append((0, f"The agreement with this site ends on {until}, before the placement ends."))
        elif agreement.start_date > posting.start_date:
            problems.append((0, f"The agreement with this site only starts on {since}."))
        else:
            return Coverage(agreement=agreement)
    if not problems:
        return Coverage(agreement=None, problem="There is no agreement with this site.")
    return Coverage(agreement=None, problem=min(problems)[1])


def with_expiry(agreements: Iterable[AffiliationAgreement], *, today: dt.date) -> list[AffiliationAgreement]:
    """Attach `days_left`, `is_expired`, `expires_soon` and `expiry_phrase` to each
    agreement, so templates show "expires in 20 days" without date arithmetic."""
    result = []
    for agreement in agreements:
        days = (agreement.end_date - today).days
        agreement.days_left = days
        agreement.is_current = agreement.status == A.ACTIVE and days >= 0 and agreement.start_date <= today
        agreement.is_expired = agreement.status != A.TERMINATED and days < 0
        agreement.expires_soon = agreement.status == A.ACTIVE and 0 <= days <= EXPIRING_SOON_DAYS
        agreement.expiry_phrase = expiry_phrase(days)
        result.append(agreement)
    return result


def expiry_phrase(days: int) -> str:
    """ "expires in 20 days", "expires in 7 months", "expired 3 days ago"."""
    if days < -1:
        return f"expired {_span(-days)} ago"
    if days == -1:
        return "expired yesterday"
    if days == 0:
        return "expires today"
    if days == 1:
        return "expires tomorrow"
    return f"expires in {_span(days)}"


def _span(days: int) -> str:
    # Days while they matter (the 60-day warning window), then months, then years.
    if days <= EXPIRING_SOON_DAYS + 30:
        return f"{days} days"
    months = round(days / 30.44)
    if months < 24:
        return f"{months} months"
    return f"{round(days / 365.25)} years"

"""A student's saved postings and saved searches ("alert me").

Both feed the notifications: saved postings get deadline reminders, saved searches with
alerts on are matched against newly published postings in SQL through their structured
columns (discipline, specialties, kind, state, city, work_mode, site_kind, paid_only,
keyword), which are filled here from the validated filter values, never from raw input.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from placements.models import Posting, SavedPosting, SavedSearch

MAX_SAVED_SEARCHES = 25
# GET parameters that are not part of what a search matches.
_NOT_SEARCH_PARAMS = ("page", "per_page")


def saved_posting_toggle(*, student, posting: Posting, saved: bool) -> bool:
    """Set whether `student` has saved `posting`; returns the new state.

    The wanted state is explicit (not "flip"), so a double click or a replayed request
    leaves the same result. Only published postings can be newly saved; unsaving always
    works. The caller has checked the student may see the posting.
    """
    if not student.is_student:
        raise ValidationError("Only students can save postings.")
    if not saved:
        SavedPosting.objects.filter(student=student, posting=posting).delete()
        return False
    if posting.status != Posting.Status.PUBLISHED:
        if SavedPosting.objects.filter(student=student, posting=posting).exists():
            return True
        raise ValidationError("This posting is no longer open, so it cannot be saved.")
    # get_or_create under the unique constraint: two simultaneous saves make one row.
    try:
        with transaction.atomic():
            SavedPosting.objects.get_or_create(student=student, posting=posting)
    except IntegrityError:
        pass
    return True


def _clean_query(params: QueryDict) -> str:
    query = params.copy()
    for name in _NOT_SEARCH_PARAMS:
        query.pop(name, None)
    for name in list(query):
        values = [v for v in query.getlist(name) if v.strip()]
        if values:
            query.setlist(name, values)
        else:
            query.pop(name)
    return query.urlencode()


def _name_is_taken(student_id: int, name: str, *, exclude_pk=None) -> bool:
    others = SavedSearch.objects.filter(student_id=student_id, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the search a name, for example “Cardiology in Ohio”."})
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name under 100 characters."})
    return name


@transaction.atomic
def saved_search_create(*, student, name: str, params: QueryDict, alerts: bool = True) -> SavedSearch:
    """Save the listing's current filters under `name`.

    `params` are the listing's GET parameters; they are validated by the listing's own
    FilterSet, and only valid values are stored (invalid ones are dropped, as the listing
    drops them). Raises ValidationError with a message for the person.
    """
    from placements.filters import PostingFilter

    if not student.is_student:
        raise ValidationError("Only students can save searches.")
    name = _clean_name(name)
    if _name_is_taken(student.pk, name):
        raise ValidationError({"name": f"You already have a saved search called “{name}”."})
    if SavedSearch.objects.filter(student=student).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            f"You can keep up to {MAX_SAVED_SEARCHES} saved searches. Delete one you no longer need first."
        )
    filterset = PostingFilter(params)
    cleaned = filterset.cleaned()
    taxonomy = filterset.taxonomy
    discipline = taxonomy.discipline_by_slug.get(cleaned.get("discipline", ""))
    by_slug = taxonomy.specialty_by_slug
    specialties = [by_slug[slug] for slug in cleaned.get("specialty", []) if slug in by_slug]
    # The query string keeps only the parameters the form accepted.
    accepted = QueryDict(mutable=True)
    for key in filterset.form.fields:
        if key in cleaned:
            accepted.setlist(key, params.getlist(key))
    search = SavedSearch(
        student=student,
        name=name,
        query=_clean_query(accepted)[:1000],
        keyword=" ".join(cleaned.get("q", "").split())[:200],
        discipline=discipline,
        kind=cleaned.get("kind", ""),
        state=cleaned.get("state", ""),
        city=cleaned.get("city", "")[:100],
        work_mode=cleaned.get("mode", ""),
        site_kind=cleaned.get("site_kind", ""),
        paid_only=bool(cleaned.get("paid")),
        alerts=alerts,
    )
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError:
        raise ValidationError({"name": f"You already have a saved search called “{name}”."}) from None
    if specialties:
        search.specialties.set(specialties)
    return search


def saved_search_update(
    *, saved_search: SavedSearch, name: str | None = None, alerts: bool | None = None
) -> SavedSearch:
    """Rename a saved search and/or switch its alerts on or off."""
    fields = []
    if name is not None:
        name = _clean_name(name)
        if _name_is_taken(saved_search.student_id, name, exclude_pk=saved_search.pk):
            raise ValidationError({"name": f"You already have a saved search called “{name}”."})
        saved_search.name = name
        fields.append("name")
    if alerts is not None:
        saved_search.alerts = alerts
        fields.append("alerts")
    if fields:
        try:
            with transaction.atomic():
                saved_search.save(update_fields=fields)
        except IntegrityError:
            raise ValidationError({"name": f"You already have a saved search called “{name}”."}) from None
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()

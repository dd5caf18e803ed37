"""Match fan-out: tell every student a newly published posting fits, once, in SQL.

A student hears about a posting when
- one of their saved searches with alerts on fits it: every filter the search sets
  (discipline, kind, state, city, on-site/hybrid, site kind, paid only, specialties:
  any one in common, keyword) holds for the posting; a filter left empty fits anything.
  The keyword fits as it does on the listing: PostgreSQL's full-text match of the
  posting's keyword index (stemmed: "nurse" finds "nursing"), on SQLite every word
  appearing in the title, description, site name or a specialty name;
- or their stated interests fit it: their profile's discipline is the posting's, at
  least one of their specialties of interest is among the posting's, and their state is
  the posting's state (a student who names no state or no specialty relies on saved
  searches; telling them of every posting nationwide would be noise).

The recipients are never loaded into Python: the database evaluates the match once into
a temporary table of student ids, numbers them (a window function) to cut batches, and
each batch of NOTIFY_FANOUT_BATCH_SIZE students is one INSERT ... SELECT. So the query
count grows with batches, not students, and each batch commits on its own: a worker
killed half-way leaves whole batches behind, and the redelivered task skips them through
the unique key and writes only the rest.
"""

import time
import uuid

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateField, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role, StudentProfile, User
from placements.models import Notification, NotificationKind, Posting, SavedSearch

from ._common import email_status_expression, insert_notifications, without_jit
from .delivery import enqueue_emails

K = NotificationKind


def _batch_size() -> int:
    return int(getattr(settings, "NOTIFY_FANOUT_BATCH_SIZE", 5000))


def _batch_pause() -> float:
    # Seconds to rest between batches, to spread a huge fan-out's load on the database.
    return float(getattr(settings, "NOTIFY_FANOUT_BATCH_PAUSE", 0))


def _keyword_words(keyword: str) -> list[str]:
    words = [w.strip("\"'-") for w in " ".join(keyword.split()).split()[:8]]
    return [w for w in words if w]


def _sqlite_keyword_fits(keyword: str, haystack: str) -> bool:
    words = _keyword_words(keyword)
    return bool(words) and all(word.lower() in haystack for word in words)


def _saved_searches_fitting(posting: Posting, specialty_ids: list[int], db: str):
    through = SavedSearch.specialties.through
    searches = SavedSearch.objects.using(db).filter(
        Q(alerts=True),
        Q(discipline__isnull=True) | Q(discipline_id=posting.discipline_id),
        Q(kind="") | Q(kind=posting.kind),
        Q(state="") | Q(state=posting.state),
        Q(city="") | Q(city__iexact=posting.city),
        Q(work_mode="") | Q(work_mode=posting.work_mode),
        Q(site_kind="") | Q(site_kind=posting.site.kind),
        ~Exists(through.objects.filter(savedsearch_id=OuterRef("pk")))
        | Exists(through.objects.filter(savedsearch_id=OuterRef("pk"), specialty_id__in=specialty_ids)),
    )
    if not posting.is_paid:
        searches = searches.filter(paid_only=False)
    if connections[db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        from placements.services.search import SEARCH_CONFIG, posting_search_refresh

        if posting.search_vector is None:  # not indexed yet (written outside the services)
            posting_search_refresh(posting_ids=[posting.pk])

        # The posting's stored keyword index matched against each search's keyword as a
        # web-search query, exactly as the listing does (one primary-key probe per search).
        keyword_fits = Posting.objects.using(db).filter(
            pk=posting.pk,
            search_vector=SearchQuery(OuterRef("keyword"), config=SEARCH_CONFIG, search_type="websearch"),
        )
        searches = searches.filter(Q(keyword="") | Exists(keyword_fits))
    else:
        haystack = " ".join(
            [posting.title, posting.description, posting.site.name, *posting.specialties.values_list("name", flat=True)]
        ).lower()
        keywords = set(searches.exclude(keyword="").order_by().values_list("keyword", flat=True).distinct())
        fitting = [k for k in keywords if _sqlite_keyword_fits(k, haystack)]
        searches = searches.filter(Q(keyword="") | Q(keyword__in=fitting))
    return searches


def students_matching(posting: Posting, *, using: str | None = None):
    """The students a posting fits, as one queryset (see the module's rules)."""
    db = using or router.db_for_read(User)
    specialty_ids = list(posting.specialties.values_list("pk", flat=True))
    searches = _saved_searches_fitting(posting, specialty_ids, db)
    interests = StudentProfile.objects.using(db).filter(
        discipline_id=posting.discipline_id, state=posting.state, specialties__in=specialty_ids
    )
    return User.objects.using(db).filter(
        Q(role=Role.STUDENT, is_active=True),
        Q(pk__in=searches.values("student_id")) | Q(pk__in=interests.values("user_id")),
    )


def _batch_bounds(table: str, batch_size: int, db: str) -> list[int]:
    """The id of every batch_size-th matched student, in order (a window function)."""
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT numbered.id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table}) numbered"
            " WHERE numbered.n %% %s = 0 ORDER BY 1",
            [batch_size],
        )
        return [row[0] for row in cursor.fetchall()]


def posting_match_fanout(*, posting_id: int) -> int:
    """Tell every student whose saved search or interests fit this published posting.

    Safe to run twice or after a crash half-way: rows already written are skipped by the
    unique key. Does nothing for a posting that is gone or not published (a publish that
    was rolled back never enqueues this; one closed meanwhile is not news). Returns how
    many notifications it wrote.
    """
    posting = Posting.objects.select_related("site").filter(pk=posting_id, status=Posting.Status.PUBLISHED).first()
    if posting is None:
        return 0
    db = router.db_for_write(Notification)
    connection = connections[db]
    # The matching is evaluated once, into a temporary table of student ids (gone with
    # the connection if the worker dies); the batches then only read slices of it.
    table = connection.ops.quote_name(f"notify_fanout_{posting.pk}_{uuid.uuid4().hex[:12]}")
    matching_sql, params = students_matching(posting, using=db).order_by().values("pk").query.sql_with_params()
    with transaction.atomic(using=db), connection.cursor() as cursor:
        without_jit(connection)
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (id bigint PRIMARY KEY)")
        cursor.execute(f"INSERT INTO {table} (id) {matching_sql}", params)
    try:
        return _write_batches(posting, table, db)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _write_batches(posting: Posting, table: str, db: str) -> int:
    now = timezone.now()
    body = (
        f"{posting.site.name} · {posting.city}, {posting.state} · {posting.get_kind_display()} · "
        f"apply by {date_format(posting.application_deadline, 'F j')}"
    )
    rows = User.objects.using(db).annotate(
        n_recipient_id=F("pk"),
        n_kind=Value(K.POSTING_MATCH),
        n_object_id=Value(posting.pk, output_field=IntegerField()),
        n_window=Value(""),
        n_title=Value(f"New posting for you: {posting.title}"[:300]),
        n_body=Value(body[:500]),
        n_due_on=Value(posting.application_deadline, output_field=DateField()),
        n_created_at=Value(now),
        n_email_status=email_status_expression(K.POSTING_MATCH),
        n_email_attempts=Value(0, output_field=IntegerField()),
        n_email_last_error=Value(""),
        n_email_queued_at=Value(now),
    )
    bounds = _batch_bounds(table, _batch_size(), db)
    edges = [None, *bounds, None]
    written = 0
    pause = _batch_pause()
    for index, (low, high) in enumerate(zip(edges, edges[1:], strict=False)):
        where, params = [], []
        if low is not None:
            where.append("id > %s")
            params.append(low)
        if high is not None:
            where.append("id <= %s")
            params.append(high)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        batch = rows.filter(pk__in=RawSQL(f"SELECT id FROM {table}{clause}", params))
        with transaction.atomic(using=db):
            without_jit(connections[db])
            inserted = insert_notifications(batch)
            enqueue_emails(inserted.email_ids)
        written += inserted.count
        if pause and index < len(edges) - 2:
            time.sleep(pause)
    return written


def posting_match_count(*, posting_id: int) -> int:
    return Notification.objects.filter(kind=K.POSTING_MATCH, object_id=posting_id).count()

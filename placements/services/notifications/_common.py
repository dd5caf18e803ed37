"""What every notification writer shares: the one INSERT path, preferences, links.

Every notification is written through `insert_notifications` (a set-based
INSERT ... SELECT) or `create_notifications` (a list of rows), both of which skip a row
whose (recipient, kind, object_id, window) already exists. That unique key, enforced by
the database, is what makes every writer safe to run twice, concurrently or after a
worker died half-way.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db import connections, router
from django.db.models import Case, CharField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from placements.models import Notification, NotificationKind, NotificationPreference

K = NotificationKind
Channel = NotificationPreference.Channel
EmailStatus = Notification.EmailStatus

# The columns a set-based insert writes, in this order; `insert_notifications` takes a
# queryset whose .values() are these names prefixed with "n_".
COLUMNS = (
    "recipient_id",
    "kind",
    "object_id",
    "window",
    "title",
    "body",
    "due_on",
    "created_at",
    "email_status",
    "email_attempts",
    "email_last_error",
    "email_queued_at",
)

_EMAIL_STATUS_FOR_CHANNEL = {
    Channel.INSTANT: EmailStatus.PENDING,
    Channel.DIGEST: EmailStatus.DIGEST,
    Channel.OFF: EmailStatus.SKIPPED,
}


@dataclass(frozen=True)
class Inserted:
    """What one insert wrote: the new rows' ids, and those whose email is due now."""

    ids: list[int]
    email_ids: list[int]

    @property
    def count(self) -> int:
        return len(self.ids)


def email_status_expression(kind: str, user_ref: str = "pk"):
    """The email status a new notification of `kind` gets, from the recipient's
    preference, as SQL (`user_ref` names the recipient's id in the outer query): one
    probe of the preference's unique index per row."""
    status = (
        NotificationPreference.objects.filter(user_id=OuterRef(user_ref), kind=kind)
        .annotate(
            _status=Case(
                When(channel=Channel.OFF, then=Value(EmailStatus.SKIPPED)),
                When(channel=Channel.DIGEST, then=Value(EmailStatus.DIGEST)),
                default=Value(EmailStatus.PENDING),
                output_field=CharField(),
            )
        )
        .values("_status")[:1]
    )
    return Coalesce(Subquery(status, output_field=CharField()), Value(EmailStatus.PENDING))


def without_jit(connection) -> None:
    """Inside a transaction on PostgreSQL: no JIT compilation for its statements.

    The planner's cost of these set-based statements (a correlated subquery per row)
    crosses jit_above_cost, and compiling then takes longer (about a second) than the
    statement runs; on OLTP statements JIT is overhead, not help.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def insert_notifications(queryset: QuerySet) -> Inserted:
    """INSERT INTO notification SELECT <queryset>, skipping rows that already exist.

    `queryset` must select `n_<column>` for every name in COLUMNS (annotations, then
    `.values(*("n_" + c for c in COLUMNS))`). One statement, however many rows: the
    database computes the recipients, Python never sees them one by one.
    """
    names = [f"n_{column}" for column in COLUMNS]
    queryset = queryset.values(*names)
    db = router.db_for_write(Notification)
    connection = connections[db]
    compiler = queryset.query.get_compiler(using=db)
    select_sql, params = compiler.as_sql()
    selected = [alias for _expr, _sql, alias in compiler.select]
    if selected != names:  # defends the column order the INSERT relies on
        raise RuntimeError(f"insert_notifications: selected columns {selected} differ from {names}")
    quote = connection.ops.quote_name
    table = quote(Notification._meta.db_table)
    columns = ", ".join(quote(Notification._meta.get_field(c).column) for c in COLUMNS)
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING RETURNING id, email_status"
    else:
        sql = f"INSERT OR IGNORE INTO {table} ({columns}) {select_sql} RETURNING id, email_status"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return Inserted(ids=[row[0] for row in rows], email_ids=[row[0] for row in rows if row[1] == EmailStatus.PENDING])


def create_notifications(rows: Iterable[Notification]) -> Inserted:
    """Write a handful of notifications built in Python (a status change's few
    recipients), each with the email status its recipient's preference asks for."""
    rows = list(rows)
    if not rows:
        return Inserted(ids=[], email_ids=[])
    prefs = {
        (user_id, kind): channel
        for user_id, kind, channel in NotificationPreference.objects.filter(
            user_id__in={r.recipient_id for r in rows}, kind__in={r.kind for r in rows}
        ).values_list("user_id", "kind", "channel")
    }
    for row in rows:
        row.email_status = _EMAIL_STATUS_FOR_CHANNEL[prefs.get((row.recipient_id, row.kind), Channel.INSTANT)]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts leaves no primary keys on the objects: read back which rows are new
    # (not yet emailed) by their unique keys.
    keys = {(r.recipient_id, r.kind, r.object_id, r.window) for r in rows}
    written = Notification.objects.filter(
        recipient_id__in={k[0] for k in keys},
        kind__in={k[1] for k in keys},
        object_id__in={k[2] for k in keys},
        window__in={k[3] for k in keys},
    ).values_list("id", "recipient_id", "kind", "object_id", "window", "email_status", "email_attempts")
    ids, email_ids = [], []
    for pk, recipient_id, kind, object_id, window, status, attempts in written:
        if (recipient_id, kind, object_id, window) in keys:
            ids.append(pk)
            if status == EmailStatus.PENDING and attempts == 0:
                email_ids.append(pk)
    return Inserted(ids=ids, email_ids=email_ids)


# --- Links ----------------------------------------------------------------------------
# Where a notification of each kind leads (the application page shows each party its own
# view of the application). The dashboard stands in if a name is ever missing.
_LINKS: dict[str, str] = {
    K.POSTING_MATCH: "placements:posting-detail",
    K.APPLICATION_DEADLINE: "placements:posting-detail",
    K.APPLICATION_UPDATE: "placements:application-detail",
    K.OFFER_DEADLINE: "placements:application-detail",
    K.NEW_APPLICATION: "placements:application-detail",
    K.APPLICANT_UPDATE: "placements:application-detail",
    K.APPROVAL_NEEDED: "placements:approval-detail",
    K.AGREEMENT_EXPIRING: "placements:agreement-detail",
}


def object_path(kind: str, object_id: int, role: str = "") -> str:
    """The path of the thing a notification is about (computed when shown, so a renamed
    URL never leaves stale links behind)."""
    try:
        return reverse(_LINKS[kind], args=[object_id])
    except (KeyError, NoReverseMatch):
        return reverse("dashboard")


# --- Unsubscribe tokens ---------------------------------------------------------------
_UNSUBSCRIBE_SALT = "placements.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed token naming one person and one kind. It does not expire: an unsubscribe
    link in an old email must keep working (RFC 8058 asks it to work without login)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a token, or None when it was not made by us or is damaged."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in K.values or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["k"]

"""The keyword index of postings (and the copy of their specialty ids beside it).

On PostgreSQL each posting keeps a stored, weighted `search_vector` (title A; site name and
specialty names B; description, duties and learning objectives C) behind a GIN index, so a
keyword search is an index lookup ranked with ts_rank. The vector depends on other rows
(the site's name, the posting's specialties), so a trigger on the posting row alone cannot
keep it right; instead every write that changes one of those inputs calls a function here,
after the change (and after the specialties are set). The same UPDATE copies the
posting's specialty ids into `specialty_ids` (and as text into `specialty_key`), which the
listing's covering index holds.
On SQLite these are no-ops: the search falls back to icontains and joins for specialties.
"""

from collections.abc import Iterable

from django.db import connection

from accounts.models import Site, Specialty
from placements.models import Posting

# One configuration for the index and for the queries, so stemming agrees on both sides.
SEARCH_CONFIG = "english"


def _refresh_sql(where: str) -> str:
    posting = Posting._meta.db_table
    site = Site._meta.db_table
    specialty = Specialty._meta.db_table
    through = Posting.specialties.through._meta.db_table
    return f"""
        UPDATE {posting} AS p
        SET search_vector =
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(p.title, '')), 'A')
            || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(src.site_name, '') || ' '
                                     || coalesce(src.specialty_names, '')), 'B')
            || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(p.description, '') || ' '
                                     || coalesce(p.duties, '') || ' '
                                     || coalesce(p.learning_objectives, '')), 'C'),
            specialty_ids = coalesce(src.specialty_ids, '{{}}'),
            specialty_key = coalesce(array_to_string(src.specialty_ids, ','), '')
        FROM (
            SELECT p2.id AS posting_id,
                   s.name AS site_name,
                   (SELECT string_agg(sp.name, ' ' ORDER BY sp.name)
                      FROM {through} ps JOIN {specialty} sp ON sp.id = ps.specialty_id
                     WHERE ps.posting_id = p2.id) AS specialty_names,
                   (SELECT array_agg(ps.specialty_id ORDER BY ps.specialty_id)
                      FROM {through} ps WHERE ps.posting_id = p2.id) AS specialty_ids
              FROM {posting} p2 JOIN {site} s ON s.id = p2.site_id
             WHERE {where}
        ) AS src
        WHERE p.id = src.posting_id
    """


def _run(where: str, ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in ids})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_refresh_sql(where), [ids])


def posting_search_refresh(*, posting_ids: Iterable[int]) -> None:
    """Recompute the keyword index of these postings in one UPDATE.

    Call it after a posting is created, edited, published or duplicated, once its
    specialties are set (the index includes their names). No-op on SQLite.
    """
    _run("p2.id = ANY(%s)", posting_ids)


def posting_search_refresh_for_sites(*, site_ids: Iterable[int]) -> None:
    """Recompute the keyword index of every posting of these sites, e.g. after a site is
    renamed (the site name is part of the index). No-op on SQLite."""
    _run("p2.site_id = ANY(%s)", site_ids)


def posting_search_refresh_for_specialties(*, specialty_ids: Iterable[int]) -> None:
    """Recompute the index of the postings tagged with these specialties, after a
    specialty is renamed. No-op on SQLite."""
    through = Posting.specialties.through._meta.db_table
    _run(f"p2.id IN (SELECT posting_id FROM {through} WHERE specialty_id = ANY(%s))", specialty_ids)

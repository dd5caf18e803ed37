from django.db import migrations, models

# The listing's covering index, second version: it also holds closed postings (the
# "include postings whose deadline has passed" toggle gets index-only counts too), keeps
# the deadline as its first key so both lists read their first page straight off the index
# in order, and carries specialty_key, the text form of the specialty ids that the facet
# counts group by. PostgreSQL only, as in 0004.
_CREATE = """
    CREATE INDEX IF NOT EXISTS posting_public_cover_idx ON placements_posting (application_deadline, id)
    INCLUDE (status, discipline_id, specialty_key, specialty_ids, site_id, is_paid, hours_per_week, start_date,
             end_date, published_at, kind, work_mode, state, city)
    WHERE status IN ('published', 'closed')
"""
_OLD = """
    CREATE INDEX IF NOT EXISTS posting_open_cover_idx ON placements_posting (application_deadline, id)
    INCLUDE (discipline_id, site_id, is_paid, hours_per_week, start_date, end_date, published_at,
             kind, work_mode, state, city, specialty_ids)
    WHERE status = 'published'
"""
_BACKFILL = "UPDATE placements_posting SET specialty_key = coalesce(array_to_string(specialty_ids, ','), '')"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_BACKFILL)
    schema_editor.execute(_CREATE)
    schema_editor.execute("DROP INDEX IF EXISTS posting_open_cover_idx")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_OLD)
    schema_editor.execute("DROP INDEX IF EXISTS posting_public_cover_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_posting_browse_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="specialty_key",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]

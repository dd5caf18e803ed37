import placements.fields
from django.db import migrations

# The listing filters published postings by deadline and up to a dozen columns, sorts by
# deadline, and counts facets over every match. One partial covering index holds all of
# those columns (fixed-width ones first: cheaper to read out of each entry), so the counts
# are index-only scans instead of passes over the wide posting rows (texts and the search
# vector), and the default sort reads the first page straight off the index. PostgreSQL
# only: INCLUDE and arrays do not exist on SQLite, where the data is small.
_CREATE = """
    CREATE INDEX IF NOT EXISTS posting_open_cover_idx ON placements_posting (application_deadline, id)
    INCLUDE (discipline_id, site_id, is_paid, hours_per_week, start_date, end_date, published_at,
             kind, work_mode, state, city, specialty_ids)
    WHERE status = 'published'
"""
_BACKFILL = """
    UPDATE placements_posting AS p
    SET specialty_ids = coalesce((
        SELECT array_agg(ps.specialty_id ORDER BY ps.specialty_id)
          FROM placements_posting_specialties ps WHERE ps.posting_id = p.id), '{}')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_BACKFILL)
    schema_editor.execute(_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS posting_open_cover_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0003_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="specialty_ids",
            field=placements.fields.PostgresIdArrayField(editable=False, null=True, size=None),
        ),
        migrations.RunPython(forwards, backwards),
    ]

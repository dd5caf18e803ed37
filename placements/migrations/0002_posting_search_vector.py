import django.contrib.postgres.search
from django.db import migrations

# The GIN index and the back-fill exist only on PostgreSQL: a GinIndex in Meta.indexes
# would break SQLite migrations, where the keyword search falls back to icontains.
_CREATE_INDEX = "CREATE INDEX IF NOT EXISTS posting_search_vector_gin ON placements_posting USING gin (search_vector)"
_DROP_INDEX = "DROP INDEX IF EXISTS posting_search_vector_gin"
# The same expression as placements.services.search (copied: a migration must not
# change when the service does).
_BACKFILL = """
    UPDATE placements_posting AS p
    SET search_vector =
        setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(s.name, '') || ' ' || coalesce((
            SELECT string_agg(sp.name, ' ' ORDER BY sp.name)
              FROM placements_posting_specialties ps JOIN accounts_specialty sp ON sp.id = ps.specialty_id
             WHERE ps.posting_id = p.id), '')), 'B')
        || setweight(to_tsvector('english', coalesce(p.description, '') || ' ' || coalesce(p.duties, '')
                     || ' ' || coalesce(p.learning_objectives, '')), 'C')
    FROM accounts_site s
    WHERE s.id = p.site_id
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_BACKFILL)
    schema_editor.execute(_CREATE_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]

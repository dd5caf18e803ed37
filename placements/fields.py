"""Model fields that exist for PostgreSQL's search and degrade to inert columns on SQLite."""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class PostgresIdArrayField(ArrayField):
    """A bigint[] on PostgreSQL; a plain nullable text column on SQLite, where it is never
    written (it is only filled by SQL that runs on PostgreSQL) and never queried."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_field", models.BigIntegerField())
        super().__init__(**kwargs)

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return super().db_type(connection)
        return "text"

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor != "postgresql":
            return "%s"
        return super().get_placeholder(value, compiler, connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return None
        return super().get_db_prep_value(value, connection, prepared)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field", None)
        return name, path, args, kwargs

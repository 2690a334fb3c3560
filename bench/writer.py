"""Fast row writer for the scale seeder: COPY on PostgreSQL, bulk_create elsewhere.

Rows are given as tuples for a chosen list of fields; every other concrete field gets its model
default (or now() for auto_now(_add), '' for blank text, NULL where allowed), so a column added
later by an app with a default does not break the seeder. Primary keys are handed out up front
(from the table's sequence on PostgreSQL) so children can point at parents without a round trip.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


class MissingValue(Exception):
    pass


class RowWriter:
    def __init__(self, *, now: datetime.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._next_id: dict[str, int] = {}

    # Primary keys -------------------------------------------------------------------------
    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        if count <= 0:
            return []
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if table not in self._next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                self._next_id[table] = cursor.fetchone()[0] + 1
        start = self._next_id[table]
        self._next_id[table] = start + count
        return list(range(start, start + count))

    # Defaults -------------------------------------------------------------------------------
    def _filler(self, field: models.Field) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if (
            isinstance(field, models.CharField | models.TextField | models.FileField)
            and field.blank
        ):
            return ""
        raise MissingValue(f"{field.model.__name__}.{field.name} needs a value")

    def _plan(
        self, model: type[models.Model], fields: Sequence[str]
    ) -> tuple[list[models.Field], list[models.Field], list[Any]]:
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        names = {field.name for field in given}
        rest = [
            field
            for field in meta.concrete_fields
            if field.name not in names and not (field.primary_key and field.name == "id")
        ]
        return given, rest, [self._filler(field) for field in rest]

    # Writing --------------------------------------------------------------------------------
    def write(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        batch_size: int = 5000,
    ) -> int:
        """Insert rows (tuples in the order of `fields`); `id` may be one of the fields."""
        given, rest, fill = self._plan(model, fields)
        written = 0
        if self.postgres:
            columns = [field.column for field in given] + [field.column for field in rest]
            prep_given = [self._prep(field) for field in given]
            fill_db = [self._prep(field)(value) for field, value in zip(rest, fill, strict=True)]
            sql = "COPY {} ({}) FROM STDIN".format(
                connection.ops.quote_name(model._meta.db_table),
                ", ".join(connection.ops.quote_name(column) for column in columns),
            )
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(
                        [prep(value) for prep, value in zip(prep_given, row, strict=True)] + fill_db
                    )
                    written += 1
        else:
            attnames = [field.attname for field in given]
            batch: list[models.Model] = []
            for row in rows:
                batch.append(model(**dict(zip(attnames, row, strict=True))))
                if len(batch) >= batch_size:
                    model.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                written += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        return written

    @staticmethod
    def _prep(field: models.Field):  # noqa: ANN205
        if isinstance(field, models.JSONField):
            return lambda value: field.get_db_prep_save(value, connection)
        if isinstance(field, models.DecimalField):
            return lambda value: value
        return lambda value: value

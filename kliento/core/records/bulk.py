"""Rows written straight into tables, for loads too large for the ORM (demo data, imports): COPY on
PostgreSQL, executemany on SQLite, inside the caller's transaction. Any kind of record can use it.

Rows are tuples of plain values (str, int, bool, None) in the order of the columns named; columns
left out get their model default, so a column added later does not break a load.

Memory stays flat whatever the load's size: rows go to the database a batch at a time, and SQLite's
page cache is held at 64 MB for the load (pages past it wait in the write-ahead log and the operating
system's cache, which serve a load arriving in id order as well). A cache as large as the load
would cost gigabytes at a million contacts, and CREATE INDEX sorts in as much memory again before it
spills to temporary files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from django.db import IntegrityError, connection, models

Table = type[models.Model]

SQLITE_CACHE_KIB = 64_000


class BulkWriter:
    def __init__(self) -> None:
        self.first_reserved: dict[Table, int] = {}
        self._next_id: dict[Table, int] = {}
        self._defaults: dict[tuple[Table, tuple[str, ...]], tuple[list[str], tuple[Any, ...]]] = {}
        self._cache_size: int | None = None

    def __enter__(self) -> BulkWriter:
        connection.ensure_connection()
        self.is_postgresql = connection.vendor == "postgresql"
        self.raw = connection.connection
        if self.is_postgresql:
            # Index builds at the end of a large load sort in the server's memory instead of on disk.
            self.execute("SET LOCAL maintenance_work_mem = '512MB'")
        else:
            self._cache_size = self.value("PRAGMA cache_size")
            self.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._cache_size is not None:
            self.execute(f"PRAGMA cache_size = {int(self._cache_size)}")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Run one statement; parameters are marked as the driver wants (%s or ?)."""
        with connection.wrap_database_errors:
            cursor = self.raw.cursor()
            try:
                cursor.execute(statement, params)
            finally:
                cursor.close()

    def value(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with connection.wrap_database_errors:
            cursor = self.raw.cursor()
            try:
                row = cursor.execute(statement, params).fetchone()
            finally:
                cursor.close()
        return row[0] if row else None

    def reserve_ids(self, model: Table, count: int) -> Sequence[int]:
        """Primary keys no other row has or will get, so child rows can point at them before insert."""
        table = model._meta.db_table
        if self.is_postgresql:
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                ids: Sequence[int] = sorted(row[0] for row in cursor.fetchall())
        else:
            # The transaction holds SQLite's write lock; AUTOINCREMENT never reuses an id below its sequence.
            start = self._next_id.get(model)
            if start is None:
                highest = self.value(f'SELECT MAX(id) FROM "{table}"') or 0
                used = self.value("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]) or 0
                start = max(highest, used) + 1
            ids = range(start, start + count)
            self._next_id[model] = start + count
        if ids:
            self.first_reserved.setdefault(model, ids[0])
        return ids

    def _with_defaults(self, model: Table, columns: tuple[str, ...]) -> tuple[list[str], tuple[Any, ...]]:
        key = (model, columns)
        if key not in self._defaults:
            names, values = list(columns), []
            for model_field in model._meta.concrete_fields:
                if model_field.column in columns or model_field.primary_key:
                    continue
                if model_field.has_default():
                    names.append(model_field.column)
                    values.append(model_field.get_db_prep_save(model_field.get_default(), connection))
                # has_db_default() is Django 5's, missing from the stubs.
                elif not model_field.null and not model_field.has_db_default():  # type: ignore[attr-defined]
                    raise ValueError(f"{model._meta.label}.{model_field.name} needs a value")
            self._defaults[key] = (names, tuple(values))
        return self._defaults[key]

    def insert(self, model: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names, extra = self._with_defaults(model, columns)
        if extra:
            rows = [row + extra for row in rows]
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        with connection.wrap_database_errors:
            if self.is_postgresql:
                with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(names))
                self.raw.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)

    def _plain_indexes(self, table: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """(name, definition, columns) of the table's indexes that enforce nothing (not primary,
        not unique); an expression counts as a column named by its text."""
        if self.is_postgresql:
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid),"
                    " ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true)"
                    "       FROM generate_subscripts(i.indkey, 1) AS k ORDER BY k)"
                    " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    " WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
                    [connection.ops.quote_name(table)],
                )
                return [(name, definition, tuple(columns)) for name, definition, columns in cursor.fetchall()]
        indexes = []
        rows = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [table],
        ).fetchall()
        for name, definition in rows:
            if not definition.upper().startswith("CREATE UNIQUE"):
                columns = self.raw.execute("SELECT name FROM pragma_index_info(?)", [name]).fetchall()
                indexes.append((name, definition, tuple(column or "" for (column,) in columns)))
        return indexes

    @contextmanager
    def deferred(
        self, tables: Mapping[Table, Collection[str]], *, triggers: Collection[str] = ()
    ) -> Iterator[None]:
        """For a large load, drop each table's plain indexes (but those on the columns given with it,
        whose values arrive in index order and cost little to keep) and the named triggers, and create
        them again at the end: one sorted index build is many times faster than a million random
        inserts. The caller does what the triggers would have done. It all happens in the caller's
        transaction, so a failed load gets everything back with the rollback."""
        recreate = []
        for name in triggers:
            definition = None
            if not self.is_postgresql:
                definition = self.value(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]
                )
            if definition:
                self.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
                recreate.append(definition)
        for model, in_order in tables.items():
            for name, definition, columns in self._plain_indexes(model._meta.db_table):
                if not set(columns) <= set(in_order):
                    self.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                    recreate.append(definition)
        with self._foreign_keys_checked_in_bulk(tables if self.is_postgresql else {}):
            yield
        for definition in recreate:
            self.execute(definition)

    @contextmanager
    def _foreign_keys_checked_in_bulk(self, tables: Collection[Table]) -> Iterator[None]:
        """PostgreSQL checks foreign keys row by row, which at a million rows takes longer than
        the load. Where it may (a superuser, tables without triggers of their own) it skips them and
        checks the new rows at the end with one query per foreign key; elsewhere it checks them as
        each COPY ends, so no million checks queue up for the commit and indexes can be built in
        the transaction (PostgreSQL refuses while checks are pending on a table)."""
        if not tables:
            yield
            return
        names = [connection.ops.quote_name(model._meta.db_table) for model in tables]
        own_triggers = self.value(
            "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal",
            [names],
        )
        if not self._may_skip_row_checks() or own_triggers:
            self.execute("SET CONSTRAINTS ALL IMMEDIATE")
            yield
            self.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's constraints are, by default
            return
        floors = {
            model: self.value(f"SELECT COALESCE(MAX(id), 0) FROM {name}")
            for model, name in zip(tables, names, strict=True)
        }
        # Rows written earlier in the transaction (the audit entries of the demo's custom fields)
        # still have checks pending, which would stop the index builds: run them now.
        self.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.execute("SET CONSTRAINTS ALL DEFERRED")
        self.execute("SET LOCAL session_replication_role = replica")
        yield
        self.execute("SET LOCAL session_replication_role = DEFAULT")
        for model, floor in floors.items():
            self._check_foreign_keys(model, floor)

    def _may_skip_row_checks(self) -> bool:
        setting: str = self.value("SELECT current_setting('is_superuser')")
        return setting == "on"

    def _check_foreign_keys(self, model: Table, floor: int) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        with self.raw.cursor() as cursor:
            cursor.execute(
                "SELECT c.conname, a.attname, c.confrelid::regclass::text, pa.attname FROM pg_constraint c"
                " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                " JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]"
                " WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND cardinality(c.conkey) = 1",
                [table],
            )
            foreign_keys = cursor.fetchall()
        for name, column, target, target_column in foreign_keys:
            column, target_column = (
                connection.ops.quote_name(column),
                connection.ops.quote_name(target_column),
            )
            broken = self.value(
                f"SELECT EXISTS (SELECT 1 FROM {table} AS n WHERE n.id > %s AND n.{column} IS NOT NULL"
                f" AND NOT EXISTS (SELECT 1 FROM {target} AS t WHERE t.{target_column} = n.{column}))",
                [floor],
            )
            if broken:
                raise IntegrityError(f"{model._meta.db_table}: new rows break foreign key {name}")

    def analyze(self, tables: Collection[Table]) -> None:
        """Fresh planner statistics after a large load, so the first queries choose good plans."""
        for model in tables:
            self.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

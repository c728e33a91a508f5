"""Reading one key of a JSON object column in a query, whatever the key is called.

Django's `column__<key>` lookups and its KeyTransform cannot address every key: a key named like
a lookup (`gt`, `isnull`, `contains`, `regex`) is taken as that lookup, one with `__` as a path,
and one made of digits (`0`) as an array index. Keys that people choose, such as custom field
keys, go through JSONKeyText instead, which always passes the key as a literal.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, TextField
from django.db.models.sql.compiler import SQLCompiler


class JSONKeyText(Func):
    """The value under `key` of the object in `column`, as text: strings unquoted, numbers as
    digits, booleans as `true` / `false`; NULL when the key is missing."""

    output_field = TextField()

    def __init__(self, column: str, key: str) -> None:
        super().__init__(F(column))
        self.key = str(key)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        raise NotSupportedError(f"JSONKeyText is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        column, params = compiler.compile(self.source_expressions[0])
        # The ::text cast makes "0" a key, never an array index.
        return f"({column} ->> %s::text)", (*params, self.key)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        column, params = compiler.compile(self.source_expressions[0])
        path = "$." + json.dumps(self.key)  # a quoted member name: no index, no nested path
        # json_extract gives 1 / 0 for booleans; PostgreSQL gives true / false, and so do we.
        sql = (
            f"(CASE json_type({column}, %s) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
            f"ELSE json_extract({column}, %s) END)"
        )
        return sql, (*params, path, *params, path)

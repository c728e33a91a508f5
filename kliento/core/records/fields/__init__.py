"""Custom fields for any kind of record.

An organization adds fields to a kind (`CustomField`, keyed by the kind's registry key); a record
keeps its values in one JSON column, named by its kind's `custom_fields_column`. What a value may
be, how a form asks for it, how a card and a list show it and how a list filters and sorts on it
is decided by its field type (`types.py`), one class per type: a new type is one class and one
`register_field_type` call.

- `types.py`     the field types and their registry
- `models.py`    CustomField, UniqueCustomValue (the index of unique values) and CustomValue (the
                 index list filters read instead of every record's JSON)
- `values.py`    checking and indexing a record's values, and the filters and sorts on them
- `services.py`  adding, changing and deleting a field
"""

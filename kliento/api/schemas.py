"""What every API input schema shares, so the API refuses what the forms refuse."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from kliento.core.models import MAX_ID
from kliento.core.text import text_errors

# A reference to a record by id: larger numbers than a bigint holds are refused before any query.
RecordId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


def omittable(**constraints: Any) -> Any:
    """An input field a caller may leave out, to leave the value as it is (on create: the default);
    null stays refused unless the field's type allows it. Typed Any because its default, None,
    stands for "left out", not for a value of the field's type."""
    return Field(None, **constraints)


class CheckedTextSchema(Schema):
    """Text fields checked by `core.text`, as forms check theirs: query parameters and bodies."""

    # Fields that hold several lines of text, as the forms' text areas do.
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"description"})

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        errors = text_errors({name: value}, multiline=cls.multiline_fields)
        if errors:
            raise PydanticCustomError("invalid_text", errors[name])
        return value


class InputSchema(CheckedTextSchema):
    """A request body: unknown fields are refused (a typo must not pass for a change) and text is
    trimmed as form fields trim it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

"""What text Kliento stores: the one check that forms, the API and list parameters all apply.

Refused everywhere: lone surrogates (they cannot be written as UTF-8, so the database or a hash
would fail on them) and control characters (PostgreSQL refuses NUL; the others hide in names and
break exports). One-line text also refuses the bidirectional embedding, override and isolate
characters (U+202A to U+202E, U+2066 to U+2069), which make a name read differently from what it
is; multi-line text (notes) keeps tab and line breaks and may use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DIRECTION_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why this text cannot be stored, or None if it can."""
    if _LONE_SURROGATE.search(value):
        return _("Remove the invalid character (a lone surrogate).")
    if (_CONTROL_MULTI_LINE if multiline else _CONTROL_ONE_LINE).search(value):
        return _("Remove the control characters.")
    if not multiline and _DIRECTION_CONTROL.search(value):
        return _("Remove the characters that change the direction of the text.")
    return None


def check_text(value: str, *, multiline: bool = False) -> None:
    """Raise a ValidationError saying why this text cannot be stored."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValidationError(problem, code="invalid_text")


def text_errors(values: Mapping[str, Any], *, multiline: frozenset[str] = frozenset()) -> dict[str, str]:
    """The first problem of each named value, looking into lists and mappings (custom field values,
    tags, filter parameters); `multiline` names the values that may span lines."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        problem = _first_problem(value, multiline=name in multiline)
        if problem is not None:
            errors[name] = problem
    return errors


def _first_problem(value: Any, *, multiline: bool) -> str | None:
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, Mapping):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            problem = _first_problem(item, multiline=multiline)
            if problem is not None:
                return problem
    return None

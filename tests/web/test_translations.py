"""Every language Kliento offers is fully translated, compiled, and picked up by Django."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
# Django's language code, the catalogue's directory, and how many plural forms the language has.
LANGUAGES = [
    ("zh-hans", "zh_Hans", 1),
    ("ar", "ar", 6),
    ("fil", "fil", 2),
    ("es", "es", 2),
    ("ru", "ru", 3),
]
by_directory = pytest.mark.parametrize("directory", [directory for _code, directory, _count in LANGUAGES])
by_directory_and_plural_count = pytest.mark.parametrize(
    ("directory", "count"), [(directory, count) for _code, directory, count in LANGUAGES]
)
by_code_and_directory = pytest.mark.parametrize(
    ("code", "directory"), [(code, directory) for code, directory, _count in LANGUAGES]
)


def catalogue(directory: str):
    with (LOCALE_DIR / directory / "LC_MESSAGES" / "django.po").open("rb") as file:
        return read_po(file)


def is_translated(message) -> bool:
    forms = message.string if message.pluralizable else [message.string]
    return all(forms) and not message.fuzzy


def translations_in_po(directory: str) -> dict[str | tuple[str, int], str]:
    """The .po's translations, keyed as gettext keys a compiled catalogue: msgid, or (msgid, form)."""
    entries: dict[str | tuple[str, int], str] = {}
    for message in catalogue(directory):
        if not message.id:
            continue  # the header
        prefix = f"{message.context}\x04" if message.context else ""
        if message.pluralizable:
            for form, text in enumerate(message.string):
                entries[(prefix + message.id[0], form)] = text
        else:
            entries[prefix + message.id] = message.string
    return entries


def translations_in_mo(directory: str) -> dict[str | tuple[str, int], str]:
    with (LOCALE_DIR / directory / "LC_MESSAGES" / "django.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    return {key: text for key, text in compiled._catalog.items() if key != ""}


@by_directory
def test_every_message_is_translated_in_each_language(directory):
    untranslated = [
        message.id for message in catalogue(directory) if message.id and not is_translated(message)
    ]

    assert untranslated == []


@by_directory
def test_no_catalogue_is_marked_fuzzy(directory):
    assert not catalogue(directory).fuzzy


@by_directory_and_plural_count
def test_each_catalogue_declares_its_languages_number_of_plural_forms(directory, count):
    assert catalogue(directory).num_plurals == count


@by_directory
def test_the_compiled_catalogue_matches_the_po_file(directory):
    assert translations_in_mo(directory) == translations_in_po(directory)


@by_code_and_directory
def test_django_uses_the_catalogue_for_each_language_code(code, directory):
    expected = translations_in_po(directory)["Sign in"]

    with translation.override(code):
        assert translation.gettext("Sign in") == expected


def test_sign_in_is_translated_into_arabic():
    with translation.override("ar"):
        assert translation.gettext("Sign in") == "تسجيل الدخول"


def test_arabic_is_written_right_to_left():
    with translation.override("ar"):
        assert translation.get_language_bidi() is True


def test_russian_is_written_left_to_right():
    with translation.override("ru"):
        assert translation.get_language_bidi() is False

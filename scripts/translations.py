"""List and fill the gaps in Kliento's translation catalogues (kliento/locale/<lang>/LC_MESSAGES/django.po).

    python scripts/translations.py missing [--check]
        Print, as JSON, what each language still needs: {lang: {msgid: ""}}, with a list of empty
        strings instead of "" for a message with plural forms (one per form of that language).
        The output is a template for `apply`. With --check, exit with status 1 if anything is missing.

    python scripts/translations.py apply FILE.json
        Merge {lang: {msgid: msgstr or [plural forms]}} into the catalogues, clear the fuzzy flags of the
        entries it fills, and set each catalogue's header (language, charset, plural forms).
        Empty translations are skipped, and so are translations whose placeholders differ from the msgid's.

A message with a context (pgettext) is keyed "context\\u0004msgid", as gettext stores it.
Run `kliento compilemessages --ignore=.venv` afterwards to rebuild the .mo files.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "kliento" / "locale"
CONTEXT_SEPARATOR = "\x04"

# Each language's gettext plural rule: (number of forms, expression choosing the form's index).
PLURAL_FORMS = {
    "zh_Hans": (1, "0"),
    "ar": (6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5"),
    "fil": (2, "n != 1"),
    "es": (2, "n != 1"),
    "ru": (3, "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2"),
}
LANGUAGE_NAMES = {
    "zh_Hans": "Simplified Chinese",
    "ar": "Arabic",
    "fil": "Filipino",
    "es": "Spanish",
    "ru": "Russian",
}
# %(name)s, %s, %d, %%: what Python's %-formatting substitutes; blocktranslate's {{ name }} becomes %(name)s.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


# The order in which gettext's msgmerge writes a header, so makemessages does not reshuffle ours.
HEADER_ORDER = [
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
]


class GettextCatalog(Catalog):
    """A babel catalogue whose header has gettext's order and no Generated-By line."""

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers = [(name, value.rstrip("\n")) for name, value in super()._get_mime_headers()]
        headers = sorted(
            (header for header in headers if header[0] in HEADER_ORDER),
            key=lambda h: HEADER_ORDER.index(h[0]),
        )
        name, value = headers[-1]
        return [*headers[:-1], (name, value + "\n")]


def kliento_version() -> str:
    try:
        return importlib.metadata.version("kliento")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


def po_path(lang: str, domain: str = "django") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def languages(domain: str = "django") -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{domain}.po"))


def load(lang: str, domain: str = "django") -> Catalog:
    with po_path(lang, domain).open("rb") as file:
        catalog = read_po(file, locale=lang, domain=domain)
    catalog.__class__ = GettextCatalog
    return catalog


def save(catalog: Catalog, lang: str, domain: str = "django") -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, no_location=True, include_previous=False)
    path = po_path(lang, domain)
    path.write_bytes(buffer.getvalue())
    if shutil.which("msgcat"):  # wrap lines as makemessages (msgmerge) will, to keep diffs small
        subprocess.run(["msgcat", "--no-location", "--output-file", str(path), str(path)], check=True)


def key_of(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context}{CONTEXT_SEPARATOR}{msgid}" if message.context else msgid


def needs_translation(message: Message) -> bool:
    if not message.id:
        return False  # the header
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return message.fuzzy or not all(strings)


def missing(domain: str = "django") -> dict[str, dict[str, str | list[str]]]:
    report: dict[str, dict[str, str | list[str]]] = {}
    for lang in languages(domain):
        catalog = load(lang, domain)
        num_plurals = PLURAL_FORMS.get(lang, (catalog.num_plurals, ""))[0]
        report[lang] = {
            key_of(message): [""] * num_plurals if message.pluralizable else ""
            for message in catalog
            if needs_translation(message)
        }
    return report


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def placeholder_problem(message: Message, translation: str | list[str], num_plurals: int) -> str | None:
    if message.pluralizable:
        if not isinstance(translation, list) or len(translation) != num_plurals:
            return f"needs a list of {num_plurals} plural forms"
        if "python-format" not in message.flags:
            return None
        allowed = placeholders(message.id[0]) | placeholders(message.id[1])
        # A form may leave out the count ("one day"), but must not bring a placeholder of its own.
        if any(not placeholders(form) <= allowed for form in translation):
            return f"placeholders differ from {sorted(allowed)}"
        return None
    if not isinstance(translation, str):
        return "needs a string, not plural forms"
    if "python-format" in message.flags and placeholders(translation) != placeholders(message.id):
        return f"placeholders differ from {sorted(placeholders(message.id))}"
    return None


def set_header(catalog: Catalog, lang: str) -> None:
    headers = [("Language", lang), ("Content-Type", "text/plain; charset=UTF-8")]
    if lang in PLURAL_FORMS:
        count, expression = PLURAL_FORMS[lang]
        headers.append(("Plural-Forms", f"nplurals={count}; plural={expression};"))
    catalog.mime_headers = headers
    catalog.charset = "UTF-8"
    catalog.fuzzy = False
    if catalog.project in ("PACKAGE", "PROJECT"):
        catalog.project, catalog.version = "Kliento", kliento_version()
    if "LANGUAGE" in (catalog.language_team or "") and lang in LANGUAGE_NAMES:
        catalog.language_team = LANGUAGE_NAMES[lang]
    if "FULL NAME" in (catalog.last_translator or ""):
        catalog.last_translator = "Kliento contributors"
    if "SOME DESCRIPTIVE TITLE" in catalog.header_comment:
        catalog.header_comment = (
            f"# {LANGUAGE_NAMES.get(lang, lang)} translation of Kliento.\n"
            "# Distributed under the same license as Kliento (AGPL-3.0-or-later)."
        )


def apply(translations: dict[str, dict[str, str | list[str]]], domain: str = "django") -> int:
    problems = 0
    for lang, entries in translations.items():
        if not po_path(lang, domain).exists():
            print(f"{lang}: no catalogue at {po_path(lang, domain)}", file=sys.stderr)
            problems += 1
            continue
        catalog = load(lang, domain)
        set_header(catalog, lang)
        by_key = {key_of(message): message for message in catalog if message.id}
        filled = 0
        for key, translation in entries.items():
            message = by_key.get(key)
            if message is None:
                print(f"{lang}: not in the catalogue: {key!r}", file=sys.stderr)
                problems += 1
                continue
            if not translation or (isinstance(translation, list) and not all(translation)):
                continue  # left for later
            problem = placeholder_problem(message, translation, catalog.num_plurals)
            if problem:
                print(f"{lang}: {key!r} {problem}", file=sys.stderr)
                problems += 1
                continue
            message.string = tuple(translation) if message.pluralizable else translation
            message.flags.discard("fuzzy")
            message.previous_id = []
            # msgmerge's "#| msgid ..." lines, which babel may read as translator comments.
            message.user_comments = [line for line in message.user_comments if not line.startswith("|")]
            filled += 1
        if filled:
            catalog.revision_date = datetime.datetime.now(datetime.UTC)
        save(catalog, lang, domain)
        print(f"{lang}: {filled} translations applied", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--domain", default="django", help="gettext domain (default: django)")
    commands = parser.add_subparsers(dest="command", required=True)
    missing_parser = commands.add_parser("missing", help="print the untranslated or fuzzy msgids as JSON")
    missing_parser.add_argument("--check", action="store_true", help="exit with status 1 if any is missing")
    apply_parser = commands.add_parser("apply", help="merge a JSON file of translations into the catalogues")
    apply_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    if args.command == "missing":
        report = missing(args.domain)
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 1 if args.check and any(report.values()) else 0
    return apply(json.loads(args.file.read_text(encoding="utf-8")), args.domain)


if __name__ == "__main__":
    sys.exit(main())

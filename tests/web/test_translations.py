from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.apps import apps as django_apps
from django.conf import settings
from django.utils.translation.template import templatize

import clusterbridge

PACKAGE = Path(clusterbridge.__file__).parent
# The core catalogue and one per app that keeps its own (see `make translations`).
CATALOGUES = sorted(PACKAGE.glob("**/locale/de/LC_MESSAGES/django.po"))


def test_every_app_catalogue_is_found() -> None:
    apps = {path.relative_to(PACKAGE).parts[0] for path in CATALOGUES}

    assert {"locale", "matching", "cooperation", "programme"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_german_catalogue_is_complete(po: Path) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle)

    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]

    assert missing == []


# Every string the code asks to translate, against the catalogues ----------------------------------
#
# Catalogues can be complete and still miss strings that were never extracted into them (a new
# template, an SVG template, a string added by hand elsewhere). So the strings are extracted here
# from the code itself, as `makemessages` would but with Babel, which needs no GNU gettext:
# Python with Django's translation functions, templates turned into Python-like calls by
# Django's own `templatize` (the step `makemessages` runs before xgettext), and JavaScript for
# the `djangojs` domain. Each string must have a German translation in the first catalogue
# Django asks that has one: LOCALE_PATHS (our core catalogue first), then the apps in
# INSTALLED_APPS order (our apps' own catalogues, and those of installed packages whose
# templates ours replace, such as allauth's), then Django's own. An untranslated entry is left
# out of the compiled catalogue, so Django would ask the next one.

# Django's translation functions and where their message (and context) stand.
PYTHON_KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
JS_KEYWORDS: dict[str, Any] = {
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass(frozen=True)
class Source:
    where: str
    context: str | None
    msgid: str
    plural: str | None


def _extract(path: Path, method: str, keywords: dict[str, Any]) -> Iterator[Source]:
    text = path.read_text(encoding="utf-8")
    if method == "template":
        # `templatize` keeps the template's indentation, which Python's tokenizer refuses; its
        # message strings are single-line literals, so stripping indentation changes nothing.
        converted = templatize(text, origin=str(path))
        text = "\n".join(line.lstrip() for line in converted.splitlines())
        method = "python"
    where = str(path.relative_to(PACKAGE))
    for lineno, message, _comments, context in extract(
        method, io.BytesIO(text.encode()), keywords=keywords, comment_tags=(), options={}
    ):
        msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        yield Source(f"{where}:{lineno}", context, msgid, plural)


@functools.cache
def _source_strings() -> dict[str, list[Source]]:
    """Strings of the `django` and `djangojs` domains, from every file of the package."""
    found: dict[str, list[Source]] = {"django": [], "djangojs": []}
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if not path.is_file() or "migrations" in parts or "__pycache__" in parts:
            continue
        if "templates" in parts:
            found["django"] += _extract(path, "template", PYTHON_KEYWORDS)
        elif path.suffix == ".py":
            found["django"] += _extract(path, "python", PYTHON_KEYWORDS)
        elif path.suffix == ".js" and "static" in parts and "vendor" not in parts:
            found["djangojs"] += _extract(path, "javascript", JS_KEYWORDS)
    return found


def _translated(message: Message) -> bool:
    strings = (message.string,) if isinstance(message.string, str) else message.string
    return not message.fuzzy and all(strings)


def _german_catalogues(domain: str) -> list[dict[tuple[str | None, str], Message]]:
    """The German catalogues in the order Django asks them: LOCALE_PATHS, the apps, Django.
    Ours are read from their sources (.po; the compiled .mo may be stale), installed packages'
    from what they ship."""
    folders = [Path(folder) for folder in settings.LOCALE_PATHS]
    folders += [Path(app.path) / "locale" for app in django_apps.get_app_configs()]
    folders.append(Path(django.__file__).parent / "conf" / "locale")
    catalogues = []
    for folder in folders:
        po = folder / "de" / "LC_MESSAGES" / f"{domain}.po"
        mo = po.with_suffix(".mo")
        ours = PACKAGE in po.resolve().parents
        if po.is_file() and (ours or not mo.is_file()):
            with po.open("rb") as handle:
                catalogue = read_po(handle)
        elif mo.is_file() and not ours:
            with mo.open("rb") as handle:
                catalogue = read_mo(handle)
        else:
            continue
        catalogues.append(
            {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue}
        )
    return catalogues


def _served(source: Source, catalogues: list[dict[tuple[str | None, str], Message]]) -> bool:
    for catalogue in catalogues:
        message = catalogue.get((source.context, source.msgid))
        if message is not None and _translated(message):
            return source.plural is None or not isinstance(message.string, str)
    return False


def test_extraction_finds_strings_of_templates_python_plurals_and_contexts() -> None:
    found = {(s.context, s.msgid, s.plural) for s in _source_strings()["django"]}

    assert {
        (None, "Skip to content", None),
        (None, "Programme office", None),
        ("IPR agreement", "Negotiating", None),
        (None, "%(counter)s result", "%(counter)s results"),
        (None, "Schedule of the grants: phases per cluster and round", None),
    } <= found


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_in_the_code_has_a_german_translation(domain: str) -> None:
    catalogues = _german_catalogues(domain)

    untranslated = [
        f"{source.where}: {source.msgid!r}"
        for source in _source_strings()[domain]
        if not _served(source, catalogues)
    ]

    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_german_translations_use_only_the_placeholders_of_their_message(po: Path) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle)

    def names(texts: Any) -> set[str]:
        texts = texts if isinstance(texts, tuple) else (texts,)
        return {name for text in texts for name in PLACEHOLDER.findall(text or "")}

    # A placeholder the English message does not fill breaks the page (KeyError); one left out
    # loses information, except the count of a plural form, which the words may carry.
    broken = [
        message.id
        for message in catalogue
        if message.id
        and (
            not names(message.string) <= names(message.id)
            or names(message.id) - names(message.string) - {"count", "counter"}
        )
    ]

    assert broken == []


def test_no_message_has_two_german_translations() -> None:
    # Django merges the catalogues and the first one wins, so a word an app translates its own
    # way ("Contact" as a button, not a heading) would silently read as the other catalogue's;
    # such words need a context (pgettext) instead.
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for po in CATALOGUES:
        with po.open("rb") as handle:
            for message in read_po(handle):
                if message.id and _translated(message):
                    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                    where = str(po.relative_to(PACKAGE).parts[0])
                    translations.setdefault((message.context, msgid), {})[where] = str(
                        message.string
                    )

    conflicts = {key: found for key, found in translations.items() if len(set(found.values())) > 1}

    assert conflicts == {}

"""The exchange format of clusters: one record per cluster, the same in CSV, JSON and the API.

Parsing validates every field and reports errors with their row and column; formatting writes
records back so that export → import → export gives the same bytes.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify

from clusterbridge.clusters import validators
from clusterbridge.clusters.enums import (
    ClusterKind,
    Direction,
    Language,
    LocationPrecision,
    Provenance,
)
from clusterbridge.common import spreadsheet

# Column order of CSV files and key order of JSON records.
COLUMNS: tuple[str, ...] = (
    "slug",
    "name",
    "acronym",
    "kind",
    "kind_original",
    "country",
    "region",
    "region_name",
    "city",
    "latitude",
    "longitude",
    "location_precision",
    "website",
    "members_approx",
    "management_organisation",
    "management_website",
    "management_email",
    "management_phone",
    "description_en",
    "description_de",
    "technology_fields",
    "branches",
    "value_chain_roles",
    "labels",
    "funding_sources",
    "competences_offered",
    "competences_sought",
    "member_counts",
    "field_terms",
    "keywords",
    "sources",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "kind", "country")
LIST_COLUMNS = frozenset(
    {
        "technology_fields",
        "branches",
        "value_chain_roles",
        "labels",
        "funding_sources",
        "field_terms",
        "keywords",
        "sources",
    }
)
COMPETENCE_COLUMNS = {
    "competences_offered": Direction.OFFERS,
    "competences_sought": Direction.SEEKS,
}
NUMBER_COLUMNS = frozenset({"latitude", "longitude", "members_approx"})
# The choices' values, read once: `Choices.values` builds a new list on every access, which
# cost a quarter of the parsing time. Tuples, as JSON may hand over unhashable values.
_KINDS: tuple[str, ...] = tuple(ClusterKind.values)
_LANGUAGES: tuple[str, ...] = tuple(Language.values)
_PRECISIONS: tuple[str, ...] = tuple(LocationPrecision.values)
_PROVENANCES: tuple[str, ...] = tuple(Provenance.values)
_EN: str = Language.EN.value
_SOURCE: str = Provenance.SOURCE.value
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest whole number every database stores in a PositiveIntegerField.
MAX_INTEGER = 2_147_483_647
# URLField's length in the database (Django's default max_length).
MAX_URL_LENGTH = 200
_TEXT_LIMITS = {
    "name": 300,
    "acronym": 60,
    "kind_original": 100,
    "region_name": 200,
    "city": 120,
    "management_organisation": 300,
    "management_phone": 50,
}


@dataclass(frozen=True)
class CompetenceRecord:
    phrase: str
    language: str = Language.EN.value
    technology_field: str | None = None
    value_chain_role: str | None = None
    provenance: str = Provenance.SOURCE.value

    @property
    def is_plain(self) -> bool:
        """True where the phrase alone says everything (CSV can then hold it as plain text)."""
        return (
            self.language == Language.EN
            and self.technology_field is None
            and self.value_chain_role is None
            and self.provenance == Provenance.SOURCE
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "language": self.language,
            "technology_field": self.technology_field,
            "value_chain_role": self.value_chain_role,
            "provenance": self.provenance,
        }


@dataclass
class ClusterRecord:
    slug: str
    name: str
    kind: str
    country: str
    acronym: str = ""
    kind_original: str = ""
    region: str = ""
    region_name: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_precision: str = ""
    website: str = ""
    members_approx: int | None = None
    management_organisation: str = ""
    management_website: str = ""
    management_email: str = ""
    management_phone: str = ""
    description_en: str = ""
    description_de: str = ""
    technology_fields: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    value_chain_roles: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    funding_sources: list[str] = field(default_factory=list)
    competences_offered: list[CompetenceRecord] = field(default_factory=list)
    competences_sought: list[CompetenceRecord] = field(default_factory=list)
    member_counts: dict[str, int] = field(default_factory=dict)
    field_terms: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for column in COLUMNS:
            value = getattr(self, column)
            if column in COMPETENCE_COLUMNS:
                value = [c.as_dict() for c in value]
            elif column == "member_counts":
                value = dict(sorted(value.items()))
            elif isinstance(value, list):
                value = list(value)
            data[column] = value
        return data


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # Row 0 is the file as a whole (encoding, syntax, columns).
            return self.message
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Vocabulary:
    """The taxonomy slugs a record may name, loaded once per import."""

    technology_fields: frozenset[str]
    branches: frozenset[str]
    value_chain_roles: frozenset[str]
    member_types: frozenset[str]


class FileFormatError(Exception):
    """The file as a whole cannot be read (encoding, syntax, columns)."""


def make_slug(name: str) -> str:
    """A URL slug that spells German umlauts as ae/oe/ue/ss instead of dropping them."""
    folded = (
        name.replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("Ä", "Ae")
        .replace("Ö", "Oe")
        .replace("Ü", "Ue")
        .replace("ß", "ss")
    )
    folded = unicodedata.normalize("NFKD", folded)
    return slugify(folded)[:120].strip("-")


# --- CSV cell encoding ------------------------------------------------------------------------


# This is the exchange format: an export must import back unchanged, so the formula guard every
# CSV of the platform uses (common.spreadsheet) is applied reversibly here and undone on import.
# No byte-order mark either: the file is read by programs (the import accepts one all the same).


def csv_escape(text: str) -> str:
    """Neutralise spreadsheet formulas (`=cmd|...`) with a leading apostrophe (OWASP)."""
    return spreadsheet.escape_reversibly(text)


def csv_unescape(text: str) -> str:
    return spreadsheet.unescape(text)


def _plain_list_ok(items: Iterable[str]) -> bool:
    return all(item and "|" not in item and not item.startswith("[") for item in items)


def format_list_cell(items: list[str]) -> str:
    if _plain_list_ok(items) and items == [item.strip() for item in items]:
        return " | ".join(items)
    return json.dumps(items, ensure_ascii=False)


def format_competence_cell(items: list[CompetenceRecord]) -> str:
    phrases = [c.phrase for c in items]
    if all(c.is_plain for c in items) and _plain_list_ok(phrases):
        return " | ".join(phrases)
    return json.dumps([c.as_dict() for c in items], ensure_ascii=False)


def format_member_counts_cell(counts: Mapping[str, int]) -> str:
    return " | ".join(f"{key}={value}" for key, value in sorted(counts.items()))


def _format_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return repr(value)


def record_to_csv_row(record: ClusterRecord) -> list[str]:
    row: list[str] = []
    for column in COLUMNS:
        value = getattr(record, column)
        if column in NUMBER_COLUMNS:
            # A number as repr() writes it is data, never a formula: "-3.7" stays a number
            # in spreadsheets and is read back as one.
            row.append(_format_number(value))
            continue
        if column in LIST_COLUMNS:
            cell = format_list_cell(value)
        elif column in COMPETENCE_COLUMNS:
            cell = format_competence_cell(value)
        elif column == "member_counts":
            cell = format_member_counts_cell(value)
        else:
            cell = value
        row.append(csv_escape(cell))
    return row


# --- parsing ----------------------------------------------------------------------------------


class _RowParser:
    """Turns one raw row (CSV cells as strings, or a JSON object) into a record or errors."""

    def __init__(self, raw: Mapping[str, Any], row: int, vocabulary: Vocabulary, *, from_csv: bool):
        self.raw = raw
        self.row = row
        self.vocabulary = vocabulary
        self.from_csv = from_csv
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def require(self, column: str, value: str) -> None:
        """Reports a missing value, unless the column already has an error (e.g. control
        characters), which says more than "is required" would."""
        if not value and not any(error.column == column for error in self.errors):
            self.error(column, "is required")

    # Scalars

    def text(self, column: str, *, limit: int | None = None) -> str:
        value = self.raw.get(column)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(column, f"expected text, got {type(value).__name__}")
            return ""
        if self.from_csv:
            value = csv_unescape(value)
        value = value.strip()
        if _CONTROL_RE.search(value):
            self.error(column, "contains control characters")
            return ""
        limit = limit or _TEXT_LIMITS.get(column)
        if limit and len(value) > limit:
            self.error(column, f"is {len(value)} characters long; at most {limit} are allowed")
            return ""
        return value

    def number(self, column: str, *, integer: bool = False) -> float | int | None:
        value = self.raw.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(column, "expected a number, got true/false")
            return None
        if self.from_csv and isinstance(value, str):
            # Files written before numbers were left unescaped hold "'-3.7".
            value = csv_unescape(value)
        if isinstance(value, float) and not math.isfinite(value):
            self.error(column, f"{value!r} is not a finite number")
            return None
        try:
            number: float | int = int(value) if integer else float(value)
        except (TypeError, ValueError, OverflowError):
            kind = "a whole number" if integer else "a number"
            self.error(column, f"{str(value)[:40]!r} is not {kind}")
            return None
        if isinstance(number, float) and not math.isfinite(number):
            self.error(column, f"{value!r} is not a finite number")
            return None
        if integer and isinstance(value, float) and value != int(value):
            self.error(column, f"{value!r} is not a whole number")
            return None
        if integer and number > MAX_INTEGER:
            self.error(column, f"{number} is more than {MAX_INTEGER}")
            return None
        return number

    # Lists

    def string_list(self, column: str, *, item_limit: int = 300) -> list[str]:
        value = self.raw.get(column)
        items: list[Any]
        if value is None or value == "":
            return []
        if isinstance(value, str):
            if not self.from_csv:
                self.error(column, "expected a list")
                return []
            value = csv_unescape(value)
            if value.lstrip().startswith("["):
                try:
                    items = json.loads(value)
                except json.JSONDecodeError as exc:
                    self.error(column, f"is not a valid JSON list: {exc.msg}")
                    return []
            else:
                items = [part.strip() for part in value.split("|")]
        elif isinstance(value, list):
            items = value
        else:
            self.error(column, f"expected a list, got {type(value).__name__}")
            return []
        result: list[str] = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, str) or not item.strip():
                self.error(column, f"item {index} is empty or not text")
                continue
            if len(item) > item_limit:
                self.error(column, f"item {index} is longer than {item_limit} characters")
                continue
            if _CONTROL_RE.search(item):
                self.error(column, f"item {index} contains control characters")
                continue
            if item in result:
                self.error(column, f"item {index} ({item!r}) is listed twice")
                continue
            result.append(item)
        return result

    def vocabulary_list(self, column: str, known: frozenset[str]) -> list[str]:
        values = self.string_list(column)
        for value in values:
            if value not in known:
                self.error(column, self._unknown(value, known))
        return [value for value in values if value in known]

    @staticmethod
    def _unknown(value: str, known: frozenset[str]) -> str:
        message = f"unknown term {value!r}"
        close = get_close_matches(value, sorted(known), n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        return message

    def competences(self, column: str) -> list[CompetenceRecord]:
        value = self.raw.get(column)
        if value is None or value == "":
            return []
        items: Any = value
        if isinstance(value, str):
            if not self.from_csv:
                self.error(column, "expected a list")
                return []
            text = csv_unescape(value)
            if text.lstrip().startswith("["):
                try:
                    items = json.loads(text)
                except json.JSONDecodeError as exc:
                    self.error(column, f"is not a valid JSON list: {exc.msg}")
                    return []
            else:
                items = [part.strip() for part in text.split("|")]
        if not isinstance(items, list):
            self.error(column, "expected a list of competences")
            return []
        result: list[CompetenceRecord] = []
        seen: set[str] = set()
        for index, item in enumerate(items, start=1):
            competence = self._competence(column, index, item)
            if competence is None:
                continue
            if competence.phrase in seen:
                self.error(column, f"competence {index} ({competence.phrase!r}) is listed twice")
                continue
            seen.add(competence.phrase)
            result.append(competence)
        return result

    def _competence(self, column: str, index: int, item: Any) -> CompetenceRecord | None:
        if isinstance(item, str):
            item = {"phrase": item}
        if not isinstance(item, dict):
            self.error(column, f"competence {index} is neither text nor an object")
            return None
        unknown_keys = set(item) - {
            "phrase",
            "language",
            "technology_field",
            "value_chain_role",
            "provenance",
        }
        if unknown_keys:
            self.error(column, f"competence {index} has unknown keys {sorted(unknown_keys)}")
            return None
        phrase = item.get("phrase")
        if not isinstance(phrase, str) or not phrase.strip():
            self.error(column, f"competence {index} has no phrase")
            return None
        phrase = phrase.strip()
        if len(phrase) > validators.MAX_PHRASE_LENGTH:
            self.error(
                column,
                f"competence {index} is longer than {validators.MAX_PHRASE_LENGTH} characters",
            )
            return None
        if _CONTROL_RE.search(phrase):
            self.error(column, f"competence {index} contains control characters")
            return None
        language = item.get("language") or _EN
        if language not in _LANGUAGES:
            self.error(column, f"competence {index}: language {language!r} is not en or de")
            return None
        provenance = item.get("provenance") or _SOURCE
        if provenance not in _PROVENANCES:
            self.error(column, f"competence {index}: provenance {provenance!r} is unknown")
            return None
        technology_field = item.get("technology_field") or None
        role = item.get("value_chain_role") or None
        for key, term in (("technology_field", technology_field), ("value_chain_role", role)):
            if term is not None and not isinstance(term, str):
                self.error(column, f"competence {index}: {key} must be text")
                return None
        if technology_field is not None and technology_field not in (
            self.vocabulary.technology_fields
        ):
            self.error(
                column,
                f"competence {index}: "
                + self._unknown(str(technology_field), self.vocabulary.technology_fields),
            )
            return None
        if role is not None and role not in self.vocabulary.value_chain_roles:
            self.error(
                column,
                f"competence {index}: "
                + self._unknown(str(role), self.vocabulary.value_chain_roles),
            )
            return None
        return CompetenceRecord(phrase, language, technology_field, role, provenance)

    def member_counts(self) -> dict[str, int]:
        value = self.raw.get("member_counts")
        if value is None or value == "":
            return {}
        pairs: list[tuple[str, Any]]
        if isinstance(value, str) and self.from_csv:
            pairs = []
            for part in csv_unescape(value).split("|"):
                key, sep, count = part.partition("=")
                if not sep:
                    self.error("member_counts", f"{part.strip()!r} is not of the form type=count")
                    continue
                pairs.append((key.strip(), count.strip()))
        elif isinstance(value, dict):
            pairs = list(value.items())
        else:
            self.error("member_counts", "expected an object of member type → count")
            return {}
        result: dict[str, int] = {}
        for key, count in pairs:
            if key not in self.vocabulary.member_types:
                self.error("member_counts", self._unknown(key, self.vocabulary.member_types))
                continue
            try:
                number = int(count)
            except (TypeError, ValueError, OverflowError):
                self.error("member_counts", f"count for {key!r} is not a whole number")
                continue
            if isinstance(count, float) and count != number:
                self.error("member_counts", f"count for {key!r} is not a whole number")
                continue
            if number < 0 or isinstance(count, bool):
                self.error("member_counts", f"count for {key!r} must be 0 or more")
                continue
            if number > MAX_INTEGER:
                self.error("member_counts", f"count for {key!r} is more than {MAX_INTEGER}")
                continue
            result[key] = number
        return result

    # The record

    def parse(self) -> ClusterRecord | None:
        name = self.text("name")
        self.require("name", name)
        slug = self.text("slug", limit=120)
        if slug:
            try:
                validators.validate_slug(slug)
            except ValidationError as exc:
                self.error("slug", exc.messages[0])
        elif name:
            slug = make_slug(name)
            if not slug or slug in validators.RESERVED_SLUGS:
                self.error("slug", f"cannot be derived from the name {name[:60]!r}; give one")
        kind = self.text("kind")
        self.require("kind", kind)
        if kind and kind not in _KINDS:
            self.error("kind", f"{kind!r} is not one of {', '.join(_KINDS)}")
        country = self.text("country").upper()
        self.require("country", country)
        if country and not validators.geo.is_country(country):
            self.error("country", f"{country!r} is not an ISO 3166-1 alpha-2 country code")
        region = self.text("region").upper()
        if region:
            if not validators.geo.is_subdivision(region):
                self.error("region", f"{region!r} is not an ISO 3166-2 subdivision code")
            elif not region.startswith(f"{country}-"):
                self.error("region", f"{region!r} does not lie in country {country!r}")
        latitude = self.number("latitude")
        longitude = self.number("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.error("latitude", f"{latitude} is outside -90 to 90")
        if longitude is not None and not -180 <= longitude <= 180:
            self.error("longitude", f"{longitude} is outside -180 to 180")
        if (latitude is None) != (longitude is None):
            self.error("latitude", "latitude and longitude must be given together")
        precision = self.text("location_precision")
        if precision and precision not in _PRECISIONS:
            self.error(
                "location_precision",
                f"{precision!r} is not one of {', '.join(_PRECISIONS)}",
            )
        website = validators.normalise_website(self.text("website", limit=300))
        self._check_url("website", website)
        management_website = validators.normalise_website(
            self.text("management_website", limit=300)
        )
        self._check_url("management_website", management_website)
        management_email = self.text("management_email", limit=254)
        if management_email:
            try:
                validate_email(management_email)
            except ValidationError:
                self.error("management_email", f"{management_email!r} is not an e-mail address")
        members = self.number("members_approx", integer=True)
        if members is not None and members < 0:
            self.error("members_approx", "must be 0 or more")
        sources = self.string_list("sources", item_limit=1000)
        for index, url in enumerate(sources, start=1):
            if not _is_url(url):
                self.error("sources", f"item {index} ({url[:80]!r}) is not an http(s) address")
        record = ClusterRecord(
            slug=slug,
            name=name,
            kind=kind,
            country=country,
            acronym=self.text("acronym"),
            kind_original=self.text("kind_original"),
            region=region,
            region_name=self.text("region_name"),
            city=self.text("city"),
            latitude=None if latitude is None else float(latitude),
            longitude=None if longitude is None else float(longitude),
            location_precision=precision,
            website=website,
            members_approx=None if members is None else int(members),
            management_organisation=self.text("management_organisation"),
            management_website=management_website,
            management_email=management_email,
            management_phone=self.text("management_phone"),
            description_en=self.text("description_en", limit=validators.MAX_DESCRIPTION_LENGTH),
            description_de=self.text("description_de", limit=validators.MAX_DESCRIPTION_LENGTH),
            technology_fields=self.vocabulary_list(
                "technology_fields", self.vocabulary.technology_fields
            ),
            branches=self.vocabulary_list("branches", self.vocabulary.branches),
            value_chain_roles=self.vocabulary_list(
                "value_chain_roles", self.vocabulary.value_chain_roles
            ),
            labels=self.string_list("labels", item_limit=200),
            funding_sources=self.string_list("funding_sources", item_limit=300),
            competences_offered=self.competences("competences_offered"),
            competences_sought=self.competences("competences_sought"),
            member_counts=self.member_counts(),
            field_terms=self.string_list("field_terms", item_limit=200),
            keywords=self.string_list("keywords", item_limit=200),
            sources=sources,
        )
        if not record.management_organisation and (
            management_website or management_email or record.management_phone
        ):
            self.error(
                "management_organisation",
                "is required when management contact details are given",
            )
        return None if self.errors else record

    def _check_url(self, column: str, url: str) -> None:
        if not url:
            return
        if len(url) > MAX_URL_LENGTH:
            self.error(
                column, f"is {len(url)} characters long; at most {MAX_URL_LENGTH} are allowed"
            )
        elif not _is_url(url):
            self.error(column, f"{url[:80]!r} is not an http(s) address")


def _is_url(url: str) -> bool:
    try:
        validators.validate_url(url)
    except (ValidationError, ValueError):  # urlparse raises ValueError on "https://[x"
        return False
    return True


def parse_row(
    raw: Mapping[str, Any], row: int, vocabulary: Vocabulary, *, from_csv: bool
) -> tuple[ClusterRecord | None, list[RowError]]:
    invalid = raw.get("__invalid__")
    if invalid:
        reason = invalid if isinstance(invalid, str) else "is not an object"
        return None, [RowError(row, "", reason)]
    parser = _RowParser(raw, row, vocabulary, from_csv=from_csv)
    record = parser.parse()
    return record, parser.errors


def check_columns(columns: Iterable[str], *, require: bool = True) -> None:
    present = list(columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in present] if require else []
    unknown = [c for c in present if c not in COLUMNS]
    problems = []
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if unknown:
        hints = []
        for column in unknown:
            close = get_close_matches(column, COLUMNS, n=1)
            hints.append(f"{column!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        problems.append(f"unknown column(s): {', '.join(hints)}")
    duplicates = sorted({c for c in present if present.count(c) > 1})
    if duplicates:
        problems.append(f"column(s) given twice: {', '.join(duplicates)}")
    if problems:
        raise FileFormatError("; ".join(problems))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} on line {line} "
            f"(offset {exc.start}); save it as UTF-8 and try again"
        ) from None


def detect_format(filename: str, text: str) -> str:
    lower = filename.lower()
    if lower.endswith((".json", ".jsonld")):
        return "json"
    if lower.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return "json" if text.lstrip()[:1] in {"[", "{"} else "csv"


def iter_raw_rows(text: str, fmt: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Raw rows with their row numbers: the CSV line where the row starts, or the JSON index."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if isinstance(data, dict) and isinstance(data.get("clusters"), list):
            data = data["clusters"]
        if not isinstance(data, list):
            raise FileFormatError("a JSON import must be a list of cluster objects")
        columns: set[str] = set()
        for item in data:
            if isinstance(item, dict):
                columns.update(item)
        # Required keys are checked per record; unknown keys are a mistake in the whole file.
        check_columns(sorted(columns), require=False)
        for index, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                yield index, {"__invalid__": True}
            else:
                yield index, item
        return
    yield from _iter_csv(text)


def _iter_csv(text: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    import csv
    import io

    # No cell can be longer than the file: lifting the csv module's limit (128 KiB) lets an
    # over-long cell reach the parser, which names its row and column instead of failing the file.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    # Only the header line decides: tabs or commas inside the first records do not.
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileFormatError("the file is empty") from None
    except csv.Error as exc:
        raise FileFormatError(f"line 1: {exc}") from None
    header = [h.strip() for h in header]
    check_columns(header)
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileFormatError(f"line {reader.line_num}: {exc}") from None
        row_start = line
        line = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield (
                row_start,
                {"__invalid__": f"has {len(cells)} cells but the header has {len(header)}"},
            )
            continue
        yield row_start, dict(zip(header, cells, strict=True))


# --- writing files ----------------------------------------------------------------------------


def write_csv(records: Iterable[ClusterRecord], out: Any) -> int:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    # The writer quotes only cells holding the line terminator "\n", so a lone "\r" would end
    # the row on reading; rows with one are written fully quoted.
    quoting_writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        row = record_to_csv_row(record)
        (quoting_writer if any("\r" in cell for cell in row) else writer).writerow(row)
        count += 1
    return count


def write_json(records: Iterable[ClusterRecord], out: Any) -> int:
    """A JSON list written record by record, so large exports need little memory."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record.as_json(), ensure_ascii=False, indent=2))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count

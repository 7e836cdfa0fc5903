"""The exchange format: cell encoding, parsing, file reading and writing, with property tests.

These tests need no database: the vocabulary a record may name is built by hand.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterbridge.clusters.enums import ClusterKind, Language, LocationPrecision, Provenance
from clusterbridge.clusters.records import (
    COLUMNS,
    ClusterRecord,
    CompetenceRecord,
    FileFormatError,
    RowError,
    Vocabulary,
    csv_escape,
    csv_unescape,
    decode,
    detect_format,
    format_competence_cell,
    format_list_cell,
    format_member_counts_cell,
    iter_raw_rows,
    make_slug,
    parse_row,
    record_to_csv_row,
    write_csv,
    write_json,
)

VOCABULARY = Vocabulary(
    technology_fields=frozenset({"photonics", "robotics", "hydrogen", "additive-manufacturing"}),
    branches=frozenset({"optics-photonics", "energy", "production"}),
    value_chain_roles=frozenset({"research", "development", "production", "application"}),
    member_types=frozenset({"companies", "research-institutes", "universities"}),
)
MINIMAL = {"name": "Photonics Network Thuringia", "kind": "cluster", "country": "DE"}
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)


def _parse(raw: dict[str, Any], *, from_csv: bool = True) -> tuple[Any, list[RowError]]:
    return parse_row(raw, 2, VOCABULARY, from_csv=from_csv)


def _csv_text(records: list[ClusterRecord]) -> str:
    out = io.StringIO(newline="")
    write_csv(records, out)
    return out.getvalue()


def _json_text(records: list[ClusterRecord]) -> str:
    out = io.StringIO()
    write_json(records, out)
    return out.getvalue()


def _read_back(text: str, fmt: str) -> list[tuple[ClusterRecord | None, list[RowError]]]:
    return [
        parse_row(raw, row, VOCABULARY, from_csv=fmt == "csv")
        for row, raw in iter_raw_rows(text, fmt)
    ]


# --- strategies -------------------------------------------------------------------------------

# Everything a text cell may hold: any character except surrogates and the control characters
# the parser refuses (tab, newline and carriage return are allowed inside text).
_CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_TEXT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=_CONTROL)
# The characters that make cells tricky, drawn often so that short examples contain them.
_TRICKY = st.sampled_from(
    ["|", "[", "]", '"', "'", ",", "=", "+", "-", "@", "\t", "\n", "\r", " ", "ü", "ß", "€", "日"]
)

_ALPHABET = st.one_of(_TEXT_CHARS, _TRICKY)


def _text(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text as a parsed record holds it: stripped, without control characters."""
    return (
        st.text(alphabet=_ALPHABET, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda text: len(text) >= min_size)
    )


def _items(*, max_size: int = 5, item_size: int = 30) -> st.SearchStrategy[list[str]]:
    """A list of distinct, non-blank strings, each as a CSV list cell or JSON list may hold it."""
    item = st.text(alphabet=_ALPHABET, min_size=1, max_size=item_size).filter(
        lambda text: bool(text.strip())
    )
    return st.lists(item, max_size=max_size, unique=True)


_slugs = st.from_regex(r"\A[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}\Z")
_urls = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"\A[a-z][a-z0-9-]{0,20}\Z"),
    st.from_regex(r"\A[a-zA-Z0-9/_.~-]{0,30}\Z"),
)
_COUNTRIES = {"DE": ["DE-TH", "DE-SN", "DE-BY"], "FR": ["FR-OCC"], "US": ["US-CA"], "JP": []}


@st.composite
def _competences(draw: st.DrawFn) -> list[CompetenceRecord]:
    phrases = draw(
        st.lists(_text(min_size=1, max_size=30), max_size=4, unique_by=lambda text: text)
    )
    return [
        CompetenceRecord(
            phrase=phrase,
            language=draw(st.sampled_from(Language.values)),
            technology_field=draw(
                st.none() | st.sampled_from(sorted(VOCABULARY.technology_fields))
            ),
            value_chain_role=draw(
                st.none() | st.sampled_from(sorted(VOCABULARY.value_chain_roles))
            ),
            provenance=draw(st.sampled_from(Provenance.values)),
        )
        for phrase in phrases
    ]


def _subset(values: frozenset[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(sorted(values)), unique=True, max_size=len(values))


@st.composite
def cluster_records(draw: st.DrawFn) -> ClusterRecord:
    """Any record the parser accepts: every field within its rules, the text as nasty as allowed."""
    country = draw(st.sampled_from(sorted(_COUNTRIES)))
    located = draw(st.booleans())
    has_management = draw(st.booleans())
    return ClusterRecord(
        slug=draw(_slugs),
        name=draw(_text(min_size=1, max_size=60)),
        kind=draw(st.sampled_from(ClusterKind.values)),
        country=country,
        acronym=draw(_text(max_size=10)),
        kind_original=draw(_text(max_size=20)),
        region=draw(st.sampled_from(["", *_COUNTRIES[country]])),
        region_name=draw(_text(max_size=20)),
        city=draw(_text(max_size=20)),
        latitude=draw(st.floats(-90, 90, allow_nan=False)) if located else None,
        longitude=draw(st.floats(-180, 180, allow_nan=False)) if located else None,
        location_precision=draw(st.sampled_from(["", *LocationPrecision.values])),
        website=draw(st.just("") | _urls),
        members_approx=draw(st.none() | st.integers(0, 2**31 - 1)),
        management_organisation=draw(_text(min_size=1, max_size=30)) if has_management else "",
        management_website=draw(st.just("") | _urls) if has_management else "",
        management_email=(
            draw(st.just("") | st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.(de|com)\Z"))
            if has_management
            else ""
        ),
        management_phone=draw(_text(max_size=20)) if has_management else "",
        description_en=draw(_text(max_size=200)),
        description_de=draw(_text(max_size=200)),
        technology_fields=draw(_subset(VOCABULARY.technology_fields)),
        branches=draw(_subset(VOCABULARY.branches)),
        value_chain_roles=draw(_subset(VOCABULARY.value_chain_roles)),
        labels=draw(_items()),
        funding_sources=draw(_items()),
        competences_offered=draw(_competences()),
        competences_sought=draw(_competences()),
        member_counts=draw(
            st.dictionaries(
                st.sampled_from(sorted(VOCABULARY.member_types)), st.integers(0, 2**31 - 1)
            )
        ),
        field_terms=draw(_items()),
        keywords=draw(_items()),
        sources=draw(st.lists(_urls, unique=True, max_size=3)),
    )


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "DE", "DE-TH", "photonics", "https://[", "Infinity", "1e999", "=1"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["phrase", "language", "technology_field", "companies"]) | st.text(),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
_keys = st.sampled_from(COLUMNS) | st.text(max_size=10)


# --- csv_escape / csv_unescape ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
    ],
)
def test_csv_escape_formula_start_gets_apostrophe(text: str, expected: str) -> None:
    assert csv_escape(text) == expected


@pytest.mark.parametrize("text", ["", "Photonics", "a=b", "1+1", " =spaced", "Ölhafen"])
def test_csv_escape_plain_text_unchanged(text: str) -> None:
    assert csv_escape(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("'=x", "=x"), ("''x", "'x"), ("'", "'"), ("'hello", "'hello"), ("plain", "plain")],
)
def test_csv_unescape_removes_only_an_escaping_apostrophe(text: str, expected: str) -> None:
    assert csv_unescape(text) == expected


@PROPERTY_SETTINGS
@given(st.text() | st.lists(_TRICKY, max_size=5).map("".join))
def test_csv_escape_round_trip_any_text(text: str) -> None:
    assert csv_unescape(csv_escape(text)) == text


@PROPERTY_SETTINGS
@given(st.text() | st.lists(_TRICKY, max_size=5).map("".join))
def test_csv_escape_result_never_starts_a_formula(text: str) -> None:
    escaped = csv_escape(text)

    assert escaped[:1] not in {"=", "+", "-", "@", "\t", "\r"}


# --- list cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["Photonics", "Lasers"], "Photonics | Lasers"),
        (["a|b"], '["a|b"]'),
        (["[draft]"], '["[draft]"]'),
        ([" padded"], '[" padded"]'),
        (["Leichtbau", "Faserverbund"], "Leichtbau | Faserverbund"),
        (["Zürich", 'say "hi"'], 'Zürich | say "hi"'),
    ],
)
def test_format_list_cell_plain_or_json(items: list[str], expected: str) -> None:
    assert format_list_cell(items) == expected


@PROPERTY_SETTINGS
@given(_items(max_size=6))
def test_format_list_cell_round_trip_any_list(items: list[str]) -> None:
    cell = csv_escape(format_list_cell(items))

    record, errors = _parse({**MINIMAL, "keywords": cell})

    assert errors == []
    assert record is not None
    assert record.keywords == items


def test_format_competence_cell_plain_phrases() -> None:
    items = [CompetenceRecord("laser systems"), CompetenceRecord("optical coatings")]

    assert format_competence_cell(items) == "laser systems | optical coatings"


def test_format_competence_cell_details_as_json() -> None:
    items = [CompetenceRecord("Lasertechnik", language="de", technology_field="photonics")]

    assert json.loads(format_competence_cell(items)) == [
        {
            "phrase": "Lasertechnik",
            "language": "de",
            "technology_field": "photonics",
            "value_chain_role": None,
            "provenance": "source",
        }
    ]


def test_format_member_counts_cell_sorted_by_type() -> None:
    assert format_member_counts_cell({"universities": 3, "companies": 40}) == (
        "companies=40 | universities=3"
    )


# --- records through files --------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(cluster_records())
def test_write_csv_parse_round_trip_any_record(record: ClusterRecord) -> None:
    text = _csv_text([record])

    assert _read_back(text, "csv") == [(record, [])]


@PROPERTY_SETTINGS
@given(cluster_records())
def test_write_json_parse_round_trip_any_record(record: ClusterRecord) -> None:
    text = _json_text([record])

    assert _read_back(text, "json") == [(record, [])]


@settings(max_examples=25, deadline=None)
@given(st.lists(cluster_records(), min_size=1, max_size=3, unique_by=lambda r: r.slug))
def test_write_csv_twice_same_bytes_any_records(records: list[ClusterRecord]) -> None:
    text = _csv_text(records)
    parsed = [record for record, _errors in _read_back(text, "csv")]

    assert _csv_text(parsed) == text  # type: ignore[arg-type]


def test_write_csv_negative_coordinates_round_trip() -> None:
    # West of Greenwich and south of the equator: Aerospace clusters in Spain, Brazil, Chile.
    record = ClusterRecord(
        slug="santiago",
        name="Santiago Cluster",
        kind="international-cluster",
        country="CL",
        latitude=-33.45,
        longitude=-70.66,
        members_approx=0,
    )

    assert _read_back(_csv_text([record]), "csv") == [(record, [])]


def test_write_csv_negative_coordinates_written_as_numbers() -> None:
    record = ClusterRecord(
        slug="a", name="A", kind="cluster", country="ES", latitude=-3.7, longitude=-0.5
    )

    row = record_to_csv_row(record)

    assert (row[COLUMNS.index("latitude")], row[COLUMNS.index("longitude")]) == ("-3.7", "-0.5")


def test_write_csv_carriage_return_in_description_round_trip() -> None:
    # Text areas send CRLF; a lone CR must not end the CSV row either.
    record = ClusterRecord(
        slug="a",
        name="A",
        kind="cluster",
        country="DE",
        description_en="one\rtwo",
        description_de="drei\r\nvier",
    )

    assert _read_back(_csv_text([record]), "csv") == [(record, [])]


def test_write_csv_description_with_many_tabs_round_trip() -> None:
    # Tabs in the first record must not make the reader take the file for tab-separated.
    record = ClusterRecord(
        slug="a", name="A", kind="cluster", country="DE", description_en="\t".join("x" * 80)
    )

    assert _read_back(_csv_text([record]), "csv") == [(record, [])]


def test_write_csv_formula_name_escaped_with_apostrophe() -> None:
    record = ClusterRecord(slug="calc", name='=cmd|"/C calc"!A0', kind="cluster", country="DE")

    text = _csv_text([record])

    assert text.splitlines()[1].startswith('calc,"\'=cmd|""/C calc""!A0",')
    assert _read_back(text, "csv") == [(record, [])]


def test_write_json_empty_list() -> None:
    assert _json_text([]) == "[]\n"


def test_write_json_keys_in_column_order() -> None:
    record = ClusterRecord(slug="a", name="A", kind="cluster", country="DE")

    assert list(json.loads(_json_text([record]))[0]) == list(COLUMNS)


# --- parse_row --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(st.dictionaries(_keys, st.text(max_size=30) | st.sampled_from(["", "-1", "'=", "[", "|"])))
def test_parse_row_never_raises_any_csv_strings(raw: dict[str, str]) -> None:
    record, errors = _parse(raw, from_csv=True)

    assert (record is None) == bool(errors)
    assert all(error.row == 2 for error in errors)


@PROPERTY_SETTINGS
@given(st.dictionaries(_keys, _json_values), st.booleans())
def test_parse_row_never_raises_any_json_values(raw: dict[str, Any], from_csv: bool) -> None:
    record, errors = _parse(raw, from_csv=from_csv)

    assert (record is None) == bool(errors)
    assert all(error.column in {"", *COLUMNS} for error in errors)


def test_parse_row_minimal_row_derives_slug() -> None:
    raw = {"name": "Kompetenznetz Leichtbau Sachsen", "kind": "cluster", "country": "de"}

    record, errors = _parse(raw)

    assert errors == []
    assert record == ClusterRecord(
        slug="kompetenznetz-leichtbau-sachsen",
        name="Kompetenznetz Leichtbau Sachsen",
        kind="cluster",
        country="DE",
    )


def test_make_slug_spells_umlauts() -> None:
    assert make_slug("Photonik-Netzwerk Thüringen: Größe & Maß") == (
        "photonik-netzwerk-thueringen-groesse-mass"
    )


def test_parse_row_full_csv_row() -> None:
    raw = {
        **MINIMAL,
        "slug": "optonet",
        "region": "de-th",
        "city": "Jena",
        "latitude": "50.9271",
        "longitude": "11.5892",
        "location_precision": "exact",
        "website": "optonet-jena.de",
        "members_approx": "110",
        "management_organisation": "OptoNet e.V.",
        "management_email": "info@optonet-jena.de",
        "technology_fields": "photonics | robotics",
        "competences_offered": "laser systems | optical metrology",
        "member_counts": "companies=80 | universities=4",
        "sources": "https://optonet-jena.de/about",
    }

    record, errors = _parse(raw)

    assert errors == []
    assert record == ClusterRecord(
        slug="optonet",
        name="Photonics Network Thuringia",
        kind="cluster",
        country="DE",
        region="DE-TH",
        city="Jena",
        latitude=50.9271,
        longitude=11.5892,
        location_precision="exact",
        website="https://optonet-jena.de",
        members_approx=110,
        management_organisation="OptoNet e.V.",
        management_email="info@optonet-jena.de",
        technology_fields=["photonics", "robotics"],
        competences_offered=[
            CompetenceRecord("laser systems"),
            CompetenceRecord("optical metrology"),
        ],
        member_counts={"companies": 80, "universities": 4},
        sources=["https://optonet-jena.de/about"],
    )


def test_parse_row_empty_row_names_each_required_column() -> None:
    record, errors = _parse({})

    assert record is None
    assert errors == [
        RowError(2, "name", "is required"),
        RowError(2, "kind", "is required"),
        RowError(2, "country", "is required"),
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"country": "XX"},
            RowError(2, "country", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ),
        (
            {"kind": "club"},
            RowError(2, "kind", f"'club' is not one of {', '.join(ClusterKind.values)}"),
        ),
        ({"region": "FR-OCC"}, RowError(2, "region", "'FR-OCC' does not lie in country 'DE'")),
        (
            {"region": "DE-XX"},
            RowError(2, "region", "'DE-XX' is not an ISO 3166-2 subdivision code"),
        ),
        (
            {"slug": "Not A Slug"},
            RowError(
                2, "slug", "Not A Slug is not a slug (lowercase letters, digits and single hyphens)"
            ),
        ),
        (
            {"latitude": "95", "longitude": "10"},
            RowError(2, "latitude", "95.0 is outside -90 to 90"),
        ),
        (
            {"latitude": "45", "longitude": "-181"},
            RowError(2, "longitude", "-181.0 is outside -180 to 180"),
        ),
        (
            {"latitude": "45"},
            RowError(2, "latitude", "latitude and longitude must be given together"),
        ),
        ({"latitude": "north"}, RowError(2, "latitude", "'north' is not a number")),
        ({"longitude": "nan"}, RowError(2, "longitude", "'nan' is not a finite number")),
        ({"members_approx": "12.5"}, RowError(2, "members_approx", "'12.5' is not a whole number")),
        ({"members_approx": "-3"}, RowError(2, "members_approx", "must be 0 or more")),
        (
            {"members_approx": "3000000000"},
            RowError(2, "members_approx", "3000000000 is more than 2147483647"),
        ),
        (
            {"location_precision": "street"},
            RowError(2, "location_precision", "'street' is not one of exact, city, region"),
        ),
        (
            {"website": "ftp://example.org"},
            RowError(2, "website", "'ftp://example.org' is not an http(s) address"),
        ),
        (
            {"website": "https://[broken"},
            RowError(2, "website", "'https://[broken' is not an http(s) address"),
        ),
        (
            {"website": "x" * 200},
            RowError(2, "website", "is 208 characters long; at most 200 are allowed"),
        ),
        (
            {"management_organisation": "OptoNet e.V.", "management_email": "nobody"},
            RowError(2, "management_email", "'nobody' is not an e-mail address"),
        ),
        (
            {"management_phone": "+49 1"},
            RowError(
                2,
                "management_organisation",
                "is required when management contact details are given",
            ),
        ),
        ({"city": "Je\x07na"}, RowError(2, "city", "contains control characters")),
        (
            {"description_en": "x" * 1_000_000},
            RowError(2, "description_en", "is 1000000 characters long; at most 5000 are allowed"),
        ),
        (
            {"technology_fields": "photonic"},
            RowError(2, "technology_fields", "unknown term 'photonic' (did you mean 'photonics'?)"),
        ),
        (
            {"technology_fields": "quantum"},
            RowError(2, "technology_fields", "unknown term 'quantum'"),
        ),
        ({"keywords": "a | a"}, RowError(2, "keywords", "item 2 ('a') is listed twice")),
        ({"keywords": "a |  | b"}, RowError(2, "keywords", "item 2 is empty or not text")),
        (
            {"keywords": '["a", '},
            RowError(2, "keywords", "is not a valid JSON list: Expecting value"),
        ),
        (
            {"sources": "www.example.org"},
            RowError(2, "sources", "item 1 ('www.example.org') is not an http(s) address"),
        ),
        (
            {"member_counts": "companies"},
            RowError(2, "member_counts", "'companies' is not of the form type=count"),
        ),
        (
            {"member_counts": "company=3"},
            RowError(2, "member_counts", "unknown term 'company' (did you mean 'companies'?)"),
        ),
        (
            {"member_counts": "companies=-1"},
            RowError(2, "member_counts", "count for 'companies' must be 0 or more"),
        ),
        (
            {"member_counts": "companies=9999999999"},
            RowError(2, "member_counts", "count for 'companies' is more than 2147483647"),
        ),
        (
            {"competences_sought": '[{"phrase": "x", "language": "fr"}]'},
            RowError(2, "competences_sought", "competence 1: language 'fr' is not en or de"),
        ),
        (
            {"competences_sought": '[{"phrase": "x", "colour": "red"}]'},
            RowError(2, "competences_sought", "competence 1 has unknown keys ['colour']"),
        ),
        (
            {"competences_sought": '[{"phrase": "x", "value_chain_role": "reserch"}]'},
            RowError(
                2,
                "competences_sought",
                "competence 1: unknown term 'reserch' (did you mean 'research'?)",
            ),
        ),
        (
            {"competences_offered": "x | x"},
            RowError(2, "competences_offered", "competence 2 ('x') is listed twice"),
        ),
        (
            {"competences_offered": "y" * 201},
            RowError(2, "competences_offered", "competence 1 is longer than 200 characters"),
        ),
    ],
)
def test_parse_row_invalid_cell_names_row_and_column(
    overrides: dict[str, str], expected: RowError
) -> None:
    record, errors = _parse({**MINIMAL, **overrides})

    assert record is None
    assert errors == [expected]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"members_approx": math.inf}, RowError(2, "members_approx", "inf is not a finite number")),
        (
            {"members_approx": True},
            RowError(2, "members_approx", "expected a number, got true/false"),
        ),
        ({"city": 12}, RowError(2, "city", "expected text, got int")),
        ({"keywords": "a | b"}, RowError(2, "keywords", "expected a list")),
        ({"keywords": {"a": 1}}, RowError(2, "keywords", "expected a list, got dict")),
        (
            {"member_counts": {"companies": math.inf}},
            RowError(2, "member_counts", "count for 'companies' is not a whole number"),
        ),
        (
            {"member_counts": {"companies": True}},
            RowError(2, "member_counts", "count for 'companies' must be 0 or more"),
        ),
        (
            {"member_counts": [1]},
            RowError(2, "member_counts", "expected an object of member type → count"),
        ),
        (
            {"competences_offered": [{"phrase": "x", "technology_field": ["photonics"]}]},
            RowError(2, "competences_offered", "competence 1: technology_field must be text"),
        ),
        (
            {"competences_offered": [{"phrase": "x", "value_chain_role": {"a": 1}}]},
            RowError(2, "competences_offered", "competence 1: value_chain_role must be text"),
        ),
        (
            {"competences_offered": [7]},
            RowError(2, "competences_offered", "competence 1 is neither text nor an object"),
        ),
        (
            {"competences_offered": [{"language": "de"}]},
            RowError(2, "competences_offered", "competence 1 has no phrase"),
        ),
    ],
)
def test_parse_row_invalid_json_value_names_row_and_column(
    overrides: dict[str, Any], expected: RowError
) -> None:
    record, errors = _parse({**MINIMAL, **overrides}, from_csv=False)

    assert record is None
    assert errors == [expected]


def test_parse_row_json_competence_objects() -> None:
    raw = {
        **MINIMAL,
        "competences_sought": [
            {
                "phrase": " research partners in photonics ",
                "technology_field": "photonics",
                "value_chain_role": "research",
                "provenance": "derived",
            },
            "Leichtbau",
        ],
    }

    record, errors = _parse(raw, from_csv=False)

    assert errors == []
    assert record is not None
    assert record.competences_sought == [
        CompetenceRecord(
            "research partners in photonics", "en", "photonics", "research", "derived"
        ),
        CompetenceRecord("Leichtbau"),
    ]


def test_parse_row_invalid_marker_becomes_row_error() -> None:
    record, errors = _parse({"__invalid__": "has 3 cells but the header has 31"})

    assert (record, errors) == (None, [RowError(2, "", "has 3 cells but the header has 31")])


def test_parse_row_name_with_control_characters_one_error() -> None:
    record, errors = _parse({**MINIMAL, "name": "Photonics\x00Network"})

    assert record is None
    assert errors == [RowError(2, "name", "contains control characters")]


def test_row_error_str_names_row_and_column() -> None:
    assert (
        str(RowError(7, "country", "'XX' is unknown")) == "row 7, column country: 'XX' is unknown"
    )


def test_row_error_str_without_column_names_row() -> None:
    assert str(RowError(7, "", "has 3 cells")) == "row 7: has 3 cells"


def test_row_error_str_file_error_has_no_row() -> None:
    assert str(RowError(0, "", "the file is empty")) == "the file is empty"


# --- decode and detect_format -----------------------------------------------------------------


def test_decode_strips_utf8_byte_order_mark() -> None:
    assert decode("\ufeffname,kind\nÖko,cluster\n".encode()) == "name,kind\nÖko,cluster\n"


def test_decode_latin1_reports_byte_and_line() -> None:
    data = "name,kind,country\nA,cluster,DE\nMünchen,cluster,DE\n".encode("latin-1")

    with pytest.raises(FileFormatError) as excinfo:
        decode(data)

    assert str(excinfo.value) == (
        "the file is not UTF-8: byte 0xfc on line 3 (offset 32); save it as UTF-8 and try again"
    )


@pytest.mark.parametrize(
    ("filename", "text", "expected"),
    [
        ("clusters.json", "name,kind", "json"),
        ("CLUSTERS.JSONLD", "", "json"),
        ("clusters.csv", "[1]", "csv"),
        ("clusters.tsv", "", "csv"),
        ("clusters.txt", "{}", "csv"),
        ("upload", '  \n[{"name": "A"}]', "json"),
        ("upload", '{"clusters": []}', "json"),
        ("upload", "name,kind,country", "csv"),
        ("upload", "", "csv"),
    ],
)
def test_detect_format_extension_then_content(filename: str, text: str, expected: str) -> None:
    assert detect_format(filename, text) == expected


# --- iter_raw_rows ----------------------------------------------------------------------------


def test_iter_raw_rows_csv_numbers_rows_by_starting_line() -> None:
    text = 'name,kind,country,description_en\nA,cluster,DE,"two\nlines"\n\nB,cluster,FR,\n'

    rows = list(iter_raw_rows(text, "csv"))

    assert rows == [
        (2, {"name": "A", "kind": "cluster", "country": "DE", "description_en": "two\nlines"}),
        (5, {"name": "B", "kind": "cluster", "country": "FR", "description_en": ""}),
    ]


def test_iter_raw_rows_csv_wrong_cell_count_marks_row() -> None:
    text = "name,kind,country\nA,cluster\nB,cluster,DE\n"

    rows = list(iter_raw_rows(text, "csv"))

    assert rows == [
        (2, {"__invalid__": "has 2 cells but the header has 3"}),
        (3, {"name": "B", "kind": "cluster", "country": "DE"}),
    ]


def test_iter_raw_rows_csv_cell_over_csv_module_limit_reaches_parser() -> None:
    # The csv module refuses cells over 128 KiB; the row must still reach the parser, which
    # names the row and column of an over-long description.
    text = f"name,kind,country,description_en\nA,cluster,DE,{'x' * 1_000_000}\n"

    rows = list(iter_raw_rows(text, "csv"))

    assert [(row, len(raw["description_en"])) for row, raw in rows] == [(2, 1_000_000)]


def test_iter_raw_rows_tab_separated() -> None:
    rows = list(iter_raw_rows("name\tkind\tcountry\nA, B\tcluster\tDE\n", "csv"))

    assert rows == [(2, {"name": "A, B", "kind": "cluster", "country": "DE"})]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("name,country\nA,DE\n", "missing required column(s): kind"),
        ("name,kind,country,contry\n", "unknown column(s): 'contry' (did you mean 'country'?)"),
        ("name,kind,country,name\n", "column(s) given twice: name"),
        ('name,kind,country\n"A"x,cluster,DE\n', "line 2: ',' expected after '\"'"),
    ],
)
def test_iter_raw_rows_csv_file_errors(text: str, message: str) -> None:
    with pytest.raises(FileFormatError) as excinfo:
        list(iter_raw_rows(text, "csv"))

    assert str(excinfo.value) == message


def test_iter_raw_rows_json_numbers_rows_from_one() -> None:
    text = '{"clusters": [{"name": "A"}, 3]}'

    assert list(iter_raw_rows(text, "json")) == [(1, {"name": "A"}), (2, {"__invalid__": True})]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"name": "A"},\n {"name": }]', "invalid JSON at line 2, column 11: Expecting value"),
        ('{"name": "A"}', "a JSON import must be a list of cluster objects"),
        ('[{"nmae": "A"}]', "unknown column(s): 'nmae' (did you mean 'name'?)"),
    ],
)
def test_iter_raw_rows_json_file_errors(text: str, message: str) -> None:
    with pytest.raises(FileFormatError) as excinfo:
        list(iter_raw_rows(text, "json"))

    assert str(excinfo.value) == message

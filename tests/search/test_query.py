"""Parsing what people type and compiling it for FTS5 and PostgreSQL tsquery."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clusterbridge.search.analysis import Analyzer, ConceptMap, Lexicon
from clusterbridge.search.query import (
    MAX_CORRECTIONS,
    MAX_PHRASES,
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    ParsedQuery,
    TsCondition,
    clean,
    edits1,
    parse,
    rank_tokens,
    to_fts5,
    to_tsqueries,
)

TOKEN_RE = re.compile(r"^[^\W_]+$")
VOCABULARY = frozenset({"photonics", "laser", "hydrogen", "network", "munchen", "photon"})


def _known(candidates: Iterable[str]) -> set[str]:
    """The index's vocabulary as `parse` sees it through SearchWord."""
    return set(candidates) & VOCABULARY


def _analyzer() -> Analyzer:
    terms = ["Hydrogen", "Wasserstoff", "fuel cells", "Brennstoff", "Zelle"]
    lexicon = Lexicon()
    lexicon.add(terms)
    concepts = ConceptMap()
    concepts.add("field:hydrogen-fuel-cells", ["Hydrogen", "Wasserstoff", "fuel cells"])
    return Analyzer(lexicon=lexicon, concepts=concepts)


ANALYZER = _analyzer()


def _fts5_table() -> sqlite3.Connection:
    """An FTS5 table shaped like the app's search_fts, to run compiled queries against."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "tokens_a, tokens_b, tokens_c, words, tokenize = 'unicode61 remove_diacritics 0')"
    )
    db.execute(
        "INSERT INTO search_fts VALUES ('photon photonics', 'laser', "
        "'zqfieldhydrogenfulcells', 'photonics laser')"
    )
    return db


FTS5 = _fts5_table()


# --- parse: exact ---------------------------------------------------------------------------


def test_parse_a_word_being_typed_gives_its_stems_and_a_prefix() -> None:
    query = parse("Photonics", ANALYZER, _known, as_you_type=True)

    assert [(c.word, c.alternatives, c.prefix) for c in query.clauses] == [
        ("photonics", ((("photon", "photonics"),),), "photonics")
    ]


def test_parse_drops_stopwords_and_a_trailing_space_ends_the_prefix() -> None:
    query = parse("the laser of ", ANALYZER, _known, as_you_type=True)

    assert [(c.word, c.prefix) for c in query.clauses] == [("laser", "")]


def test_parse_a_lone_stopword_while_typing_is_a_prefix() -> None:
    query = parse("for", ANALYZER, _known, as_you_type=True)

    assert [(c.word, c.prefix) for c in query.clauses] == [("for", "for")]


def test_parse_only_stopwords_when_not_typing_is_empty() -> None:
    query = parse("the and of", ANALYZER, _known, as_you_type=False)

    assert query.is_empty


def test_parse_compound_adds_its_parts_as_an_alternative() -> None:
    query = parse("Brennstoffzelle", ANALYZER, _known)

    assert query.clauses[0].alternatives == (
        (("brennstoffzell",),),
        (("brennstoff",), ("zell",)),
    )


def test_parse_a_taxonomy_term_adds_its_concept_token() -> None:
    query = parse("Wasserstoff", ANALYZER, _known)

    assert query.clauses[0].alternatives == (
        (("wasserstoff",),),
        (("zqfieldhydrogenfulcells",),),
    )


def test_parse_quoted_phrase_keeps_its_words_in_order() -> None:
    query = parse('"Laser Network" photonics', ANALYZER, _known)

    assert query.phrases == (("laser", "network"),)
    assert [c.word for c in query.clauses] == ["photonics"]
    assert query.highlight == ("photonics", "laser", "network")


def test_parse_highlights_the_words_of_a_named_concept() -> None:
    query = parse("Wasserstoff", ANALYZER, _known)

    assert query.highlight == ("wasserstoff", "cells", "ful", "hydrogen")


def test_parse_corrects_a_typo_to_a_known_word_one_edit_away() -> None:
    query = parse("photnics", ANALYZER, _known)

    clause = query.clauses[0]
    assert clause.corrections == ("photonics",)
    assert clause.alternatives == (
        (("photnic", "photnics"),),
        (("photon", "photonics"),),
    )
    assert query.highlight == ("photnics", "photonics")


@pytest.mark.parametrize("word", ["photonics", "lasr", "12345"])
def test_parse_does_not_correct_known_short_or_numeric_words(word: str) -> None:
    query = parse(word, ANALYZER, _known)

    assert query.clauses[0].corrections == ()


def test_parse_keeps_at_most_four_corrections() -> None:
    vocabulary = {"laser" + c for c in "abcdefg"}

    query = parse("laser", ANALYZER, lambda candidates: set(candidates) & vocabulary)

    assert query.clauses[0].corrections == ("lasera", "laserb", "laserc", "laserd")
    assert len(query.clauses[0].corrections) == MAX_CORRECTIONS


def test_parse_bounds_words_phrases_and_length() -> None:
    raw = " ".join(f'"p{i} q{i}" w{i}' for i in range(100))

    query = parse(raw, ANALYZER, _known)

    assert len(query.clauses) == MAX_WORDS
    assert len(query.phrases) == MAX_PHRASES
    assert len(query.text) == MAX_QUERY_LENGTH


def test_clean_turns_control_characters_into_spaces() -> None:
    assert clean("a\x00b\nc\x7fd") == "a b c d"


# --- compiling: exact -----------------------------------------------------------------------


def test_to_fts5_quotes_every_token_and_ors_the_alternatives() -> None:
    query = parse("Brennstoffzelle laser", ANALYZER, _known, as_you_type=False)

    assert to_fts5(query) == (
        '({tokens_a tokens_b tokens_c} : ("brennstoffzell" OR ("brennstoff" AND "zell"))) AND '
        '({tokens_a tokens_b tokens_c} : (("laser" OR "las")))'
    )


def test_to_fts5_prefix_and_phrase() -> None:
    query = parse('"fuel cells" phot', ANALYZER, _known, as_you_type=True)

    assert to_fts5(query) == (
        '(({tokens_a tokens_b tokens_c} : ("phot")) OR (words : "phot"*)) AND (words : "ful cells")'
    )


def test_to_fts5_any_words_joins_clauses_with_or() -> None:
    query = replace(parse("laser network", ANALYZER, _known, as_you_type=False), any_words=True)

    assert to_fts5(query) == (
        '({tokens_a tokens_b tokens_c} : (("laser" OR "las"))) OR '
        '({tokens_a tokens_b tokens_c} : ("network"))'
    )


def test_to_tsqueries_one_condition_per_clause_and_phrase() -> None:
    query = parse('"fuel cells" Brennstoffzelle phot', ANALYZER, _known, as_you_type=True)

    assert to_tsqueries(query) == [
        TsCondition("brennstoffzell | (brennstoff & zell)", ""),
        TsCondition("phot", "phot:*"),
        TsCondition("", "ful <-> cells"),
    ]


def test_to_tsqueries_concept_alternative() -> None:
    query = parse("hydrogen", ANALYZER, _known, as_you_type=False)

    assert to_tsqueries(query) == [
        TsCondition("(hydrogen | hydrog) | zqfieldhydrogenfulcells", ""),
    ]


def test_rank_tokens_are_every_clause_token_sorted() -> None:
    query = parse("Brennstoffzelle laser", ANALYZER, _known, as_you_type=False)

    assert rank_tokens(query) == ["brennstoff", "brennstoffzell", "las", "laser", "zell"]


def test_compiled_fts5_finds_the_document_on_sqlite() -> None:
    query = parse("photonic lasers hydrogen", ANALYZER, _known, as_you_type=False)

    rows = FTS5.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", [to_fts5(query)])

    assert rows.fetchall() == [(1,)]


# --- edits1 ---------------------------------------------------------------------------------


def test_edits1_holds_every_one_edit_neighbour_but_not_the_word() -> None:
    neighbours = edits1("ab")

    assert {"a", "b", "ba", "xb", "ax", "xab", "axb", "abx", "a1"} <= neighbours
    assert "ab" not in neighbours
    assert len(neighbours) == 179


def test_edits1_of_a_typo_contains_the_intended_word() -> None:
    assert "photonics" in edits1("photnics")
    assert "photonics" in edits1("photoincs")
    assert "photonics" in edits1("photonicss")
    assert "photonics" in edits1("phutonics")


# --- properties: nothing a user types acts as syntax ----------------------------------------

_SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "NEAR",
        "NEAR(a b)",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        "-",
        ":",
        "^",
        "{",
        "}",
        "'",
        ";",
        "--",
        "') OR 1=1 --",
        "tokens_a:",
        "words:x*",
        "\x00",
        "\n",
        "\t",
        "Brennstoffzelle",
        "photnics",
        "Wasserstoff",
        "the",
        "München",
        "a1b2",
        "&",
        "|",
        "!",
        "<->",
        ":*",
    ]
)
_RAW = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_SYNTAX, st.text(max_size=6)), max_size=30).map(" ".join),
    st.lists(st.one_of(_SYNTAX, st.text(max_size=6)), max_size=30).map("".join),
)


def _assert_only_quoted_tokens_and_operators(fts: str) -> None:
    quoted = re.findall(r'"([^"]*)"', fts)
    rest = re.sub(r'"[^"]*"', " ", fts)
    assert [t for q in quoted for t in q.split(" ") if not TOKEN_RE.match(t)] == []
    assert set(re.findall(r"[^\W\d]+", rest)) <= {
        "AND",
        "OR",
        "tokens_a",
        "tokens_b",
        "tokens_c",
        "words",
    }
    assert re.sub(r"[^\W\d]+|[(){}:* ]", "", rest) == ""


@settings(max_examples=400, deadline=None)
@given(raw=_RAW, as_you_type=st.booleans())
@example(raw='"unclosed phrase', as_you_type=True)
@example(raw="NEAR(photonics laser, 2)", as_you_type=True)
@example(raw="') OR 1=1 --", as_you_type=False)
@example(raw='"" "" *', as_you_type=True)
@example(raw="photonics* AND -laser OR NOT (hydrogen)", as_you_type=True)
@example(raw="x" * 10_000, as_you_type=True)
@example(raw="München Brennstoffzelle photnics " * 400, as_you_type=True)
def test_parse_never_raises_and_compiles_to_quoted_tokens_only(raw: str, as_you_type: bool) -> None:
    query = parse(raw, ANALYZER, _known, as_you_type=as_you_type)

    fts = to_fts5(query)
    _assert_only_quoted_tokens_and_operators(fts)
    if not query.is_empty:
        FTS5.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", [fts]).fetchall()
    for condition in to_tsqueries(query):
        operands = re.split(
            r"[\s()|&]+|<->|:\*", condition.vector_query + " " + condition.words_query
        )
        assert [t for t in operands if t and not TOKEN_RE.match(t)] == []


@settings(max_examples=200, deadline=None)
@given(raw=_RAW)
def test_parse_every_clause_token_is_letters_and_digits(raw: str) -> None:
    query: ParsedQuery = parse(raw, ANALYZER, _known)

    tokens = [t for c in query.clauses for t in c.tokens()] + [
        w for phrase in query.phrases for w in phrase
    ]
    assert [t for t in tokens if not TOKEN_RE.match(t)] == []
    assert len(query.clauses) <= MAX_WORDS

"""Text analysis shared by both backends: folding, words, stems, compounds, concepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clusterbridge.search.analysis import (
    MAX_TOKEN_LENGTH,
    Analyzer,
    ConceptMap,
    Lexicon,
    concept_token,
    fold,
    stems,
    words,
)

TOKEN_RE = re.compile(r"^[^\W_]+$")
HYDROGEN = "field:hydrogen-fuel-cells"


def _hydrogen_analyzer() -> Analyzer:
    """A small analyzer as the services build it from the taxonomy: one concept, its terms."""
    terms = [
        "Hydrogen and fuel cells",
        "Wasserstoff und Brennstoffzellen",
        "fuel cells",
        "Wasserstoff",
    ]
    lexicon = Lexicon()
    lexicon.add([*terms, "Brennstoff", "Zelle"])
    concepts = ConceptMap()
    concepts.add(HYDROGEN, terms)
    return Analyzer(lexicon=lexicon, concepts=concepts)


# --- fold ---------------------------------------------------------------------------------------


def test_fold_umlaut_digraph_and_plain_spelling_are_one_word() -> None:
    assert fold("München") == fold("Muenchen") == fold("Munchen") == "munchen"


@pytest.mark.parametrize(("text", "folded"), [("bauen", "bauen"), ("Quelle", "quelle")])
def test_fold_ue_after_a_vowel_or_q_stays(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Straße", "strasse"), ("STRASSE", "strasse"), ("Größe", "grosse"), ("ẞ", "ss")],
)
def test_fold_sharp_s_becomes_ss(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ärger", "arger"),
        ("Öl", "ol"),
        ("Café", "cafe"),
        ("\uff26\uff55\uff4c\uff4c", "full"),
        ("ﬁne", "fine"),
    ],
)
def test_fold_drops_accents_and_compatibility_forms(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("with_accent", "typed"),
    [("Citroën", "Citroen"), ("Raphaël", "Raphael"), ("Noël", "Noel")],
)
def test_fold_accented_and_plain_spelling_are_one_word(with_accent: str, typed: str) -> None:
    """Someone who types the name without its diaeresis must find it (fold it the same)."""
    assert fold(with_accent) == fold(typed)


@settings(max_examples=300)
@given(st.text(max_size=60))
@example("aee")
@example("Citroën")
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)

    assert fold(once) == once


# --- words and stems ----------------------------------------------------------------------------


def test_words_splits_letters_and_digits_of_a_mixed_word() -> None:
    assert words("CLIB2021") == ["clib2021", "clib", "2021"]


def test_words_folds_keeps_numbers_and_drops_single_letters() -> None:
    assert words("Die Straße 7, a B2B-Netz in Köln!") == [
        "die",
        "strasse",
        "7",
        "b2b",
        "netz",
        "in",
        "koln",
    ]


def test_words_cuts_overlong_tokens() -> None:
    assert words("x" * 100) == ["x" * MAX_TOKEN_LENGTH]


def test_words_of_punctuation_only_is_empty() -> None:
    assert words("--- ... ___ ''' ") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("photonics", ("photon", "photonics")),
        ("zellen", ("zellen", "zell")),
        ("clusters", ("cluster", "clust")),
        ("networks", ("network",)),
        ("abc", ("abc",)),
        ("2021", ("2021",)),
    ],
)
def test_stems_gives_english_then_german_stem_and_keeps_short_words(
    word: str, expected: tuple[str, ...]
) -> None:
    assert stems(word) == expected


# --- compounds ----------------------------------------------------------------------------------


def test_lexicon_split_finds_the_parts_of_a_compound_with_inflected_tail() -> None:
    lexicon = Lexicon()
    lexicon.add(["Brennstoff", "Zelle"])

    assert lexicon.split("brennstoffzellen") == ["brennstoff", "zellen"]


def test_lexicon_split_finds_three_parts() -> None:
    lexicon = Lexicon()
    lexicon.add(["Wasserstoff", "Tank", "Stelle"])

    assert lexicon.split("wasserstofftankstelle") == ["wasserstoff", "tank", "stelle"]


@pytest.mark.parametrize("word", ["brennstoff", "zelle", "brennholzlager", "kurz"])
def test_lexicon_split_is_none_for_known_short_or_unknown_words(word: str) -> None:
    lexicon = Lexicon()
    lexicon.add(["Brennstoff", "Zelle"])

    assert lexicon.split(word) is None


# --- concepts -----------------------------------------------------------------------------------


def test_concept_token_is_one_alphanumeric_token() -> None:
    assert concept_token(HYDROGEN) == "zqfieldhydrogenfulcells"


def test_concept_map_spans_count_words_and_skip_stopwords_inside_a_phrase() -> None:
    concepts = ConceptMap()
    concepts.add(HYDROGEN, ["hydrogen and fuel cells", "Wasserstoff"])

    spans = concepts.spans(words("Wasserstoff, or hydrogen and fuel cells, for trucks"))

    assert sorted(set(spans)) == [(0, 1, HYDROGEN), (2, 6, HYDROGEN)]


def test_concept_map_matches_inflected_forms_through_stems() -> None:
    concepts = ConceptMap()
    concepts.add(HYDROGEN, ["fuel cell"])

    assert concepts.find(words("Fuel Cells for buses")) == {HYDROGEN}
    assert concepts.find(words("cells of fuel")) == set()


def test_analyzer_index_tokens_of_a_german_synonym_include_the_concept() -> None:
    analyzer = _hydrogen_analyzer()

    tokens = analyzer.index_tokens("Wasserstoff für Lkw")

    assert tokens == ["wasserstoff", "lkw", "zqfieldhydrogenfulcells"]


def test_analyzer_index_tokens_of_a_compound_include_its_parts_and_concept() -> None:
    analyzer = _hydrogen_analyzer()

    tokens = analyzer.index_tokens("Wasserstoffbrennstoffzelle")

    assert tokens == [
        "brennstoffzell",
        "wasserstoff",
        "wasserstoffbrennstoffzell",
        "zqfieldhydrogenfulcells",
    ]


def test_analyzer_index_tokens_drop_stopwords_and_are_stable() -> None:
    analyzer = _hydrogen_analyzer()

    first = analyzer.index_tokens("The fuel cells of the cluster")
    second = analyzer.index_tokens("The fuel cells of the cluster")

    assert first == second == ["ful", "cell", "clust", "cluster", "zqfieldhydrogenfulcells"]


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text(max_size=200))
@example("CLIB2021 Brennstoffzellen-Tankstelle ǅ ① ²")
@example("x_y__z  ٣٤  a\u0301b")
def test_every_token_is_letters_and_digits_only(text: str) -> None:
    analyzer = _hydrogen_analyzer()

    tokens = words(text) + analyzer.index_tokens(text)

    assert [t for t in tokens if not TOKEN_RE.match(t)] == []


@settings(max_examples=300)
@given(st.text())
def test_words_never_raises_and_gives_bounded_tokens(text: str) -> None:
    tokens = words(text)

    assert all(0 < len(token) <= MAX_TOKEN_LENGTH for token in tokens)

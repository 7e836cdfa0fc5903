"""Lexical tokens of a competence phrase, from the search app's bilingual analysis: English and
German Snowball stems, parts of German compounds and taxonomy concepts reached through the
taxonomy's labels and synonyms in both languages (so "Leichtbau" and "lightweight construction"
share the concept token of that field)."""

from __future__ import annotations

from collections.abc import Callable

from clusterbridge.search.analysis import STOPWORDS, Analyzer, concept_token, words

# Words every partner search uses; they say nothing about what is offered or sought.
GENERIC_WORDS = frozenset(
    {
        "partner",
        "partners",
        "partnern",
        "partnerin",
        "cluster",
        "clusters",
        "network",
        "networks",
        "netzwerk",
        "netzwerke",
        "netzwerken",
    }
)


def phrase_tokens(analyzer: Analyzer, text: str) -> frozenset[str]:
    ws = [w for w in words(text) if w not in STOPWORDS and w not in GENERIC_WORDS]
    tokens: set[str] = set()
    for word in ws:
        tokens |= analyzer.word_tokens(word)
    tokens |= {concept_token(key) for key in analyzer.concepts_of(ws)}
    return frozenset(tokens)


def tokenizer(analyzer: Analyzer) -> Callable[[str], frozenset[str]]:
    return lambda text: phrase_tokens(analyzer, text)

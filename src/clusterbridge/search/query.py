"""Parsing what people type into a query both backends can run, and compiling it for each.

A query is a conjunction of clauses, one per word. A clause matches any of its alternatives: the
word's stems, the parts of a German compound, a corrected spelling, a taxonomy concept the word
names, and (for the last word while typing) any word starting with it. Quoted phrases must occur
as written. Nothing a user types reaches the database as syntax: every token is letters and
digits only, and each backend gets its own query string built from these pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from clusterbridge.search.analysis import STOPWORDS, Analyzer, concept_token, stems, words

MAX_QUERY_LENGTH = 500
MAX_WORDS = 12
MAX_PHRASES = 3
FUZZY_MIN_LENGTH = 5
MAX_CORRECTIONS = 4
_PHRASE_RE = re.compile(r'"([^"]*)"')
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"

# An alternative is an AND of groups; a group is an OR of tokens (a word's stems).
Group = tuple[str, ...]
Alternative = tuple[Group, ...]


@dataclass(frozen=True)
class Clause:
    word: str
    alternatives: tuple[Alternative, ...]
    prefix: str = ""  # set for the word being typed: any indexed word starting with it matches
    corrections: tuple[str, ...] = ()

    def tokens(self) -> set[str]:
        return {token for alt in self.alternatives for group in alt for token in group}


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    highlight: tuple[str, ...] = field(default=())  # folded words to mark in snippets
    any_words: bool = False  # match documents with any clause instead of all

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.phrases


def clean(raw: str) -> str:
    return _CONTROL_RE.sub(" ", raw)[:MAX_QUERY_LENGTH]


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def parse(
    raw: str,
    analyzer: Analyzer,
    known_words: Callable[[Iterable[str]], set[str]],
    *,
    as_you_type: bool = False,
) -> ParsedQuery:
    """`known_words(candidates)` says which of the candidates occur in the index."""
    text = clean(raw)
    phrases = tuple(
        tuple(ws) for ws in (words(p) for p in _PHRASE_RE.findall(text)[:MAX_PHRASES]) if ws
    )
    rest = _PHRASE_RE.sub(" ", text).replace('"', " ")
    all_words = words(rest)[: MAX_WORDS * 2]
    typing = bool(as_you_type and all_words and rest[-1:].isalnum())
    content = [w for w in all_words if w not in STOPWORDS][:MAX_WORDS]
    if not content and typing:
        content = all_words[-1:]  # a lone stopword typed so far still prefixes ("for" → ...)
    spans = analyzer.concepts.spans(content)
    per_word: list[set[str]] = [set() for _ in content]
    for start, end, key in spans:
        for position in range(start, end):
            per_word[position].add(key)
    # Misspellings: words of five letters or more the index does not know get the known words
    # one edit away as alternatives.
    unknown = [w for w in content if len(w) >= FUZZY_MIN_LENGTH]
    known = known_words(unknown) if unknown else set()
    candidates: dict[str, set[str]] = {
        w: edits1(w) for w in unknown if w not in known and not w.isdigit()
    }
    known_candidates = (
        known_words({c for cs in candidates.values() for c in cs}) if candidates else set()
    )
    clauses = []
    for position, word in enumerate(content):
        alternatives: list[Alternative] = [(stems(word),)]
        parts = analyzer.lexicon.split(word)
        if parts:
            alternatives.append(tuple(stems(part) for part in parts))
            for key in analyzer.concepts.find(parts):
                per_word[position].add(key)
        corrections = tuple(sorted(candidates.get(word, set()) & known_candidates))[
            :MAX_CORRECTIONS
        ]
        for correction in corrections:
            alternatives.append((stems(correction),))
            for key in analyzer.concepts.find([correction]):
                per_word[position].add(key)
        for key in sorted(per_word[position]):
            alternatives.append(((concept_token(key),),))
        is_last = position == len(content) - 1
        clauses.append(
            Clause(
                word=word,
                alternatives=tuple(dict.fromkeys(alternatives)),
                prefix=word if typing and is_last and content[-1] == all_words[-1] else "",
                corrections=corrections,
            )
        )
    concept_words = sorted(
        {w for keys in per_word for key in keys for w in analyzer.concepts.words_of.get(key, ())}
    )
    highlight = tuple(
        dict.fromkeys(
            [*content, *(c for clause in clauses for c in clause.corrections)]
            + [w for phrase in phrases for w in phrase]
            + concept_words
        )
    )
    return ParsedQuery(text=text, clauses=tuple(clauses), phrases=phrases, highlight=highlight)


# --- compiling ---------------------------------------------------------------------------------

# The analysed columns of the FTS5 table (not `words`, which holds the words as written).
FTS_COLUMNS = "{tokens_a tokens_b tokens_c}"


def _fts_group(group: Group) -> str:
    inner = " OR ".join(f'"{token}"' for token in group)
    return f"({inner})" if len(group) > 1 else inner


def _fts_alternative(alternative: Alternative) -> str:
    inner = " AND ".join(_fts_group(group) for group in alternative)
    return f"({inner})" if len(alternative) > 1 else inner


def to_fts5(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression; every token is quoted, so no user text acts as syntax."""
    parts = []
    for clause in query.clauses:
        alternatives = " OR ".join(_fts_alternative(a) for a in clause.alternatives)
        expression = f"({FTS_COLUMNS} : ({alternatives}))"
        if clause.prefix:
            expression = f'({expression} OR (words : "{clause.prefix}"*))'
        parts.append(expression)
    for phrase in query.phrases:
        parts.append(f'(words : "{" ".join(phrase)}")')
    return (" OR " if query.any_words else " AND ").join(parts)


def _ts_group(group: Group) -> str:
    inner = " | ".join(group)
    return f"({inner})" if len(group) > 1 else inner


def _ts_alternative(alternative: Alternative) -> str:
    inner = " & ".join(_ts_group(group) for group in alternative)
    return f"({inner})" if len(alternative) > 1 else inner


@dataclass(frozen=True)
class TsCondition:
    """One clause for PostgreSQL: a tsquery over the tokens, or over the words for prefixes."""

    vector_query: str
    words_query: str = ""


def to_tsqueries(query: ParsedQuery) -> list[TsCondition]:
    conditions = []
    for clause in query.clauses:
        vector_query = " | ".join(_ts_alternative(a) for a in clause.alternatives)
        words_query = f"{clause.prefix}:*" if clause.prefix else ""
        conditions.append(TsCondition(vector_query, words_query))
    for phrase in query.phrases:
        conditions.append(TsCondition("", " <-> ".join(phrase)))
    return conditions


def rank_tokens(query: ParsedQuery) -> list[str]:
    """Every token of the query, for ranking by how much of it a document contains."""
    return sorted({token for clause in query.clauses for token in clause.tokens()})

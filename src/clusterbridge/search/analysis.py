"""Text analysis shared by both search backends, so that SQLite and PostgreSQL index and query
the very same tokens: folding, stemming in both languages, German compounds, taxonomy concepts.

Every token this module emits matches `[^\\W_]+` (letters and digits only), which both FTS5's
unicode61 tokenizer and PostgreSQL's `simple` parser keep as one token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

_TOKEN_RE = re.compile(r"[^\W_]+")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
# German normalisation as in Lucene's GermanNormalizationFilter: ae/oe/ue spell ä/ö/ü (ue not
# after a vowel or q, as in "bauen", "Quelle"), so München, Muenchen and Munchen are one word.
_DIGRAPH_RE = re.compile(r"ae|oe|(?<![aeiouyq])ue")
_DIGRAPHS = {"ae": "a", "oe": "o", "ue": "u"}
MAX_TOKEN_LENGTH = 40
CONCEPT_PREFIX = "zq"  # concept tokens: zq + slug letters; no real word starts like that

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "not",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "with",
        "within",
        "our",
        "we",
        "you",
        "your",
        "which",
        "who",
        "will",
        "was",
        "were",
        "been",
        "also",
        "can",
        "more",
        "than",
        "other",
        "such",
        "aber",
        "als",
        "am",
        "auch",
        "auf",
        "aus",
        "bei",
        "bis",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "es",
        "fur",
        "im",
        "ist",
        "mit",
        "nach",
        "oder",
        "sich",
        "sie",
        "sind",
        "so",
        "uber",
        "um",
        "und",
        "unter",
        "vom",
        "von",
        "vor",
        "wie",
        "wir",
        "zu",
        "zum",
        "zur",
    }
)

_english = Stemmer.Stemmer("english")
_german = Stemmer.Stemmer("german")


def fold(text: str) -> str:
    """Lowercase, ß→ss, umlauts and their ae/oe/ue spellings to plain vowels, no accents."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ß", "ss")
    # Accents go first (ä → a, ë → e), then the digraphs, until nothing changes, so that
    # folding twice gives the same word (Citroën and Citroen fold alike).
    text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))
    previous = None
    while text != previous:
        previous, text = text, _DIGRAPH_RE.sub(lambda match: _DIGRAPHS[match.group(0)], text)
    return text


_ALNUM_SPLIT_RE = re.compile(r"[^\W\d_]+|\d+")


def words(text: str) -> list[str]:
    """Folded words in order; single letters are dropped, overlong tokens cut. A word mixing
    letters and digits also yields its parts (CLIB2021 → clib2021, clib, 2021)."""
    if not text.isascii():
        # Composed first, so that a decomposed umlaut (u + U+0308) stays inside its word.
        text = unicodedata.normalize("NFKC", text)
    result: list[str] = []
    for raw in _TOKEN_RE.findall(text):
        result.extend(_token_words(raw))
    return result


@lru_cache(maxsize=262144)
def _token_words(raw: str) -> tuple[str, ...]:
    """`words` of one unfolded token: folding is the slow part and words repeat."""
    result: list[str] = []
    for token in _TOKEN_RE.findall(fold(raw)):
        if len(token) > 1 or token.isdigit():
            result.append(token[:MAX_TOKEN_LENGTH])
            if not token.isalpha() and not token.isdigit():
                result.extend(part for part in _ALNUM_SPLIT_RE.findall(token) if len(part) > 1)
    return tuple(result)


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The word's English and German stems (one when they agree). Short words stay whole."""
    if len(word) <= 3 or word.isdigit():
        return (word,)
    english, german = _english.stemWord(word), _german.stemWord(word)
    return (english,) if english == german else (english, german)


@lru_cache(maxsize=4096)
def concept_token(key: str) -> str:
    """`field:hydrogen-fuel-cells` → `zqfieldhydrogenfuelcells`: one token on both backends."""
    return CONCEPT_PREFIX + "".join(ch for ch in fold(key) if ch.isalnum())


_LINKS = ("", "s", "es", "n", "en")


@dataclass
class Lexicon:
    """Known words (folded) for splitting German compounds, e.g. the taxonomy's vocabulary."""

    known: set[str] = field(default_factory=set)
    known_stems: set[str] = field(default_factory=set)
    min_part: int = 3
    _splits: dict[str, list[str] | None] = field(default_factory=dict, repr=False)

    def add(self, texts: Iterable[str]) -> None:
        self._splits.clear()
        for text in texts:
            for word in words(text):
                if len(word) >= self.min_part and word not in STOPWORDS:
                    self.known.add(word)
                    self.known_stems.update(stems(word))

    def _is_known(self, part: str) -> bool:
        """A part is known as written or by its stem (Zellen is known through Zelle)."""
        return part in self.known or any(s in self.known_stems for s in stems(part))

    def split(self, word: str) -> list[str] | None:
        """Splits a compound into two or three known parts (Brennstoffzelle → brennstoff,
        zelle), allowing the linking elements s, es, n, en. None where no split is found."""
        if word in self._splits:
            return self._splits[word]
        parts = None
        if len(word) >= 2 * self.min_part + 1 and not self._is_known(word):
            parts = self._split(word, depth=0)
        if len(self._splits) < 200_000:  # words repeat a lot; the cache stays bounded
            self._splits[word] = parts
        return parts

    def _split(self, word: str, depth: int) -> list[str] | None:
        best: list[str] | None = None
        for cut in range(len(word) - self.min_part, self.min_part - 1, -1):
            head, tail = word[:cut], word[cut:]
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                stem = head[: len(head) - len(link)] if link else head
                if len(stem) < self.min_part or not self._is_known(stem):
                    continue
                if len(tail) >= self.min_part and self._is_known(tail):
                    return [stem, tail]
                if depth == 0:
                    rest = self._split(tail, depth + 1)
                    if rest and (best is None or len(rest) + 1 < len(best)):
                        best = [stem, *rest]
        return best


@dataclass
class ConceptMap:
    """Taxonomy phrases in both languages → concept keys, matched on stems.

    "Wasserstoff", "hydrogen" and "fuel cells" all lead to `field:hydrogen-fuel-cells`, which
    is how a German query finds a cluster described only in English.
    """

    phrases: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    # Every leading part of every phrase, so a scan stops as soon as no phrase can continue.
    prefixes: set[tuple[str, ...]] = field(default_factory=set)
    firsts: set[str] = field(default_factory=set)  # stems that can start a phrase
    longest: int = 1
    # The folded words of each concept's terms, for marking them in snippets.
    words_of: dict[str, set[str]] = field(default_factory=dict)
    # Word → the one-stem phrase prefixes it starts (most words: none).
    _starts: dict[str, list[tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def add(self, key: str, terms: Iterable[str]) -> None:
        self._starts.clear()
        for term in terms:
            self.words_of.setdefault(key, set()).update(
                w for w in words(term) if w not in STOPWORDS and len(w) > 2
            )
            ws = [w for w in words(term) if w not in STOPWORDS]
            if not ws:
                continue
            for variant in _stem_variants(ws):
                self.phrases.setdefault(variant, set()).add(key)
                self.firsts.add(variant[0])
                for end in range(1, len(variant) + 1):
                    self.prefixes.add(variant[:end])
            self.longest = max(self.longest, len(ws))

    def find(self, word_list: Sequence[str]) -> set[str]:
        """Concept keys of every taxonomy phrase that occurs in `word_list`."""
        return {key for _start, _end, key in self.spans(word_list)}

    def spans(self, word_list: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, key) of each taxonomy phrase in `word_list`; positions count the
        words of `word_list` (stopwords inside a phrase are skipped over)."""
        positions = [i for i, w in enumerate(word_list) if w not in STOPWORDS]
        found: list[tuple[int, int, str]] = []
        prefixes, phrases, starts = self.prefixes, self.phrases, self._starts
        count = len(positions)
        for start in range(count):
            word = word_list[positions[start]]
            # Most words start no phrase: that answer is kept per word.
            partial = starts.get(word)
            if partial is None:
                partial = [(stem,) for stem in stems(word) if (stem,) in prefixes]
                if len(starts) < 200_000:
                    starts[word] = partial
            offset = 0
            while partial:
                end = positions[start + offset] + 1
                for variant in partial:
                    keys = phrases.get(variant)
                    if keys:
                        found.extend((positions[start], end, key) for key in sorted(keys))
                offset += 1
                if offset >= self.longest or start + offset >= count:
                    break
                following = stems(word_list[positions[start + offset]])
                partial = [
                    (*prefix, stem)
                    for prefix in partial
                    for stem in following
                    if (*prefix, stem) in prefixes
                ]
        return found


def _stem_variants(ws: Sequence[str]) -> list[tuple[str, ...]]:
    return _combinations([stems(w) for w in ws])


def _combinations(options: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    result: list[tuple[str, ...]] = [()]
    for choices in options:
        result = [(*prefix, choice) for prefix in result for choice in choices]
        if len(result) > 16:  # long phrases with two stems per word: keep it bounded
            result = result[:16]
    return result


@dataclass
class Analyzer:
    """Turns text into index tokens: stems of every word, stems of compound parts, concepts."""

    lexicon: Lexicon = field(default_factory=Lexicon)
    concepts: ConceptMap = field(default_factory=ConceptMap)
    # Caches of work that repeats across documents; the analyzer is rebuilt (and they with it)
    # whenever the vocabularies change.
    _word_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _word_concepts: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _text_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def word_tokens(self, word: str) -> set[str]:
        tokens = set(stems(word))
        parts = self.lexicon.split(word)
        if parts:
            for part in parts:
                tokens.update(stems(part))
        return tokens

    def concepts_of(self, ws: Sequence[str]) -> set[str]:
        """Concepts named by the words, or by the parts of a compound (Wasserstoffspeicher)."""
        found = self.concepts.find(ws)
        for word in ws:
            found |= self._compound_concepts(word)
        return found

    def _compound_concepts(self, word: str) -> frozenset[str]:
        cached = self._word_concepts.get(word)
        if cached is None:
            parts = self.lexicon.split(word)
            cached = frozenset(self.concepts.find(parts)) if parts else frozenset()
            if len(self._word_concepts) < 200_000:
                self._word_concepts[word] = cached
        return cached

    def index_tokens(self, text: str) -> list[str]:
        """Tokens of a text for the index, in a stable order (so rebuilds give equal rows)."""
        ws = words(text)
        tokens: dict[str, None] = {}
        for word in ws:
            if word in STOPWORDS:
                continue
            cached = self._word_cache.get(word)
            if cached is None:
                cached = tuple(sorted(self.word_tokens(word)))
                if len(self._word_cache) < 200_000:
                    self._word_cache[word] = cached
            for token in cached:
                tokens[token] = None
        for key in sorted(self.concepts_of(ws)):
            tokens[concept_token(key)] = None
        return list(tokens)

    def text_tokens(self, texts: Iterable[str]) -> list[str]:
        """`index_tokens` of each text, in order and without repeats. Short texts repeat from
        document to document (places, field names, kinds), so their tokens are kept."""
        tokens: dict[str, None] = {}
        for text in texts:
            cached = self._text_cache.get(text) if len(text) <= 300 else None
            if cached is None:
                cached = tuple(self.index_tokens(text))
                if len(text) <= 300:
                    if len(self._text_cache) >= 100_000:
                        self._text_cache.clear()
                    self._text_cache[text] = cached
            tokens.update(dict.fromkeys(cached))
        return list(tokens)


def build_analyzer(concepts: Iterable[tuple[str, Sequence[str]]]) -> Analyzer:
    lexicon = Lexicon()
    concept_map = ConceptMap()
    for key, terms in concepts:
        lexicon.add(terms)
        concept_map.add(key, terms)
    return Analyzer(lexicon=lexicon, concepts=concept_map)

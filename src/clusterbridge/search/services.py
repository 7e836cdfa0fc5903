"""Writes to the search index: (re)indexing documents from the registered domains.

Domain services call `index_objects` after their transaction commits, so the index follows every
write; `index_rebuild` (the `clusterbridge reindex` command) builds it anew.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from clusterbridge.search import registry
from clusterbridge.search.analysis import Analyzer, build_analyzer
from clusterbridge.search.backends import IndexRow, document_row, get_backend
from clusterbridge.search.models import SearchDocument, SearchFacetValue, SearchWord
from clusterbridge.search.types import IndexDocument

logger = logging.getLogger(__name__)
BATCH = 500
# Embedding is the slow part (about 130 texts/s here); larger writes leave it to `reindex`.
EMBED_INLINE_LIMIT = 200

_analyzer_lock = threading.Lock()
_analyzer: tuple[tuple[object, ...], Analyzer] | None = None
_analyzer_checked = 0.0
# How long a process trusts its analyzer before comparing the vocabularies again.
ANALYZER_RECHECK_SECONDS = 30.0


def analyzer_get() -> Analyzer:
    """The analyzer with the registered concepts, built once per process and rebuilt when the
    vocabularies change (the fingerprint is the concepts themselves, cheap to compare)."""
    global _analyzer, _analyzer_checked
    now = time.monotonic()
    if _analyzer is not None and now - _analyzer_checked < ANALYZER_RECHECK_SECONDS:
        return _analyzer[1]
    _analyzer_checked = now
    concepts = sorted(
        (key, tuple(terms)) for source in registry.concept_sources() for key, terms in source()
    )
    fingerprint = tuple(concepts)
    with _analyzer_lock:
        if _analyzer is not None and _analyzer[0] == fingerprint:
            return _analyzer[1]
        analyzer = build_analyzer(concepts)
        _analyzer = (fingerprint, analyzer)
        return analyzer


def analyzer_fingerprint() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The concepts the current analyzer was built from (for building it in another process)."""
    analyzer_get()
    assert _analyzer is not None
    return _analyzer[0]  # type: ignore[return-value]


@dataclass
class IndexReport:
    indexed: int = 0
    embedded: int = 0
    removed: int = 0


@transaction.atomic
def documents_index(
    *, documents: Sequence[IndexDocument], embed: bool | None = None
) -> IndexReport:
    """Writes documents to the index, replacing earlier versions of the same objects."""
    report = IndexReport()
    if not documents:
        return report
    ids = _documents_write(documents)
    report.indexed = len(ids)
    if embed is None:
        embed = len(ids) <= EMBED_INLINE_LIMIT
    if embed:
        report.embedded = embeddings_compute(
            documents=list(zip(ids, (_embedding_text(d) for d in documents), strict=True))
        )
    else:
        SearchDocument.objects.filter(pk__in=ids).update(embedding=None, embedder="")
    _index_changed()
    return report


def _embedding_text(document: IndexDocument) -> str:
    return document.embedding_text or document.title


def _index_changed() -> None:
    """Tells this process's in-memory copies (facets, vectors) to compare versions again."""
    from clusterbridge.search import facet_index, semantic_index

    facet_index.version.changed()
    semantic_index.index_changed()


def _documents_write(
    documents: Sequence[IndexDocument],
    *,
    fresh: bool = False,
    known_words: set[str] | None = None,
    analysed: Sequence[IndexRow] | None = None,
) -> list[int]:
    """Writes the documents' rows, facet values, words and full-text entries; returns their
    ids. `fresh`: the index was emptied (a rebuild), so nothing needs replacing; `known_words`:
    words already stored by earlier batches of the same rebuild (updated in place); `analysed`:
    the documents' rows, analysed elsewhere (by worker processes)."""
    analyzer = analyzer_get()
    backend = get_backend()
    existing: dict[tuple[str, int], SearchDocument] = {}
    if not fresh:
        for doc_type in {d.doc_type for d in documents}:
            ids = [d.object_id for d in documents if d.doc_type == doc_type]
            for found in SearchDocument.objects.filter(doc_type=doc_type, object_id__in=ids).only(
                "id", "doc_type", "object_id"
            ):
                existing[(found.doc_type, found.object_id)] = found
    objects: list[SearchDocument] = []
    rows: list[IndexRow] = []
    for index, doc in enumerate(documents):
        obj = existing.get((doc.doc_type, doc.object_id)) or SearchDocument(
            doc_type=doc.doc_type, object_id=doc.object_id
        )
        row = analysed[index] if analysed is not None else document_row(0, doc, analyzer)
        obj.title = doc.title[:300]
        obj.title_sort = row.title_folded[:300]
        obj.url_path = doc.url_path
        obj.summary_en = doc.summary_en
        obj.summary_de = doc.summary_de
        obj.facets = doc.facets
        obj.published_at = doc.published_at
        obj.tokens_a, obj.tokens_b, obj.tokens_c, obj.words = (
            row.tokens_a,
            row.tokens_b,
            row.tokens_c,
            row.words,
        )
        objects.append(obj)
        rows.append(row)
    new = [o for o in objects if o.pk is None]
    SearchDocument.objects.bulk_create(new, batch_size=BATCH)
    if new and new[0].pk is None:  # backends without RETURNING: look the ids up
        for obj in new:
            obj.pk = SearchDocument.objects.get(doc_type=obj.doc_type, object_id=obj.object_id).pk
    rows = [replace(row, document_id=obj.pk) for obj, row in zip(objects, rows, strict=True)]
    # Django's bulk_update builds one CASE per field and row, which costs more than the analysis;
    # one plain UPDATE per re-indexed document, sent in a batch, is many times faster.
    created = {id(o) for o in new}
    _update_documents([o for o in objects if id(o) not in created])
    ids = [obj.pk for obj in objects]
    if not fresh:
        SearchFacetValue.objects.filter(document_id__in=ids).delete()
    facet_rows = [
        (obj.pk, name, value[:120])
        for obj, doc in zip(objects, documents, strict=True)
        for name, values in {"type": [doc.doc_type], **doc.facets}.items()
        for value in dict.fromkeys(values)
    ]
    vocabulary = {w for row in rows for w in row.words.split() if len(w) <= 40}
    if known_words is not None:
        vocabulary -= known_words
        known_words |= vocabulary
    with connection.cursor() as cursor:
        # Plain parameter rows rather than model instances: a rebuild writes about 15 facet
        # values per document (streamed by COPY on PostgreSQL).
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                "COPY search_searchfacetvalue (document_id, facet, value) FROM STDIN"
            ) as copy:
                for facet_row in facet_rows:
                    copy.write_row(facet_row)
        else:
            cursor.executemany(
                "INSERT INTO search_searchfacetvalue (document_id, facet, value) "
                "VALUES (%s, %s, %s)",
                facet_rows,
            )
        cursor.executemany(
            "INSERT INTO search_searchword (word) VALUES (%s) ON CONFLICT (word) DO NOTHING",
            [(w,) for w in sorted(vocabulary)],
        )
    if fresh:
        backend.insert(rows)
    else:
        backend.write(rows)
    return ids


_UPDATED_FIELDS = (
    "title",
    "title_sort",
    "url_path",
    "summary_en",
    "summary_de",
    "facets",
    "published_at",
    "tokens_a",
    "tokens_b",
    "tokens_c",
    "words",
    "indexed_at",
)


def _update_documents(documents: Sequence[SearchDocument]) -> None:
    if not documents:
        return
    now = timezone.now()
    fields: list[Any] = [SearchDocument._meta.get_field(name) for name in _UPDATED_FIELDS]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    rows = []
    for document in documents:
        document.indexed_at = now
        rows.append(
            [f.get_db_prep_save(getattr(document, f.attname), connection) for f in fields]
            + [document.pk]
        )
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608


def embeddings_compute(*, documents: Sequence[tuple[int, str]], progress: bool = False) -> int:
    """Embeds (document id, text) pairs with the configured embedder and stores the vectors;
    many texts are embedded by worker processes on every core (see `embedding_pool`)."""
    from clusterbridge.search.embedding_pool import EmbeddingPool, workers_for
    from clusterbridge.search.semantic import get_embedder, vector_to_bytes

    embedder = get_embedder()
    done = 0
    bar = tqdm(total=len(documents), desc="Embedding", unit=" docs", disable=not progress)
    workers = workers_for(len(documents))
    if workers:
        with EmbeddingPool(workers, embedder.dimensions) as pool:
            pool.submit(documents)
            vectors = pool.finish()
        for start in range(0, len(vectors), 2048):
            written = vectors[start : start + 2048]
            _vectors_write(written, embedder.name)
            bar.update(len(written))
        bar.close()
        return len(vectors)
    for start in range(0, len(documents), 256):
        texts = documents[start : start + 256]
        embedded = embedder.embed([text for _id, text in texts])
        _vectors_write(
            [
                (doc_id, vector_to_bytes(vector))
                for (doc_id, _text), vector in zip(texts, embedded, strict=True)
            ],
            embedder.name,
        )
        done += len(texts)
        bar.update(len(texts))
    bar.close()
    return done


def _vectors_write(vectors: Sequence[tuple[int, bytes]], embedder_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE search_searchdocument SET embedding = %s, embedder = %s WHERE id = %s",
            [(data, embedder_name, doc_id) for doc_id, data in vectors],
        )
    _index_changed()


@transaction.atomic
def documents_remove(*, doc_type: str, object_ids: Iterable[int]) -> int:
    ids = list(
        SearchDocument.objects.filter(
            doc_type=doc_type, object_id__in=list(object_ids)
        ).values_list("pk", flat=True)
    )
    get_backend().delete(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()
    if ids:
        _index_changed()
    return len(ids)


def index_objects(*, model: type, ids: Sequence[int], embed: bool | None = None) -> IndexReport:
    """(Re)indexes objects of a registered model by primary key; gone objects leave the index."""
    spec = registry.spec_for_model(model)
    if spec is None:
        return IndexReport()
    report = IndexReport()
    for start in range(0, len(ids), BATCH * 4):
        chunk = list(ids[start : start + BATCH * 4])
        documents = list(spec.documents(chunk))
        part = documents_index(documents=documents, embed=embed)
        report.indexed += part.indexed
        report.embedded += part.embedded
        present = {d.object_id for d in documents}
        report.removed += documents_remove(
            doc_type=spec.doc_type, object_ids=[i for i in chunk if i not in present]
        )
    return report


def index_objects_on_commit(*, model: type, ids: Sequence[int]) -> None:
    """Called by domain services inside their transaction: index once the write has committed."""
    ids = list(ids)
    transaction.on_commit(lambda: index_objects(model=model, ids=ids))


def index_rebuild(*, embed: bool = True, progress: bool = False) -> IndexReport:
    """Builds the whole index anew from every registered domain.

    The lexical index is written in one transaction, so searches never see it half built. The
    embedding texts are taken from the same documents as they pass (not read again), and with
    many documents, worker processes embed them on the other cores meanwhile; their vectors are
    written as they arrive, and the rest after the lexical pass."""
    from clusterbridge.search.embedding_pool import EmbeddingPool, workers_for
    from clusterbridge.search.semantic import get_embedder

    report = IndexReport()
    embedder = get_embedder() if embed else None
    pool: EmbeddingPool | None = None
    workers = workers_for(_documents_count())
    if workers:
        pool = EmbeddingPool(
            workers,
            get_embedder().dimensions,
            concepts=analyzer_fingerprint(),
        )
    texts: list[tuple[int, str]] = []
    try:
        with transaction.atomic():
            get_backend().clear()
            SearchFacetValue.objects.all().delete()
            SearchDocument.objects.all().delete()
            SearchWord.objects.all().delete()
            known: set[str] = set()
            for spec in registry.specs():
                bar = tqdm(desc=f"Indexing {spec.doc_type}", unit=" docs", disable=not progress)
                batch: list[IndexDocument] = []
                for document in itertools.chain(spec.documents(None), [None]):
                    if document is not None:
                        batch.append(document)
                        if len(batch) < BATCH * 2:
                            continue
                    if not batch:
                        break
                    report.indexed += len(batch)
                    if pool is not None:
                        # Workers analyse (and embed) this batch while earlier ones are written.
                        pool.submit_documents(batch, embed=embedder is not None)
                        for done, rows, vectors in pool.analysed(wait=False):
                            report.embedded += _rebuild_write(done, rows, vectors, known, embedder)
                    else:
                        ids = _documents_write(batch, fresh=True, known_words=known)
                        if embedder is not None:
                            texts.extend(zip(ids, map(_embedding_text, batch), strict=True))
                    bar.update(len(batch))
                    batch = []
                if pool is not None:
                    for done, rows, vectors in pool.analysed(wait=True):
                        report.embedded += _rebuild_write(done, rows, vectors, known, embedder)
                bar.close()
            _index_changed()
        get_backend().tidy()
        if pool is None and texts:
            for start in range(0, len(texts), 2048):
                with transaction.atomic():
                    report.embedded += embeddings_compute(
                        documents=texts[start : start + 2048], progress=progress
                    )
    finally:
        if pool is not None:
            pool.close()
    return report


def _rebuild_write(
    documents: Sequence[IndexDocument],
    rows: Sequence[IndexRow],
    vectors: bytes | None,
    known: set[str],
    embedder: Any,
) -> int:
    ids = _documents_write(documents, fresh=True, known_words=known, analysed=rows)
    if vectors is None or embedder is None:
        return 0
    size = embedder.dimensions * 2
    _vectors_write(
        [(doc_id, vectors[i * size : (i + 1) * size]) for i, doc_id in enumerate(ids)],
        embedder.name,
    )
    return len(ids)


def _documents_count() -> int:
    return sum(spec.model.objects.count() for spec in registry.specs())  # type: ignore[attr-defined]


def _vectors_store(vectors: Sequence[tuple[int, bytes]], embedder: Any) -> int:
    if vectors:
        _vectors_write(vectors, embedder.name)
    return len(vectors)


def embeddings_fill(*, progress: bool = False) -> int:
    """Embeds every document that has no vector yet (or one from another embedder)."""
    from clusterbridge.search.semantic import get_embedder

    name = get_embedder().name
    pending = list(
        SearchDocument.objects.exclude(embedder=name).values_list("pk", "doc_type", "object_id")
    )
    if not pending:
        return 0
    texts: dict[int, str] = {}
    by_type: dict[str, dict[int, int]] = {}
    for pk, doc_type, object_id in pending:
        by_type.setdefault(doc_type, {})[object_id] = pk
    for doc_type, mapping in by_type.items():
        spec = registry.spec_for(doc_type)
        object_ids = list(mapping)
        for start in range(0, len(object_ids), BATCH * 4):
            for document in spec.documents(object_ids[start : start + BATCH * 4]):
                texts[mapping[document.object_id]] = _embedding_text(document)
    items = sorted(texts.items())
    from clusterbridge.search.embedding_pool import workers_for

    if workers_for(len(items)):
        return embeddings_compute(documents=items, progress=progress)
    total = 0
    for start in range(0, len(items), 2048):
        with transaction.atomic():
            total += embeddings_compute(documents=items[start : start + 2048], progress=progress)
    return total

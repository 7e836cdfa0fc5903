"""Writes to the search index: (re)indexing documents from the registered domains.

Domain services call `index_objects` after their transaction commits, so the index follows every
write; `index_rebuild` (the `clusterbridge reindex` command) builds it anew.
"""

from __future__ import annotations

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
from clusterbridge.search.analysis import Analyzer, ConceptMap, Lexicon, fold, words
from clusterbridge.search.backends import IndexRow, get_backend
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
        lexicon = Lexicon()
        concept_map = ConceptMap()
        for key, terms in concepts:
            lexicon.add(terms)
            concept_map.add(key, terms)
        analyzer = Analyzer(lexicon=lexicon, concepts=concept_map)
        _analyzer = (fingerprint, analyzer)
        return analyzer


def _row(document_id: int, doc: IndexDocument, analyzer: Analyzer) -> IndexRow:
    by_weight: dict[str, list[str]] = {"A": [doc.title], "B": [], "C": []}
    for piece in doc.texts:
        by_weight[piece.weight].append(piece.text)
    all_words = words(" ".join(by_weight["A"] + by_weight["B"] + by_weight["C"]))
    return IndexRow(
        document_id=document_id,
        tokens_a=" ".join(analyzer.index_tokens(" ".join(by_weight["A"]))),
        tokens_b=" ".join(analyzer.index_tokens(" \n ".join(by_weight["B"]))),
        tokens_c=" ".join(analyzer.index_tokens(" \n ".join(by_weight["C"]))),
        words=" ".join(all_words),
        title_folded=fold(doc.title),
    )


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
    analyzer = analyzer_get()
    backend = get_backend()
    existing: dict[tuple[str, int], SearchDocument] = {}
    for doc_type in {d.doc_type for d in documents}:
        ids = [d.object_id for d in documents if d.doc_type == doc_type]
        for found in SearchDocument.objects.filter(doc_type=doc_type, object_id__in=ids).only(
            "id", "doc_type", "object_id"
        ):
            existing[(found.doc_type, found.object_id)] = found
    objects: list[SearchDocument] = []
    rows: list[IndexRow] = []
    for doc in documents:
        obj = existing.get((doc.doc_type, doc.object_id)) or SearchDocument(
            doc_type=doc.doc_type, object_id=doc.object_id
        )
        row = _row(obj.pk or 0, doc, analyzer)
        obj.title = doc.title[:300]
        obj.title_sort = fold(doc.title)[:300]
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
    SearchFacetValue.objects.filter(document_id__in=ids).delete()
    SearchFacetValue.objects.bulk_create(
        [
            SearchFacetValue(document_id=obj.pk, facet=name, value=value[:120])
            for obj, doc in zip(objects, documents, strict=True)
            for name, values in {"type": [doc.doc_type], **doc.facets}.items()
            for value in dict.fromkeys(values)
        ],
        batch_size=BATCH * 4,
    )
    vocabulary = {w for row in rows for w in row.words.split() if len(w) <= 40}
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in sorted(vocabulary)], ignore_conflicts=True, batch_size=2000
    )
    backend.write(rows)
    report.indexed = len(objects)
    if embed is None:
        embed = len(objects) <= EMBED_INLINE_LIMIT
    if embed:
        report.embedded = embeddings_compute(
            documents=list(zip(ids, (d.embedding_text or d.title for d in documents), strict=True))
        )
    else:
        SearchDocument.objects.filter(pk__in=ids).update(embedding=None, embedder="")
    return report


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
    """Embeds (document id, text) pairs with the configured embedder and stores the vectors."""
    from clusterbridge.search.semantic import get_embedder, vector_to_bytes

    embedder = get_embedder()
    done = 0
    bar = tqdm(total=len(documents), desc="Embedding", unit=" docs", disable=not progress)
    for start in range(0, len(documents), 256):
        chunk = documents[start : start + 256]
        vectors = embedder.embed([text for _id, text in chunk])
        objects = [
            SearchDocument(pk=doc_id, embedding=vector_to_bytes(vector), embedder=embedder.name)
            for (doc_id, _text), vector in zip(chunk, vectors, strict=True)
        ]
        SearchDocument.objects.bulk_update(objects, ["embedding", "embedder"], batch_size=BATCH)
        done += len(chunk)
        bar.update(len(chunk))
    bar.close()
    return done


@transaction.atomic
def documents_remove(*, doc_type: str, object_ids: Iterable[int]) -> int:
    ids = list(
        SearchDocument.objects.filter(
            doc_type=doc_type, object_id__in=list(object_ids)
        ).values_list("pk", flat=True)
    )
    get_backend().delete(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()
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
    """Builds the whole index anew from every registered domain."""
    report = IndexReport()
    with transaction.atomic():
        get_backend().clear()
        SearchFacetValue.objects.all().delete()
        SearchDocument.objects.all().delete()
        SearchWord.objects.all().delete()
        for spec in registry.specs():
            documents = spec.documents(None)
            batch: list[IndexDocument] = []
            bar = tqdm(desc=f"Indexing {spec.doc_type}", unit=" docs", disable=not progress)
            for document in documents:
                batch.append(document)
                if len(batch) >= BATCH * 2:
                    report.indexed += documents_index(documents=batch, embed=False).indexed
                    bar.update(len(batch))
                    batch = []
            report.indexed += documents_index(documents=batch, embed=False).indexed
            bar.update(len(batch))
            bar.close()
    if embed:
        report.embedded = embeddings_fill(progress=progress)
    return report


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
                texts[mapping[document.object_id]] = document.embedding_text or document.title
    total = 0
    items = sorted(texts.items())
    for start in range(0, len(items), 2048):
        with transaction.atomic():
            total += embeddings_compute(documents=items[start : start + 2048], progress=progress)
    return total

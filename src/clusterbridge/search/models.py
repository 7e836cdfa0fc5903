"""The search index: one row per searchable object, whatever its domain.

The analysed tokens live here as plain text, the same on every database; each backend keeps its
own full-text structure over them (an FTS5 table on SQLite, a tsvector with a GIN index on
PostgreSQL), created by this app's migrations.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    title_sort = models.CharField(max_length=300, db_index=True)
    url_path = models.CharField(max_length=300)
    summary_en = models.TextField(blank=True)
    summary_de = models.TextField(blank=True)
    # Analysed tokens by weight (A: title, B: body, C: taxonomy expansions) and the folded words
    # in order, for phrases and prefixes.
    tokens_a = models.TextField(blank=True)
    tokens_b = models.TextField(blank=True)
    tokens_c = models.TextField(blank=True)
    words = models.TextField(blank=True)
    facets = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True)
    embedding = models.BinaryField(null=True, blank=True)
    embedder = models.CharField(max_length=60, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_unique")
        ]
        indexes = [
            models.Index(fields=["published_at"]),
            # The in-memory copies (facets, vectors) compare COUNT and MAX(indexed_at) to know
            # whether the index changed: with these, neither reads the table's wide rows.
            models.Index(fields=["indexed_at"]),
            models.Index(fields=["embedder", "indexed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"


class SearchFacetValue(models.Model):
    """One facet value of a document, for filtering and counting in SQL."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=120)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "document"]),
            models.Index(fields=["document", "facet"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "value"], name="search_facet_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchWord(models.Model):
    """Every folded word the index has seen: typo tolerance corrects query words to these."""

    word = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.word

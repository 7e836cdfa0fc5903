"""Stored phrase vectors: the embedding of each competence phrase, computed once.

Keyed by the phrase's text (and the embedder that made the vector), not by the competence row:
profile edits rewrite competence rows, and many clusters share a phrase, so a text is embedded
once however often it appears or is rewritten.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters.validators import MAX_PHRASE_LENGTH


class PhraseVector(models.Model):
    embedder = models.CharField(_("embedder"), max_length=60)
    phrase = models.CharField(_("phrase"), max_length=MAX_PHRASE_LENGTH)
    vector = models.BinaryField(_("vector"))  # float16 little-endian, see search.semantic
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phrase vector")
        verbose_name_plural = _("phrase vectors")
        constraints = [
            models.UniqueConstraint(fields=["embedder", "phrase"], name="phrase_vector_unique"),
        ]

    def __str__(self) -> str:
        return self.phrase

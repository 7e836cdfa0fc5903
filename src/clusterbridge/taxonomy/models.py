"""Controlled vocabularies with English and German labels and synonyms in both languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualTerm(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=120)
    label_de = models.CharField(_("label (German)"), max_length=120)

    class Meta:
        abstract = True
        ordering = ["label_en"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language."""
        return self.label_de if (get_language() or "en").startswith("de") else self.label_en


class SynonymTerm(BilingualTerm):
    synonyms_en = models.JSONField(_("synonyms (English)"), default=list, blank=True)
    synonyms_de = models.JSONField(_("synonyms (German)"), default=list, blank=True)

    class Meta(BilingualTerm.Meta):
        abstract = True

    def all_terms(self) -> list[str]:
        """Every word for this term in both languages: labels first, then synonyms."""
        return [self.label_en, self.label_de, *self.synonyms_en, *self.synonyms_de]


class Branch(SynonymTerm):
    class Meta(SynonymTerm.Meta):
        verbose_name = _("branch")
        verbose_name_plural = _("branches")


class TechnologyField(SynonymTerm):
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="technology_fields",
    )

    class Meta(SynonymTerm.Meta):
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")


class ValueChainRole(BilingualTerm):
    description_en = models.TextField(blank=True)
    description_de = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(BilingualTerm.Meta):
        ordering = ["position"]
        verbose_name = _("value-chain role")
        verbose_name_plural = _("value-chain roles")


class MemberType(BilingualTerm):
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(BilingualTerm.Meta):
        ordering = ["position"]
        verbose_name = _("member type")
        verbose_name_plural = _("member types")

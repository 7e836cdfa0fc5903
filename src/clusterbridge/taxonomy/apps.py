from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from clusterbridge.taxonomy.services import taxonomy_sync

    if using == "default":
        taxonomy_sync()


class TaxonomyConfig(AppConfig):
    name = "clusterbridge.taxonomy"
    label = "taxonomy"
    verbose_name = _("Taxonomy")

    def ready(self) -> None:
        # The vocabularies are reference data every database needs, so they follow each migrate
        # (and each test flush, which sends the same signal).
        post_migrate.connect(_sync_after_migrate, sender=self)
        from clusterbridge.search.registry import register_concepts
        from clusterbridge.taxonomy.search import taxonomy_concepts

        register_concepts(taxonomy_concepts)

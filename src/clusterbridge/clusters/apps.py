from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusterbridge.clusters"
    label = "clusters"
    verbose_name = _("Clusters")

    def ready(self) -> None:
        from clusterbridge.clusters.search import SPEC
        from clusterbridge.search.registry import register

        register(SPEC)

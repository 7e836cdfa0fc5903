from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "clusterbridge.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from clusterbridge.web import checks  # noqa: F401  (registers the deploy checks)

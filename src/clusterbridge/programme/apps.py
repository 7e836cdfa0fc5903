from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "clusterbridge.programme"
    label = "programme"
    verbose_name = _("Funding programme")

    def ready(self) -> None:
        # Registers the named permissions (`programme.*`) before any view or service asks.
        from clusterbridge.programme import rules  # noqa: F401

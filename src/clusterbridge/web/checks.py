"""System checks of the web app, run by `clusterbridge check --deploy`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register

from clusterbridge.web.legal import missing_operator_settings


@register("legal", deploy=True)
def operator_details_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """A public site needs an imprint and a privacy notice naming its operator."""
    missing = missing_operator_settings()
    if not missing:
        return []
    return [
        Error(
            "The imprint and privacy pages lack the operator's details: "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty.",
            hint="Set them in the environment; the README's configuration table describes each.",
            id="clusterbridge.E001",
        )
    ]

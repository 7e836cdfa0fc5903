"""`clusterbridge match_refresh`: embed new competence phrases and precompute every profile's
partner panel (run after large imports)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterbridge.matching.services import matching_refresh


class Command(BaseCommand):
    help = "Embeds competence phrases without a vector and precomputes the profile panels."

    def handle(self, *args: Any, **options: Any) -> None:
        report = matching_refresh(progress=options["verbosity"] > 0)
        self.stdout.write(
            f"{report.embedded} phrases embedded, panels of {report.clusters} clusters "
            f"computed in {report.seconds} s."
        )

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clusterbridge.search.models import SearchDocument
from clusterbridge.search.services import embeddings_fill, index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every registered domain, with semantic embeddings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-embeddings", action="store_true", help="Build the lexical index only."
        )
        parser.add_argument(
            "--missing-embeddings",
            action="store_true",
            help="Only embed documents that have no vector yet.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="When the index holds documents, only add the vectors it lacks.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = not options["no_progress"]
        started = time.perf_counter()
        if options["missing_embeddings"]:
            embedded = embeddings_fill(progress=progress)
            self.stdout.write(f"{embedded} documents embedded.")
            return
        if options["if_empty"] and SearchDocument.objects.exists():
            embedded = 0 if options["no_embeddings"] else embeddings_fill(progress=progress)
            self.stdout.write(f"The index holds documents; {embedded} missing vectors added.")
            return
        report = index_rebuild(embed=not options["no_embeddings"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.indexed} documents indexed, {report.embedded} embedded "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

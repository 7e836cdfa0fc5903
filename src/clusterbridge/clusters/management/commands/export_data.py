from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clusterbridge.clusters.jsonld import write_jsonld
from clusterbridge.clusters.records import ClusterRecord, write_csv, write_json
from clusterbridge.clusters.selectors import cluster_records

Writer = Callable[[Iterable[ClusterRecord], IO[str]], int]
WRITERS: dict[str, Writer] = {"csv": write_csv, "json": write_json, "jsonld": write_jsonld}


class Command(BaseCommand):
    help = "Export clusters as CSV, JSON or JSON-LD (schema.org). `clusterbridge export clusters`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=["clusters"], help="What to export.")
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv")
        parser.add_argument(
            "-o", "--output", type=Path, default=None, help="File to write (default: stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        writer = WRITERS[options["format"]]
        output: Path | None = options["output"]
        if output is None:
            count = writer(cluster_records(), sys.stdout)
        else:
            try:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = writer(cluster_records(), out)
            except OSError as exc:
                raise CommandError(f"{output}: {exc.strerror}") from None
        self.stderr.write(f"{count} clusters exported.")

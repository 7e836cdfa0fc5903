from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clusterbridge.clusters.services import ImportRejectedError, cluster_import

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import clusters from a CSV or JSON file (format detected). All or nothing unless "
        "--skip-invalid. Used as `clusterbridge import clusters FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=["clusters"], help="What the file holds.")
        parser.add_argument("file", type=Path, help="CSV or JSON file (see docs/import-format.md)")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the invalid ones instead of importing none.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            report = cluster_import(
                data=data,
                filename=path.name,
                actor=None,
                skip_invalid=options["skip_invalid"],
                progress=not options["no_progress"],
            )
        except ImportRejectedError as exc:
            for error in exc.report.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(f"{path.name}: {error}")
            hidden = len(exc.report.errors) - MAX_ERRORS_SHOWN
            if hidden > 0:
                self.stderr.write(f"… and {hidden} more error(s)")
            raise CommandError(f"{exc} (the database is unchanged)") from None
        for error in report.skipped[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"{path.name}: skipped {error}")
        skipped_rows = len({error.row for error in report.skipped})
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} rows read: {report.created} clusters created, "
                f"{report.updated} updated, {skipped_rows} rows skipped."
            )
        )

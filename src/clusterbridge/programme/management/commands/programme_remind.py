from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clusterbridge.programme.services import reports_remind


class Command(BaseCommand):
    help = (
        "Remind grant holders of reports due within N days and flag late reports "
        "(each once; run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=14, help="Remind this many days before the due date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        result = reports_remind(days=options["days"])
        self.stdout.write(
            f"{result.reminded} reminder(s) sent, {result.flagged_late} late report(s) flagged."
        )

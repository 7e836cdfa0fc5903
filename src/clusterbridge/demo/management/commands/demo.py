from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from clusterbridge.demo.accounts import DEMO_PASSWORD, demo_accounts_load
from clusterbridge.demo.services import demo_load
from clusterbridge.matching.services import matching_refresh
from clusterbridge.search.services import embeddings_fill


class Command(BaseCommand):
    help = "Load the real demo data: German and international clusters (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds clusters.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(only_if_empty=options["if_empty"], progress=not options["no_progress"])
        if result.skipped:
            self.stdout.write("The database already holds clusters; demo data not loaded.")
            self._logins()
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {result.created} clusters created, {result.updated} updated."
            )
        )
        # The lexical index followed the write; the semantic vectors take a little longer.
        embedded = embeddings_fill(progress=not options["no_progress"])
        self.stdout.write(f"{embedded} search documents embedded.")
        # Matchmaking compares competence phrases by their vectors, stored once per phrase.
        report = matching_refresh(progress=not options["no_progress"])
        self.stdout.write(f"{report.embedded} competence phrases embedded for matchmaking.")
        self._logins()

    def _logins(self) -> None:
        """The demo's logins, one per role, made (once) and printed for the newcomer."""
        accounts = demo_accounts_load()
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        with translation.override("en"):
            for account in accounts:
                self.stdout.write(f"  {account.email:<30} {account.role}")

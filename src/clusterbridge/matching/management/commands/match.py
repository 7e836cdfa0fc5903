"""`clusterbridge match SLUG --top 20`: a cluster's best partners abroad as a table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation

from clusterbridge.matching import explain, selectors
from clusterbridge.matching.forms import partner_search_parse

SHORT = {
    "shared_domain": "domain",
    "offers_sought": "offers",
    "sought_offered": "seeks",
    "value_chain": "chain",
    "feasibility": "feas",
    "sameness": "same",
}


class Command(BaseCommand):
    help = "Prints a cluster's best complementary partners abroad with their score parts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--top", type=int, default=20)
        parser.add_argument("--country", action="append", default=[])
        parser.add_argument("--field", action="append", default=[])
        parser.add_argument("--kind", action="append", default=[])
        parser.add_argument("--exclude-partners", action="store_true")
        parser.add_argument("--explain", action="store_true", help="Print the sentences too.")
        parser.add_argument("--language", default="en", choices=["en", "de"])

    def handle(self, *args: Any, **options: Any) -> None:
        search = partner_search_parse(
            countries=options["country"],
            fields=options["field"],
            kinds=options["kind"],
            exclude_partners=options["exclude_partners"],
            limit=options["top"],
        )
        if search.errors:
            raise CommandError("; ".join(search.errors.values()))
        try:
            cluster = selectors.cluster_by_slug(slug=options["slug"])
        except Http404 as exc:
            raise CommandError(str(exc)) from None
        with translation.override(options["language"]):
            result = selectors.partners_for(
                cluster=cluster,
                filters=search.filters,
                exclude_partners=search.exclude_partners,
                limit=search.limit,
            )
            if not result.can_match:
                for text in explain.missing_help(result.missing):
                    self.stdout.write(text)
                return
            parts = list(SHORT)
            self.stdout.write(
                f"{'#':>3} {'slug':32} {'cc':2} {'score':>6} "
                + " ".join(f"{SHORT[p]:>6}" for p in parts)
            )
            for rank, m in enumerate(result.matches, start=1):
                self.stdout.write(
                    f"{rank:>3} {m.candidate.slug[:32]:32} {m.candidate.country:2} {m.score:6.3f} "
                    + " ".join(f"{m.parts[p]:6.3f}" for p in parts)
                )
                if options["explain"]:
                    for sentence in explain.sentences(m, result.labels):
                        self.stdout.write(f"      {sentence}")

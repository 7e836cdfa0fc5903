from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from clusterbridge.config.options import BASE_DIR
from clusterbridge.search import facet_index
from clusterbridge.search.evaluation import (
    Answer,
    EvaluationReport,
    evaluate,
    load_relevance_set,
)
from clusterbridge.search.selectors import SearchRequest, search

DEFAULT_SET = BASE_DIR / "tests" / "search" / "relevance.json"


def run_relevance_set(path: Path, mode: str) -> EvaluationReport:
    """Runs every query of the set through the search and scores the first page."""

    def run(query: Any) -> Answer:
        results = search(
            SearchRequest(
                q=query.query,
                filters={name: tuple(values) for name, values in query.filters.items()},
                page_size=10,
                mode=mode,  # type: ignore[arg-type]
            )
        )
        return Answer(
            [hit.url_path.strip("/").split("/")[-1] for hit in results.hits], results.total
        )

    return evaluate(run, load_relevance_set(path))


class Command(BaseCommand):
    help = (
        "Score the search on the relevance set: recall@10, MRR, nDCG@10, precision@10 and "
        "the number of results, per mode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="Relevance set (JSON).")
        parser.add_argument(
            "--mode", choices=["lexical", "blend", "both"], default="both", help="Which ranking."
        )
        parser.add_argument("--json", type=Path, default=None, help="Also write the report here.")
        parser.add_argument("--misses", action="store_true", help="List queries with misses.")
        parser.add_argument(
            "--engine",
            choices=["auto", "database", "memory"],
            default="auto",
            help="Answer from the backend's full-text index, or in memory from its postings "
            "as large indexes are (auto: by the index's size).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["set"].exists():
            raise CommandError(f"{options['set']}: no such relevance set")
        modes = ["lexical", "blend"] if options["mode"] == "both" else [options["mode"]]
        engine = options["engine"]
        size_from = facet_index.IN_MEMORY_FROM
        if engine != "auto":
            facet_index.IN_MEMORY_FROM = 0 if engine == "memory" else 10**12
        facet_index.forget()
        try:
            self._evaluate(options, modes, engine)
        finally:
            facet_index.IN_MEMORY_FROM = size_from
            facet_index.forget()

    def _evaluate(self, options: dict[str, Any], modes: list[str], engine: str) -> None:
        output: dict[str, Any] = {"backend": connection.vendor, "engine": engine}
        for mode in modes:
            report = run_relevance_set(options["set"], mode)
            output[mode] = report.to_dict()
            overall = report.overall
            self.stdout.write(
                f"{connection.vendor:10} {engine:8} {mode:8} recall@10 {overall.recall:.3f}  "
                f"MRR {overall.mrr:.3f}  nDCG@10 {overall.ndcg:.3f}  "
                f"P@10 {overall.precision:.3f} (of shown {overall.shown_precision:.3f})  "
                f"{overall.total or 0:.1f} results/query  "
                f"{overall.seconds * 1000:.1f} ms/query  ({overall.queries} queries)"
            )
            for category, summary in sorted(report.by_category.items()):
                self.stdout.write(
                    f"    {category:14} recall {summary.recall:.3f}  MRR {summary.mrr:.3f}  "
                    f"nDCG {summary.ndcg:.3f}  P {summary.precision:.3f} "
                    f"({summary.shown_precision:.3f})  results {summary.total or 0:.1f}"
                )
            if options["misses"]:
                for row in report.rows:
                    if row.missing:
                        self.stdout.write(
                            f"    miss {row.query.id} {row.query.query!r}: {row.missing} "
                            f"got {list(row.ranked[:5])} of {row.total} results"
                        )
        if options["json"]:
            options["json"].write_text(json.dumps(output, indent=2, ensure_ascii=False))

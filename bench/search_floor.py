"""How the relevance floor of partial matches was chosen (see clusterbridge.search.floor).

    VAR_DIR=... [DATABASE_URL=...] python -m bench.search_floor [--quick]
        [--shares 0.01,0.02,0.05,0.1,0.2,0.3] [--cosines 0.2,0.25,0.3,0.35,0.42]

Against a database holding the demo data and its search index (`clusterbridge migrate`,
`demo`, `reindex`), runs the relevance set (tests/search/relevance.json) on both engines
(the backend's full-text index and the in-memory postings) for every pair of floor values,
and also with no floor at all (an infinite share keeps every partial match). Reports
recall@10, precision@10 (of the ten places and of the results shown) and the mean number of
results per query, overall and for the descriptive (semantic) queries, plus the totals of a
few descriptive queries outside the set. Writes bench/results/search-floor-<vendor>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SHARES = "0.01,0.02,0.05,0.1,0.2,0.3"
COSINES = "0.2,0.25,0.3,0.35,0.42"
DESCRIPTIVE = (
    "clusters that help small companies develop batteries for electric cars",
    "network of companies working on hydrogen for heavy trucks",
    "research institutes and firms developing medical imaging devices",
    "Unternehmen, die Software für die Industrie entwickeln",
    "Fabriken, in denen Roboter sicher mit Menschen zusammenarbeiten",
)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterbridge.config.settings")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import django

    django.setup()


def _run(engine: str, mode: str, share: float, cosine: float) -> dict[str, Any]:
    from clusterbridge.search import facet_index, floor
    from clusterbridge.search.management.commands.evaluate_search import (
        DEFAULT_SET,
        run_relevance_set,
    )
    from clusterbridge.search.selectors import SearchRequest, search

    setattr(floor, "SPECIFIC_SHARE", share)  # noqa: B010 - the module's own constants
    setattr(floor, "PARTIAL_COSINE", cosine)  # noqa: B010
    facet_index.IN_MEMORY_FROM = 0 if engine == "memory" else 10**12
    facet_index.forget()
    report = run_relevance_set(DEFAULT_SET, mode)
    semantic = report.by_category["semantic"]
    totals = {
        q: search(SearchRequest(q=q, mode=mode, page_size=10)).total  # type: ignore[arg-type]
        for q in DESCRIPTIVE
    }
    return {
        "engine": engine,
        "mode": mode,
        "share": share,
        "cosine": cosine,
        "recall@10": round(report.overall.recall, 4),
        "precision@10": round(report.overall.precision, 4),
        "shown_precision@10": round(report.overall.shown_precision, 4),
        "mean_results": round(report.overall.total or 0, 1),
        "semantic_recall@10": round(semantic.recall, 4),
        "semantic_mean_results": round(semantic.total or 0, 1),
        "descriptive_totals": totals,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the chosen values and none.")
    parser.add_argument("--shares", default=SHARES, help="Shares to try, comma-separated.")
    parser.add_argument("--cosines", default=COSINES, help="Cosines to try, comma-separated.")
    args = parser.parse_args(argv)
    shares = [float(x) for x in args.shares.split(",")]
    cosines = [float(x) for x in args.cosines.split(",")]
    _setup()
    from django.db import connection

    from clusterbridge.search import floor

    chosen = (floor.SPECIFIC_SHARE, floor.PARTIAL_COSINE)
    pairs = [(math.inf, -1.0), chosen]
    if not args.quick:
        pairs += [p for p in itertools.product(shares, cosines) if p != chosen]
    rows = []
    started = time.perf_counter()
    try:
        for engine in ("database", "memory"):
            done_lexical: set[float] = set()
            for share, cosine in pairs:
                new = [_run(engine, "blend", share, cosine)]
                if share not in done_lexical:  # the lexical mode has no cosine to vary
                    done_lexical.add(share)
                    new.append(_run(engine, "lexical", share, cosine))
                for row in new:
                    print(
                        f"{engine:8} share {share:<5} cosine {cosine:<5} "
                        f"{row['mode']:7} R@10 {row['recall@10']:.3f} "
                        f"P@10 {row['precision@10']:.3f} ({row['shown_precision@10']:.3f}) "
                        f"results {row['mean_results']:.1f} "
                        f"semantic R@10 {row['semantic_recall@10']:.3f} "
                        f"results {row['semantic_mean_results']:.1f}",
                        file=sys.stderr,
                    )
                rows += new
    finally:
        setattr(floor, "SPECIFIC_SHARE", chosen[0])  # noqa: B010
        setattr(floor, "PARTIAL_COSINE", chosen[1])  # noqa: B010
    out = {
        "command": "python -m bench.search_floor" + (" --quick" if args.quick else ""),
        "backend": connection.vendor,
        "chosen": {"share": chosen[0], "cosine": chosen[1]},
        "seconds": round(time.perf_counter() - started, 1),
        "runs": rows,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"search-floor-{connection.vendor}.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()

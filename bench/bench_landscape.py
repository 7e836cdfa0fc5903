"""The cluster landscape at scale: import, list and profile pages, export.

    python -m bench.bench_landscape --clusters 50000 [--database-url postgres://...] [--profile]

Sets up a fresh database (a temporary SQLite file, or a new PostgreSQL database named
clusterbridge_bench on the server of --database-url), migrates it, generates N realistic
clusters as a CSV file, and measures:

- import throughput through `cluster_import`, the service behind `clusterbridge import`;
- p50/p95 of the cluster list (plain, filtered by country and field, page 100) and of profile
  pages of random clusters, rendered through django.test.Client after a warm-up;
- export throughput of CSV and JSON.

Prints a table and writes bench/results/landscape-<backend>-<N>.json. Targets (issue): import
≥ 2,000 rows/s; list and profile p95 ≤ 50 ms with 50,000 clusters. Pages that fail are
reported with their status codes instead of stopping the run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.generate import generate

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_DATABASE = "clusterbridge_bench"
IMPORT_TARGET = 2000  # rows per second
PAGE_P95_TARGET = 50.0  # milliseconds


@dataclass
class PageFigures:
    name: str
    url: str
    requests: int
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    queries: int | None = None
    bytes: int = 0
    status: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and set(self.status) == {"200"}


# --- the database -----------------------------------------------------------------------------


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _fresh_postgres(url: str) -> str:
    """Drops and creates the bench database on the server of `url`; returns its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        name = sql.Identifier(BENCH_DATABASE)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def _drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(BENCH_DATABASE)
            )
        )


def _configure_environment(database_url: str, work_dir: Path) -> None:
    """Production-like settings: DEBUG off, collected static files, local cache, quiet log."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterbridge.config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["VAR_DIR"] = str(work_dir / "var")
    os.environ["STATIC_ROOT"] = str(work_dir / "static")
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("SECURE", None)


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# --- measuring --------------------------------------------------------------------------------


@contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    started = time.perf_counter()
    finished: list[float] = []
    yield lambda: (finished[0] if finished else time.perf_counter()) - started
    finished.append(time.perf_counter())


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def _measure_pages(
    client: Any, name: str, label: str, *, warmup: Sequence[str], timed: Sequence[str]
) -> PageFigures:
    """Requests the `warmup` URLs untimed, counts the queries of one request, then times each
    of the `timed` URLs once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = PageFigures(name=name, url=label, requests=len(timed))
    status: Counter[str] = Counter()
    timings: list[float] = []
    try:
        for url in warmup:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(timed[0])
        figures.queries = len(queries.captured_queries)
        figures.bytes = len(response.content)
        for url in timed:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            status[str(response.status_code)] += 1
    except Exception as exc:  # a broken page is a figure, not the end of the run
        figures.error = f"{type(exc).__name__}: {exc}"[:300]
    figures.status = dict(sorted(status.items()))
    if timings:
        figures.p50_ms = round(statistics.median(timings), 2)
        figures.p95_ms = round(_percentile(timings, 0.95), 2)
        figures.mean_ms = round(statistics.fmean(timings), 2)
        figures.max_ms = round(max(timings), 2)
    return figures


def _profile_to(path: Path, profile: cProfile.Profile) -> str:
    profile.dump_stats(path)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# --- the run ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    work_dir = Path(tempfile.mkdtemp(prefix="clusterbridge-bench-"))
    if args.database_url:
        database_url = _fresh_postgres(args.database_url)
        backend = "postgresql"
    else:
        database_url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
        backend = "sqlite"
    _configure_environment(database_url, work_dir)
    try:
        return _run(args, backend=backend, work_dir=work_dir)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
            if backend == "postgresql":
                _drop_postgres(database_url)
        else:
            print(f"kept: {work_dir} ({_masked(database_url)})", file=sys.stderr)


def _run(args: argparse.Namespace, *, backend: str, work_dir: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from clusterbridge.clusters.models import Cluster
    from clusterbridge.clusters.records import write_csv, write_json
    from clusterbridge.clusters.selectors import cluster_records
    from clusterbridge.clusters.services import cluster_import

    count = args.clusters
    result: dict[str, Any] = {
        "benchmark": "landscape",
        "command": "python -m bench.bench_landscape "
        + " ".join(_masked(arg) for arg in (args.argv or [])),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "clusters": count,
        "seed": args.seed,
        "targets": {"import_rows_per_second": IMPORT_TARGET, "page_p95_ms": PAGE_P95_TARGET},
    }

    with _timer() as elapsed:
        call_command("migrate", interactive=False, verbosity=0)
    result["migrate_seconds"] = round(elapsed(), 2)
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as exc:  # pages then fail and say so in their figures
        result["collectstatic_error"] = f"{type(exc).__name__}: {exc}"[:300]
    result["machine"] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "django": django.get_version(),
        "database": _database_version(),
        # Other work on the machine skews the figures; the load average tells how much.
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }
    print(
        f"{count:,} clusters on {result['machine']['database']} "
        f"({result['machine']['nproc']} CPUs, Python {result['machine']['python']})",
        file=sys.stderr,
    )

    # Generate
    csv_path = work_dir / "clusters.csv"
    with _timer() as elapsed:
        records = generate(count, seed=args.seed)
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            write_csv(records, out)
    result["generate"] = {
        "seconds": round(elapsed(), 2),
        "file_bytes": csv_path.stat().st_size,
    }
    print(f"generated in {elapsed():.1f} s; importing …", file=sys.stderr)

    # Import
    # An outer transaction holds back what the import does once committed (the search index),
    # so that its share can be told apart; the total is what `clusterbridge import` takes.
    data = csv_path.read_bytes()
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    with _timer() as total, transaction.atomic():
        report = cluster_import(data=data, filename=csv_path.name, actor=None)
        write_seconds = total()
    seconds = total()
    if profile:
        profile.disable()
    result["import"] = {
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
        "parse_and_write_seconds": round(write_seconds, 2),
        "parse_and_write_rows_per_second": round(count / write_seconds),
        "after_commit_seconds": round(seconds - write_seconds, 2),
        "created": report.created,
        "updated": report.updated,
        "errors": len(report.errors) + len(report.skipped),
        "profiled": bool(profile),
    }
    if profile:
        RESULTS_DIR.mkdir(exist_ok=True)
        prof_path = RESULTS_DIR / f"landscape-{backend}-{count}-import.prof.tmp"
        print(_profile_to(prof_path, profile), file=sys.stderr)
    print(
        f"imported at {count / seconds:,.0f} rows/s ({count / write_seconds:,.0f} rows/s "
        f"before the {seconds - write_seconds:.1f} s of commit and on-commit work); "
        "rendering pages …",
        file=sys.stderr,
    )

    # PostgreSQL's autovacuum analyses freshly loaded tables within a minute or so; analysing
    # now makes the page figures independent of whether it has run yet. (SQLite has no such
    # background job, and a deployment would not have run ANALYZE either, so it is left alone.)
    if connection.vendor == "postgresql":
        with _timer() as elapsed, connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result["import"]["analyze_seconds"] = round(elapsed(), 2)

    # Pages
    rng = random.Random(args.seed)
    requests, warmup = args.requests, args.warmup
    german_fields = Counter(
        slug for record in records if record.country == "DE" for slug in record.technology_fields
    )
    field_slug = german_fields.most_common(1)[0][0] if german_fields else "photonics"
    del records
    slugs = list(Cluster.objects.order_by("pk").values_list("slug", flat=True))
    client = Client(raise_request_exception=False)
    pages = [
        ("home", "/en/", ["/en/"] * (warmup + requests)),
        ("list", "/en/clusters/", ["/en/clusters/"] * (warmup + requests)),
        (
            "list filtered",
            f"/en/clusters/?country=DE&field={field_slug}",
            [f"/en/clusters/?country=DE&field={field_slug}"] * (warmup + requests),
        ),
        (
            "list page 100",
            "/en/clusters/?page=100",
            ["/en/clusters/?page=100"] * (warmup + requests),
        ),
        (
            "profile",
            "/en/clusters/<random slug>/",
            [f"/en/clusters/{slug}/" for slug in rng.choices(slugs, k=warmup + requests)],
        ),
    ]
    figures = [
        _measure_pages(client, name, label, warmup=urls[:warmup], timed=urls[warmup:])
        for name, label, urls in pages
    ]
    result["pages"] = {page.name: asdict(page) for page in figures}

    # Export
    result["export"] = {}
    for fmt, writer in (("csv", write_csv), ("json", write_json)):
        path = work_dir / f"export.{fmt}"
        with _timer() as elapsed, path.open("w", encoding="utf-8", newline="") as out:
            exported = writer(cluster_records(), out)
        result["export"][fmt] = {
            "seconds": round(elapsed(), 2),
            "rows_per_second": round(exported / elapsed()),
            "clusters": exported,
            "file_bytes": path.stat().st_size,
        }

    result["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    result["passed"] = {
        "import": result["import"]["rows_per_second"] >= IMPORT_TARGET,
        **{page.name: page.ok and page.p95_ms <= PAGE_P95_TARGET for page in figures},
    }
    return result


def _table(result: dict[str, Any]) -> str:
    load = (
        result["machine"]["load_average_at_start"][0],
        result["machine"]["load_average_at_end"][0],
    )
    lines = [
        f"clusterbridge landscape: {result['clusters']:,} clusters on "
        f"{result['machine']['database']}, {result['machine']['nproc']} CPUs, "
        f"Python {result['machine']['python']}, load {load[0]:.1f} → {load[1]:.1f}",
        f"{'step':<34}{'p50 / rate':>14}{'p95':>11}{'queries':>9}{'target':>10}  ok",
    ]
    imported = result["import"]
    lines.append(
        f"{'import (cluster_import)':<34}{imported['rows_per_second']:>9,} r/s{'':>11}{'':>9}"
        f"{'≥' + format(IMPORT_TARGET, ','):>10}  {'yes' if result['passed']['import'] else 'NO'}"
    )
    lines.append(
        f"{'  parse and write, before commit':<34}"
        f"{imported['parse_and_write_rows_per_second']:>9,} r/s"
        f"{imported['parse_and_write_seconds']:>9.1f} s"
    )
    lines.append(
        f"{'  commit, search index (on_commit)':<34}{'':>14}"
        f"{imported['after_commit_seconds']:>9.1f} s"
    )
    for name, page in result["pages"].items():
        ok = result["passed"][name]
        note = "" if ok else f"  status {page['status']} {page['error']}".rstrip()
        lines.append(
            f"{name + ' ' + page['url']:<34.34}{page['p50_ms']:>11.1f} ms{page['p95_ms']:>8.1f} ms"
            f"{page['queries'] if page['queries'] is not None else '-':>9}"
            f"{'≤' + format(PAGE_P95_TARGET, '.0f') + ' ms':>10}  {'yes' if ok else 'NO'}{note}"
        )
    for fmt, figures in result["export"].items():
        lines.append(f"{'export ' + fmt:<34}{figures['rows_per_second']:>9,} r/s")
    lines.append(
        f"(generated the {result['generate']['file_bytes'] / 1e6:.0f} MB CSV in "
        f"{result['generate']['seconds']:.1f} s; import took {imported['seconds']:.1f} s)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=50_000)
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL server URL; the bench database clusterbridge_bench is created on it. "
        "Default: a temporary SQLite file.",
    )
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=20, help="Untimed requests per page first.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the import.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database and files for a look afterwards."
    )
    parser.add_argument("--no-save", action="store_true", help="Print only; write no result file.")
    args = parser.parse_args(argv)
    args.argv = argv
    result = run(args)
    print(_table(result))
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        backend = "postgresql" if args.database_url else "sqlite"
        path = RESULTS_DIR / f"landscape-{backend}-{args.clusters}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(
            f"written: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

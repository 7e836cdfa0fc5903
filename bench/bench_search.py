"""Search at scale: import, full reindex (lexical and embeddings), query and suggestion latency
in process and through the production HTTP server.

    python -m bench.bench_search --docs 100000 [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Sets up a fresh database (a temporary SQLite file, or a new PostgreSQL database named
clusterbridge_bench_search on the server of --database-url), migrates it, generates N realistic
bilingual clusters (bench.generate) and measures:

1. the import through `cluster_import` (rows/s; with --import-index the time includes the
   lexical indexing that runs after the commit, reported separately; by default that is skipped,
   as the reindex builds the same index);
2. a full reindex with embeddings, `index_rebuild(embed=True)` as `clusterbridge reindex` runs
   it (the embedding in worker processes while the lexical index is written), against the
   issue's target of at most 5 minutes; a short pilot first measures one process's embedding
   rate, for reference;
3. in-process latency of `selectors.search` (a typical query with three facet groups, in blend and
   lexical mode; an empty query with facets only; a query without facets, for comparison; the
   typical query again with the process's cached postings dropped before each query) and of
   `selectors.suggest`, p50/p95 after a warm-up on other queries, with a breakdown of where the
   time of a typical query goes, and cProfile output when a target is missed;
4. the same through HTTP: gunicorn (2 sync workers, DEBUG off) on a free port of 127.0.0.1,
   GET /api/v1/search and /api/v1/search/suggest, sequentially and from 4 threads.

Queries are drawn from the generated vocabulary: English and German technology-field names and
synonyms, places, fields with places, descriptive phrases, a misspelt word and a word being
typed (a prefix). Filters are taken from a generated cluster (its country and one other, one of
its fields, its kind), so that most combinations find something.

Prints a table and writes bench/results/search-<backend>-<N>.json. Targets (issue): full reindex
with embeddings ≤ 300 s on 2 cores; typical query p95 ≤ 30 ms; suggestion p95 ≤ 10 ms; API search
p95 ≤ 60 ms (sequential requests).
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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import ProxyHandler, build_opener

from bench.bench_landscape import (
    _configure_environment,
    _database_version,
    _masked,
    _percentile,
    _timer,
)
from bench.generate import ClusterGenerator, taxonomy_fields

# One BLAS thread, as the app's entry points set it (wsgi.py, asgi.py, cli.py): the embedder's
# small matrix products run about four times faster. It must be set before numpy loads, which
# nothing imported so far does.
NUMPY_LOADED_BEFORE_BLAS_SETTING = "numpy" in sys.modules
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_DATABASE = "clusterbridge_bench_search"
REINDEX_TARGET_SECONDS = 300.0
SEARCH_P95_TARGET_MS = 30.0
SUGGEST_P95_TARGET_MS = 10.0
HTTP_SEARCH_P95_TARGET_MS = 60.0
HTTP_THREADS = 4
GUNICORN_WORKERS = 2


# --- the database -----------------------------------------------------------------------------


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _fresh_postgres(url: str) -> str:
    """Drops and creates the bench database on the server of `url`; returns its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        name = sql.Identifier(BENCH_DATABASE)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def _drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(BENCH_DATABASE)
            )
        )


def _source_state() -> dict[str, Any]:
    """The commit and the uncommitted changes under src/ the figures were measured with (others
    edit the tree while benchmarks run)."""
    root = Path(__file__).resolve().parents[1]
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        head = subprocess.run(  # noqa: S603 (fixed arguments)
            [git, "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(  # noqa: S603 (fixed arguments)
            [git, "status", "--porcelain", "--", "src"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {"head": head, "uncommitted_in_src": [line.strip() for line in changed]}


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# --- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    q: str
    filters: dict[str, tuple[str, ...]]
    category: str


CATEGORIES = (
    "field (en)",
    "field (de)",
    "synonym",
    "place",
    "field + place",
    "phrase",
    "misspelling",
    "prefix",
)
PHRASES_EN = (
    "partners for {field} pilot projects",
    "applied research in {field} for small companies",
    "testing and certification of {field}",
    "start-up incubation in {field}",
)
PHRASES_DE = (
    "Partner für Pilotprojekte in {field}",
    "angewandte Forschung {field} Mittelstand",
    "Weiterbildung und Fachkräfte {field}",
)


@dataclass
class Vocabulary:
    """What the queries are made of, taken from the generated clusters (then dropped)."""

    samples: list[tuple[str, str, str, tuple[str, ...], str]]  # country, city, kind, fields, name
    countries: list[str]


def vocabulary(records: Sequence[Any], seed: int, size: int = 5000) -> Vocabulary:
    rng = random.Random(seed)
    chosen = rng.sample(list(records), min(size, len(records)))
    counts = Counter(record.country for record in records)
    return Vocabulary(
        samples=[
            (r.country, r.city, r.kind, tuple(r.technology_fields), r.name)
            for r in chosen
            if r.technology_fields
        ],
        countries=[country for country, _ in counts.most_common(6)],
    )


def _longest_word(text: str) -> str:
    return max(text.replace("-", " ").split(), key=len)


def _misspell(word: str, rng: random.Random) -> str:
    """One edit inside the word (never the first letter): swapped, dropped or doubled."""
    position = rng.randint(1, len(word) - 2)
    how = rng.choice(("swap", "drop", "double"))
    if how == "swap":
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if how == "drop":
        return word[:position] + word[position + 1 :]
    return word[:position] + word[position] + word[position:]


def _query(category: str, sample: tuple[Any, ...], rng: random.Random) -> tuple[str, str]:
    """(query text, the field slug it is about)."""
    _country, city, _kind, fields, _name = sample
    by_slug = {f.slug: f for f in taxonomy_fields()}
    chosen = by_slug[rng.choice(fields)]
    if category == "field (en)":
        return chosen.label_en, chosen.slug
    if category == "field (de)":
        return chosen.label_de, chosen.slug
    if category == "synonym":
        return (rng.choice(chosen.synonyms) if chosen.synonyms else chosen.label_en), chosen.slug
    if category == "place":
        return city.split("/")[0].split("(")[0].strip() or chosen.label_en, chosen.slug
    if category == "field + place":
        place = city.split("/")[0].split("(")[0].strip()
        label = chosen.label_de if rng.random() < 0.4 else chosen.label_en.lower()
        return f"{label} {place}".strip(), chosen.slug
    if category == "phrase":
        if rng.random() < 0.4:
            return rng.choice(PHRASES_DE).format(field=chosen.label_de), chosen.slug
        return rng.choice(PHRASES_EN).format(field=chosen.label_en.lower()), chosen.slug
    word = _longest_word(chosen.label_de if rng.random() < 0.4 else chosen.label_en)
    if category == "misspelling":
        return (_misspell(word, rng) if len(word) >= 6 else word), chosen.slug
    # prefix: a word being typed
    return word[: rng.randint(3, max(3, min(7, len(word) - 1)))], chosen.slug


def _filters(
    sample: tuple[Any, ...], field_slug: str, countries: Sequence[str], rng: random.Random
) -> dict[str, tuple[str, ...]]:
    country, _city, kind, _fields, _name = sample
    other = rng.choice([c for c in countries if c != country])
    return {"country": (country, other), "field": (field_slug,), "kind": (kind,)}


def search_cases(vocab: Vocabulary, count: int, seed: int) -> list[Case]:
    """`count` queries with three facet groups, the categories taking turns."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        category = CATEGORIES[index % len(CATEGORIES)]
        sample = rng.choice(vocab.samples)
        q, slug = _query(category, sample, rng)
        cases.append(Case(q, _filters(sample, slug, vocab.countries, rng), category))
    return cases


def suggest_prefixes(vocab: Vocabulary, count: int, seed: int) -> list[str]:
    """What people type into the search box: the start of a cluster's name, or of one of its
    words, 2 to 12 characters."""
    rng = random.Random(seed)
    prefixes = []
    while len(prefixes) < count:
        name = rng.choice(vocab.samples)[4]
        if rng.random() < 0.5:
            prefixes.append(name[: rng.randint(3, 12)].rstrip())
        else:
            word = rng.choice([w for w in name.split() if len(w) >= 2] or [name])
            prefixes.append(word[: rng.randint(2, min(8, len(word)))])
    return prefixes


# --- measuring --------------------------------------------------------------------------------


def _figures(timings_ms: Sequence[float]) -> dict[str, Any]:
    return {
        "requests": len(timings_ms),
        "p50_ms": round(statistics.median(timings_ms), 2),
        "p95_ms": round(_percentile(timings_ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(timings_ms), 2),
        "max_ms": round(max(timings_ms), 2),
    }


def _time_calls(
    calls: Sequence[Callable[[], Any]],
    warmup: Sequence[Callable[[], Any]],
    *,
    budget: float,
) -> tuple[list[float], list[Any], dict[str, Any]]:
    """Runs the `warmup` calls untimed (for at most a quarter of `budget` seconds, at least
    two), then times the `calls` in order until they are done or `budget` seconds have passed
    (a pathologically slow scenario then gives fewer samples, and says so)."""
    started = time.monotonic()
    warmed = 0
    for call in warmup:
        if warmed >= 2 and time.monotonic() - started > budget / 4:
            break
        call()
        warmed += 1
    deadline = time.monotonic() + budget
    timings, results = [], []
    for call in calls:
        if timings and time.monotonic() > deadline:
            break
        begun = time.perf_counter()
        results.append(call())
        timings.append((time.perf_counter() - begun) * 1000)
    info = {"warmup": warmed, "wanted": len(calls), "truncated": len(timings) < len(calls)}
    return timings, results, info


@contextmanager
def _phase_timers(
    targets: Sequence[tuple[object, str, Callable[..., str]]],
) -> Iterator[dict[str, list[float]]]:
    """Wraps functions (module attributes or methods) to add up the time spent in each; the
    label may depend on the arguments. Restores them afterwards."""
    spent: dict[str, list[float]] = {}
    originals = []

    def wrap(original: Callable[..., Any], label_of: Callable[..., str]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                entry = spent.setdefault(label_of(*args, **kwargs), [0.0, 0])
                entry[0] += time.perf_counter() - started
                entry[1] += 1

        return wrapper

    for owner, attribute, label_of in targets:
        original = getattr(owner, attribute)
        originals.append((owner, attribute, original))
        setattr(owner, attribute, wrap(original, label_of))
    try:
        yield spent
    finally:
        for owner, attribute, original in reversed(originals):
            setattr(owner, attribute, original)


def _profile_text(profile: cProfile.Profile, lines: int = 22) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# --- HTTP -------------------------------------------------------------------------------------

_OPENER = build_opener(ProxyHandler({}))  # never through a proxy: 127.0.0.1 only


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[float, str, bytes]:
    """(milliseconds, status code or error name, body) of one GET."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"refusing to request {url}")
    started = time.perf_counter()
    try:
        with _OPENER.open(url, timeout=180) as response:
            body, status = response.read(), str(response.status)
    except HTTPError as error:
        body, status = error.read(), str(error.code)
    except (URLError, OSError) as error:
        body, status = b"", type(error).__name__
    return (time.perf_counter() - started) * 1000, status, body


@dataclass
class HttpFigures:
    name: str
    threads: int
    wanted: int
    figures: dict[str, Any] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    requests_per_second: float = 0.0


def _http_run(name: str, urls: Sequence[str], threads: int, budget: float) -> HttpFigures:
    """GETs the URLs from `threads` threads, each taking the next URL until all are done or
    `budget` seconds have passed."""
    deadline = time.monotonic() + budget
    pending = iter(urls)
    lock = threading.Lock()
    answers: list[tuple[float, str, bytes]] = []

    def work() -> None:
        while True:
            with lock:
                url = next(pending, None) if time.monotonic() < deadline or not answers else None
            if url is None:
                return
            answer = _get(url)
            with lock:
                answers.append(answer)

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    status = Counter(code for _ms, code, _body in answers)
    return HttpFigures(
        name=name,
        threads=threads,
        wanted=len(urls),
        figures=_figures([ms for ms, _code, _body in answers]),
        status=dict(sorted(status.items())),
        requests_per_second=round(len(answers) / wall, 1),
    )


class Gunicorn:
    """The production server in a child process, stopped (by its own pid) on exit."""

    def __init__(self, work_dir: Path, database_url: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = work_dir / "gunicorn.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "VAR_DIR": str(work_dir / "var"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.work_dir = work_dir
        self.command = ""

    def __enter__(self) -> Gunicorn:
        executable = Path(sys.executable).with_name("gunicorn")
        command = [
            str(executable if executable.exists() else "gunicorn"),
            "clusterbridge.config.wsgi",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
        ]
        self.command = " ".join(command)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
            command, env=self.env, cwd=self.work_dir, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                _ms, status, _body = _get(f"{self.base}/api/v1/search/suggest?q=ab")
                if status == "200":
                    return self
            except (URLError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer within 90 s: {self.log_tail()}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM to the master we started: it stops its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, characters: int = 1500) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return ""


# --- the run ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    work_dir = Path(tempfile.mkdtemp(prefix="clusterbridge-bench-search-"))
    if args.database_url:
        database_url = _fresh_postgres(args.database_url)
        backend = "postgresql"
    else:
        database_url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
        backend = "sqlite"
    _configure_environment(database_url, work_dir)
    try:
        return _run(args, backend=backend, work_dir=work_dir, database_url=database_url)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
            if backend == "postgresql":
                _drop_postgres(database_url)
        else:
            print(f"kept: {work_dir} ({_masked(database_url)})", file=sys.stderr)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _run(
    args: argparse.Namespace, *, backend: str, work_dir: Path, database_url: str
) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import translation

    from clusterbridge.clusters.records import write_csv
    from clusterbridge.clusters.services import cluster_import

    count = args.docs
    result: dict[str, Any] = {
        "benchmark": "search",
        "command": "python -m bench.bench_search "
        + " ".join(_masked(arg) for arg in (args.argv or [])),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "docs": count,
        "seed": args.seed,
        "backend": backend,
        "targets": {
            "reindex_total_seconds": REINDEX_TARGET_SECONDS,
            "search_p95_ms": SEARCH_P95_TARGET_MS,
            "suggest_p95_ms": SUGGEST_P95_TARGET_MS,
            "http_search_p95_ms": HTTP_SEARCH_P95_TARGET_MS,
        },
    }
    load_start = _load_average()
    with _timer() as elapsed:
        call_command("migrate", interactive=False, verbosity=0)
    result["migrate_seconds"] = round(elapsed(), 2)
    result["machine"] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "django": django.get_version(),
        "database": _database_version(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "numpy_loaded_before_blas_setting": NUMPY_LOADED_BEFORE_BLAS_SETTING,
        "load_average_at_start": load_start,
    }
    result["source"] = _source_state()
    _log(
        f"{count:,} clusters on {result['machine']['database']} ({os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load {load_start})"
    )

    # 1. Generate and import --------------------------------------------------------------------
    csv_path = work_dir / "clusters.csv"
    with _timer() as elapsed:
        records = list(ClusterGenerator(args.seed).records(count))
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            write_csv(records, out)
    result["generate"] = {"seconds": round(elapsed(), 2), "file_bytes": csv_path.stat().st_size}
    vocab = vocabulary(records, args.seed)
    del records
    _log(f"generated in {elapsed():.1f} s; importing …")

    data = csv_path.read_bytes()
    # The outer transaction holds back what the import does once committed (the lexical search
    # index), so that its share can be told apart; the total is what `clusterbridge import` takes.
    # Without --import-index the import's own indexing is left out (the full reindex below
    # builds the same index; on a shared 2-core machine it would only double the run's time).
    with _timer() as total, transaction.atomic():
        report = cluster_import(data=data, filename=csv_path.name, actor=None)
        write_seconds = total()
        if not args.import_index:
            transaction.get_connection().run_on_commit = []
    seconds = total()
    del data
    result["import"] = {
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
        "includes": (
            "lexical indexing after commit (embeddings are left to the reindex)"
            if args.import_index
            else "nothing after the commit: the import's search indexing was skipped "
            "(--import-index includes it)"
        ),
        "parse_and_write_seconds": round(write_seconds, 2),
        "after_commit_indexing_seconds": round(seconds - write_seconds, 2),
        "created": report.created,
        "errors": len(report.errors) + len(report.skipped),
    }
    _log(
        f"imported in {seconds:.1f} s = {count / seconds:,.0f} rows/s (of which "
        f"{seconds - write_seconds:.1f} s lexical indexing after commit); reindexing …"
    )

    # 2. Full reindex ---------------------------------------------------------------------------
    result["reindex"] = _reindex(args, backend)

    # 3. In process ---------------------------------------------------------------------------
    with translation.override("en"):
        result["in_process"] = _in_process(args, vocab, work_dir)

    # 4. HTTP -----------------------------------------------------------------------------------
    if args.no_http:
        result["http"] = None
    else:
        result["http"] = _http(args, vocab, work_dir, database_url)

    result["machine"]["load_average_at_end"] = _load_average()
    result["passed"] = _passed(result)
    return result


def _reindex(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    """`index_rebuild(embed=True)`, what `clusterbridge reindex` runs: the lexical index and
    every document's vector, the embedding in worker processes meanwhile."""
    from django.db import connection

    from clusterbridge.search.embedding_pool import workers_for
    from clusterbridge.search.models import SearchDocument
    from clusterbridge.search.semantic import get_embedder
    from clusterbridge.search.services import _documents_count, index_rebuild

    figures: dict[str, Any] = {}
    docs = _documents_count()
    embedder = get_embedder()
    # One process's embedding rate on this machine now, for reference (the model loads first).
    pilot_texts = _embedding_texts(limit=args.pilot)
    embedder.embed(["warm-up"])
    with _timer() as elapsed:
        embedder.embed([text for _pk, text in pilot_texts])
    figures["pilot"] = {
        "texts": len(pilot_texts),
        "mean_chars": round(statistics.fmean(len(t) for _pk, t in pilot_texts), 1),
        "texts_per_second_one_process": round(len(pilot_texts) / elapsed(), 1),
    }
    figures["embedder"] = embedder.name
    figures["embed_workers"] = workers_for(docs)
    load_before = _load_average()
    with _timer() as elapsed:
        report = index_rebuild(embed=True)
    figures["total_seconds"] = round(elapsed(), 1)
    figures["load_average_before_after"] = [load_before, _load_average()]
    figures["indexed"] = report.indexed
    figures["embedded"] = report.embedded
    figures["docs_per_second"] = round(report.indexed / elapsed())
    figures["docs"] = docs
    figures["documents_in_index"] = SearchDocument.objects.count()
    _log(
        f"index_rebuild(embed=True): {report.indexed:,} documents, {report.embedded:,} vectors "
        f"in {elapsed():.1f} s"
    )

    if backend == "postgresql":
        # Autovacuum analyses fresh tables within about a minute; say whether it had, then make
        # sure (a server that has been up for minutes after a reindex has statistics).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, last_autoanalyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname LIKE 'search%%' ORDER BY relname"
            )
            figures["autoanalyzed_before_queries"] = dict(cursor.fetchall())
            with _timer() as elapsed:
                cursor.execute("ANALYZE")
        figures["analyze_seconds"] = round(elapsed(), 2)
    return figures


def _embedding_texts(*, limit: int) -> list[tuple[int, str]]:
    """(object id, embedding text) of the first `limit` documents of the registered domains."""
    from itertools import islice

    from clusterbridge.search import registry

    texts: list[tuple[int, str]] = []
    for spec in registry.specs():
        for document in islice(spec.documents(None), max(0, limit - len(texts))):
            texts.append((document.object_id, document.embedding_text or document.title))
    return texts


SEARCH_SCENARIOS = (
    # name, what, mode, with a query, with filters
    ("search blend", "q + country (2) + field + kind, blend", "blend", True, True),
    ("search lexical", "q + country (2) + field + kind, lexical", "lexical", True, True),
    ("empty q + facets", "no q; country (2) + field + kind", "blend", False, True),
    ("search, no facets", "q only, blend (for comparison)", "blend", True, False),
    (
        "search blend, cold postings",
        "as search blend, with this process's postings dropped before every query (each query "
        "word fetched from the full-text index; query vectors stay cached)",
        "blend",
        True,
        True,
    ),
)
TARGETS_MS = {
    "search blend": SEARCH_P95_TARGET_MS,
    "search lexical": SEARCH_P95_TARGET_MS,
    "suggest": SUGGEST_P95_TARGET_MS,
}


def _request_of(case: Case, mode: str, *, with_q: bool, with_filters: bool) -> Any:
    from clusterbridge.search.selectors import SearchRequest

    return SearchRequest(
        q=case.q if with_q else "",
        filters=case.filters if with_filters else {},
        mode=mode,  # type: ignore[arg-type]
    )


def _in_process(args: argparse.Namespace, vocab: Vocabulary, work_dir: Path) -> dict[str, Any]:
    from clusterbridge.search import facet_index, selectors, semantic_index
    from clusterbridge.search.semantic import VectorIndex

    cases = search_cases(vocab, args.queries, seed=args.seed + 1)
    warm = search_cases(vocab, args.warmup, seed=args.seed + 2)
    figures: dict[str, Any] = {
        "queries": args.queries,
        "distinct_q": len({case.q for case in cases}),
        "categories": dict(Counter(case.category for case in cases)),
        "examples": [
            {"q": case.q, "filters": {k: list(v) for k, v in case.filters.items()}}
            for case in cases[: len(CATEGORIES)]
        ],
        "scenarios": {},
    }

    # The first semantic query of a process loads every vector from the database. A descriptive
    # query (three content words or more) always asks the semantic index.
    first = next(
        (c for c in warm if c.category == "phrase"),
        Case("partners for fuel cells in trucks", {}, "phrase"),
    )
    with _timer() as elapsed:
        selectors.search(_request_of(first, "blend", with_q=True, with_filters=True))
    figures["first_semantic_query_ms"] = round(elapsed() * 1000, 1)
    figures["first_semantic_query"] = first.q
    entry = semantic_index._cache._entry
    figures["vector_index"] = (
        {"vectors": len(entry[1]), "mb": round(entry[1].nbytes / 1e6, 1)}
        if entry is not None
        else "not loaded by the first query"
    )

    for name, what, mode, with_q, with_filters in SEARCH_SCENARIOS:
        cold = name.endswith("cold postings")

        def call(
            case: Case,
            mode: str = mode,
            q: bool = with_q,
            f: bool = with_filters,
            cold: bool = cold,
        ) -> Any:
            if cold:
                index = facet_index.facet_index_get()
                if index is not None:
                    index.postings.clear()
            return selectors.search(_request_of(case, mode, with_q=q, with_filters=f))

        timings, results, info = _time_calls(
            [lambda c=c: call(c) for c in cases],
            [lambda c=c: call(c) for c in warm],
            budget=args.scenario_budget,
        )
        totals = [r.total for r in results]
        figures["scenarios"][name] = {
            "what": what,
            **_figures(timings),
            **info,
            "results_mean": round(statistics.fmean(totals), 1),
            "zero_results": sum(1 for t in totals if t == 0),
            "semantic_matches": sum(
                1 for r in results for h in r.hits if h.matched_by in {"meaning", "both"}
            ),
        }
        _log(
            f"{name}: p50 {figures['scenarios'][name]['p50_ms']} ms, p95 "
            f"{figures['scenarios'][name]['p95_ms']} ms"
        )

    prefixes = suggest_prefixes(vocab, args.queries, seed=args.seed + 3)
    warm_prefixes = suggest_prefixes(vocab, args.warmup, seed=args.seed + 4)
    timings, results, info = _time_calls(
        [lambda p=p: selectors.suggest(p) for p in prefixes],
        [lambda p=p: selectors.suggest(p) for p in warm_prefixes],
        budget=args.scenario_budget,
    )
    figures["scenarios"]["suggest"] = {
        "what": "suggest(prefix), 2-12 characters",
        **_figures(timings),
        **info,
        "results_mean": round(statistics.fmean(len(r) for r in results), 1),
        "zero_results": sum(1 for r in results if not r),
        "examples": prefixes[:8],
    }
    _log(
        f"suggest: p50 {figures['scenarios']['suggest']['p50_ms']} ms, p95 "
        f"{figures['scenarios']['suggest']['p95_ms']} ms"
    )
    for name, target in TARGETS_MS.items():
        figures["scenarios"][name]["target_p95_ms"] = target
        figures["scenarios"][name]["passed"] = figures["scenarios"][name]["p95_ms"] <= target

    # Where the time of a typical query goes (a separate pass: the wrappers cost a little).
    for mode in ("blend", "lexical"):
        figures[f"phases_{mode}"] = _phases(
            cases, mode, selectors, semantic_index, VectorIndex, budget=args.scenario_budget / 3
        )

    # Missed targets: profile them.
    figures["profiles"] = {}
    for name, scenario in figures["scenarios"].items():
        if not (args.profile or scenario.get("passed") is False):
            continue
        profile = cProfile.Profile()
        if name == "suggest":
            calls = [lambda p=p: selectors.suggest(p) for p in prefixes]
        else:
            _n, _w, mode, with_q, with_filters = next(s for s in SEARCH_SCENARIOS if s[0] == name)
            calls = [
                lambda c=c, m=mode, q=with_q, f=with_filters: selectors.search(
                    _request_of(c, m, with_q=q, with_filters=f)
                )
                for c in cases
            ]
        deadline = time.monotonic() + args.scenario_budget / 5
        profiled = 0
        profile.enable()
        for call in calls:
            if profiled and time.monotonic() > deadline:
                break
            call()
            profiled += 1
        profile.disable()
        text = _profile_text(profile)
        profile.dump_stats(work_dir / f"search-{name.replace(' ', '-')}.prof")
        figures["profiles"][name] = {"calls": profiled, "text": text}
        print(f"--- cProfile: {name} ({profiled} calls) ---\n{text}", file=sys.stderr)
    return figures


def _phases(
    cases: Sequence[Case],
    mode: str,
    selectors: Any,
    semantic_index: Any,
    vector_index: Any,
    *,
    budget: float,
) -> dict[str, Any]:
    def fixed(label: str) -> Callable[..., str]:
        return lambda *args, **kwargs: label

    from clusterbridge.search import facet_index, memory

    targets = [
        (selectors, "analyzer_get", fixed("analyzer_get")),
        (selectors, "facet_index_get", fixed("facet index (version check, reload)")),
        (selectors, "parse", fixed("parse (incl. known-word lookups)")),
        (selectors, "known_words", fixed("  known-word lookups (SearchWord)")),
        (selectors, "_memory_matches", fixed("matches: matched set and facet counts in memory")),
        (memory, "matches", fixed("  matched set from postings (masks)")),
        (memory, "fetch", fixed("  postings fetched from the full-text index")),
        (facet_index.FacetIndex, "count", fixed("  filter and count facets (numpy)")),
        (memory, "ranked", fixed("ranking in memory (BM25 over postings, name, newest)")),
        (selectors, "_lexical", fixed("ranking: full-text match scored within filters (SQL)")),
        (selectors, "_semantic", fixed("semantic (total of the next 4)")),
        (selectors, "_allowed_ids", fixed("  allowed ids for the filters")),
        (semantic_index, "_version", fixed("  vector index version check (COUNT, MAX)")),
        (semantic_index, "_query_vector", fixed("  embed the query")),
        (vector_index, "search", fixed("  vector search")),
        (selectors, "_sorted", fixed("sort by name")),
        (selectors, "_counts", fixed("facet counts in SQL (small index)")),
        (selectors, "snippet", fixed("snippets")),
    ]
    # The query vectors of the timed pass are cached per process; clear them, so that embedding
    # is measured as the timed pass paid it.
    semantic_index._query_vector.cache_clear()
    deadline = time.monotonic() + budget
    n = 0
    with _phase_timers(targets) as spent:
        started = time.perf_counter()
        for case in cases:
            if n and time.monotonic() > deadline:
                break
            selectors.search(_request_of(case, mode, with_q=True, with_filters=True))
            n += 1
        total = time.perf_counter() - started
    top_level = [label for label in spent if not label.startswith("  ")]
    accounted = sum(spent[label][0] for label in top_level)
    phases = {
        label: {
            "ms_per_query": round(seconds * 1000 / n, 2),
            "calls_per_query": round(calls / n, 2),
            "share": round(seconds / total, 3),
        }
        for label, (seconds, calls) in spent.items()
    }
    phases["other (hits, page documents, validation)"] = {
        "ms_per_query": round((total - accounted) * 1000 / n, 2),
        "calls_per_query": 1.0,
        "share": round((total - accounted) / total, 3),
    }
    return {"queries": n, "mean_ms": round(total * 1000 / n, 2), "phases": phases}


def _http(
    args: argparse.Namespace, vocab: Vocabulary, work_dir: Path, database_url: str
) -> dict[str, Any]:
    cases = search_cases(vocab, args.queries, seed=args.seed + 11)
    warm = search_cases(vocab, max(args.warmup, 40), seed=args.seed + 12)
    prefixes = suggest_prefixes(vocab, args.queries, seed=args.seed + 13)
    figures: dict[str, Any] = {}
    server = Gunicorn(work_dir, database_url)

    def search_url(base: str, case: Case) -> str:
        params = [("q", case.q)] + [(k, v) for k, vs in case.filters.items() for v in vs]
        return f"{base}/api/v1/search?{urlencode(params)}"

    try:
        with _timer() as elapsed, server:
            started = elapsed()
            figures["server"] = {
                "command": server.command,
                "workers": GUNICORN_WORKERS,
                "start_seconds": round(started, 2),
            }
            base = server.base
            # Warm-up: both workers load the embedder and the vectors on their first semantic
            # query; concurrent requests reach both.
            warm_urls = [search_url(base, case) for case in warm]
            warmup = _http_run(
                "warm-up", warm_urls * 2, HTTP_THREADS, budget=args.scenario_budget / 2
            )
            figures["warmup"] = {**warmup.figures, "status": warmup.status}
            _http_run("warm-up suggest", [f"{base}/api/v1/search/suggest?q=ab"] * 20, 2, 30)
            _ms, status, body = _get(search_url(base, cases[0]))
            sample = json.loads(body) if status == "200" else {}
            figures["sample_response"] = {
                "url": search_url("", cases[0]),
                "status": status,
                "bytes": len(body),
                "count": sample.get("count"),
                "facets": len(sample.get("facets", [])),
            }
            urls = [search_url(base, case) for case in cases]
            suggest_urls = [f"{base}/api/v1/search/suggest?{urlencode({'q': p})}" for p in prefixes]
            runs = [
                ("search", urls, 1),
                ("search", urls, HTTP_THREADS),
                ("suggest", suggest_urls, 1),
                ("suggest", suggest_urls, HTTP_THREADS),
            ]
            for name, run_urls, threads in runs:
                measured = _http_run(name, run_urls, threads, budget=args.scenario_budget)
                key = f"{name} {'sequential' if threads == 1 else f'{threads} threads'}"
                figures[key] = {
                    **measured.figures,
                    "wanted": measured.wanted,
                    "truncated": measured.figures["requests"] < measured.wanted,
                    "threads": threads,
                    "status": measured.status,
                    "requests_per_second": measured.requests_per_second,
                }
                if name == "search":
                    figures[key]["target_p95_ms"] = HTTP_SEARCH_P95_TARGET_MS
                    figures[key]["passed"] = (
                        set(measured.status) == {"200"}
                        and measured.figures["p95_ms"] <= HTTP_SEARCH_P95_TARGET_MS
                    )
                _log(
                    f"HTTP {key}: p50 {measured.figures['p50_ms']} ms, p95 "
                    f"{measured.figures['p95_ms']} ms, {measured.requests_per_second} req/s, "
                    f"status {measured.status}"
                )
    except Exception as exc:  # the server's failure is a figure, not the end of the run
        figures["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        figures["log_tail"] = server.log_tail()
        _log(f"HTTP benchmark failed: {figures['error']}")
    finally:
        server.stop()
    figures["server_stopped"] = server.process is None or server.process.poll() is not None
    return figures


def _passed(result: dict[str, Any]) -> dict[str, bool | None]:
    scenarios = result["in_process"]["scenarios"]
    http = result.get("http") or {}
    return {
        "reindex_total": result["reindex"]["total_seconds"] <= REINDEX_TARGET_SECONDS,
        "search_blend_p95": scenarios["search blend"]["passed"],
        "search_lexical_p95": scenarios["search lexical"]["passed"],
        "suggest_p95": scenarios["suggest"]["passed"],
        "http_search_p95_sequential": http.get("search sequential", {}).get("passed"),
        "http_search_p95_4_threads": http.get(f"search {HTTP_THREADS} threads", {}).get("passed"),
    }


# --- output -----------------------------------------------------------------------------------


def _yes(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def _table(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        f"clusterbridge search: {result['docs']:,} clusters on {machine['database']}, "
        f"{machine['nproc']} CPUs, Python {machine['python']}, OPENBLAS_NUM_THREADS="
        f"{machine['openblas_num_threads']}, load {machine['load_average_at_start']} → "
        f"{machine['load_average_at_end']}",
        f"{'step':<44}{'p50 / value':>14}{'p95':>11}{'target':>11}  ok",
    ]
    imported = result["import"]
    lines.append(
        f"{'import (cluster_import)':<44}"
        f"{imported['rows_per_second']:>10,} r/s{imported['seconds']:>9.1f} s"
    )
    lines.append(
        f"{'  of which lexical indexing after commit':<44}{'':>14}"
        f"{imported['after_commit_indexing_seconds']:>9.1f} s"
    )
    reindex = result["reindex"]
    passed = result["passed"]
    lines.append(
        f"{'  embedding, one process (pilot)':<44}"
        f"{reindex['pilot']['texts_per_second_one_process']:>9,.0f} t/s"
    )
    lines.append(
        f"{'reindex: index_rebuild(embed=True)':<44}{reindex['docs_per_second']:>9,} d/s"
        f"{reindex['total_seconds']:>9.1f} s"
        f"{'≤' + format(REINDEX_TARGET_SECONDS, '.0f') + ' s':>11}  {_yes(passed['reindex_total'])}"
    )
    in_process = result["in_process"]
    lines.append(
        f"in process ({in_process['queries']} queries each, "
        f"{in_process['distinct_q']} distinct q; first semantic query "
        f"{in_process['first_semantic_query_ms']:.0f} ms):"
    )
    for name, s in in_process["scenarios"].items():
        target = s.get("target_p95_ms")
        label = f"  {name} ({s['results_mean']:.0f} hits avg"
        label += f", only {s['requests']} run)" if s["truncated"] else ")"
        lines.append(
            f"{label:<44}"
            f"{s['p50_ms']:>11.1f} ms{s['p95_ms']:>8.1f} ms"
            f"{('≤' + format(target, '.0f') + ' ms') if target else '':>11}"
            f"  {_yes(s.get('passed'))}"
        )
    http = result.get("http")
    if http and "error" not in http:
        lines.append(f"HTTP (gunicorn, {GUNICORN_WORKERS} workers):")
        for key, figures in http.items():
            if not isinstance(figures, dict) or "p95_ms" not in figures or key == "warmup":
                continue
            target = figures.get("target_p95_ms")
            label = f"  {key} ({figures['requests_per_second']:.1f} req/s"
            label += f", only {figures['requests']} run)" if figures["truncated"] else ")"
            lines.append(
                f"{label:<44}"
                f"{figures['p50_ms']:>11.1f} ms{figures['p95_ms']:>8.1f} ms"
                f"{('≤' + format(target, '.0f') + ' ms') if target else '':>11}"
                f"  {_yes(figures.get('passed'))}"
            )
    elif http:
        lines.append(f"HTTP failed: {http['error']}")
    phases = in_process["phases_blend"]
    lines.append(f"where a typical blend query's {phases['mean_ms']:.1f} ms go:")
    for label, phase in sorted(phases["phases"].items(), key=lambda item: -item[1]["ms_per_query"]):
        lines.append(
            f"    {label:<48}{phase['ms_per_query']:>7.2f} ms  x{phase['calls_per_query']:.2f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="Clusters to generate.")
    parser.add_argument(
        "--database-url",
        default="",
        help=f"PostgreSQL server URL; the database {BENCH_DATABASE} is created on it and dropped "
        "afterwards. Default: a temporary SQLite file.",
    )
    parser.add_argument("--queries", type=int, default=240, help="Timed queries per scenario.")
    parser.add_argument("--warmup", type=int, default=30, help="Untimed queries first.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pilot", type=int, default=512, help="Texts of the embedding pilot.")
    parser.add_argument(
        "--scenario-budget",
        type=float,
        default=150.0,
        help="Seconds at most per timed scenario (in process and HTTP); a scenario slower than "
        "that is cut short and reports how many queries it ran.",
    )
    parser.add_argument("--no-http", action="store_true", help="Skip the gunicorn part.")
    parser.add_argument(
        "--import-index",
        action="store_true",
        help="Let the import index what it wrote after its commit, as `clusterbridge import` "
        "does (by default only the full reindex builds the index).",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile every scenario.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database and files for a look afterwards."
    )
    parser.add_argument("--no-save", action="store_true", help="Print only; write no result file.")
    args = parser.parse_args(argv)
    if args.queries < 1 or args.docs < 10:
        parser.error("--queries must be positive and --docs at least 10")
    args.argv = argv
    started = time.perf_counter()
    result = run(args)
    result["runtime_seconds"] = round(time.perf_counter() - started, 1)
    print(_table(result))
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"search-{result['backend']}-{args.docs}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        print(f"written: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Semantic search at scale: embedding throughput, vector index build and query latency.

    python -m bench.bench_semantic --docs 100000 [--sample 2000] [--queries 300] [--k 200]

Measures, in this process:

- embedding throughput of the configured embedder (the real model, nothing faked) on --sample
  realistic 100-300 character bilingual profile texts made by bench.generate, and the time to
  embed --docs documents *extrapolated* from it (embedding 100,000 texts would take ~15 minutes);
- the latency of embedding one short search query, which every semantic search pays first;
- `VectorIndex.build` from --docs float16 byte rows (what the database returns), and the index's
  memory. The --docs vectors are the sample's real vectors, each perturbed by noise and
  renormalised: the same brute-force work and a realistic spread of scores, without the hours
  of embedding;
- `VectorIndex.search` p50/p95 for k=--k over real query vectors: unrestricted, restricted to
  allowed ids of 10 % of the documents (a facet filter; the gathering path) and of 50 % (the
  score-everything-then-pick path). The allowed-id arrays are made beforehand, as the caller
  would pass them;
- peak RSS of the process.

Prints a table and writes bench/results/semantic-<N>.json. Target (issue): a query under 15 ms
on 2 cores for 100,000 x 512.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.generate import ClusterGenerator, taxonomy_fields
from clusterbridge.search.semantic import (
    Usem3Embedder,
    VectorIndex,
    get_embedder,
    vector_to_bytes,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
QUERY_TARGET_MS = 15.0


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def profile_texts(count: int, seed: int) -> tuple[list[str], int]:
    """`count` profile texts of 100-300 characters, as the search embeds them (name, fields,
    offered competences, description), German where the generated cluster has a German
    description, English otherwise. Returns the texts and how many are
    German."""
    rng = random.Random(seed)
    texts: list[str] = []
    german = 0
    generator = ClusterGenerator(seed)
    while len(texts) < count:
        record = generator.record()
        in_german = bool(record.description_de)
        offered = [
            c.phrase for c in record.competences_offered if (c.language == "de") == in_german
        ]
        parts = [
            record.name,
            "; ".join(offered[:3]),
            record.description_de if in_german else record.description_en,
        ]
        text = _cut(". ".join(part for part in parts if part), rng.randint(100, 300))
        if len(text) < 100:
            continue
        texts.append(text)
        german += in_german
    return texts, german


def query_texts(count: int, seed: int) -> list[str]:
    """Short search strings: technology fields in German or English, bare or in a phrase."""
    rng = random.Random(seed)
    fields = taxonomy_fields()
    frames_de = ["{}", "{}", "Partner für {} gesucht", "{} in Bayern", "Forschung zu {}"]
    frames_en = ["{}", "{}", "partners in {}", "{} pilot line", "cluster for {} in France"]
    queries = []
    for _ in range(count):
        field = rng.choice(fields)
        if rng.random() < 0.5:
            queries.append(rng.choice(frames_de).format(field.label_de))
        else:
            frame = rng.choice(frames_en)
            queries.append(
                frame.format(field.label_en if frame == "{}" else field.label_en.lower())
            )
    return queries


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _rss_now_mb() -> float:
    """Current resident set size (Linux), or the peak elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_rss_mb()


def _time_each(calls: Sequence[Callable[[], object]], warmup: int) -> list[float]:
    """Milliseconds of each call, after `warmup` untimed calls of the first ones."""
    for call in calls[:warmup]:
        call()
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _figures(timings_ms: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings_ms), 3),
        "p95_ms": round(_percentile(timings_ms, 0.95), 3),
        "mean_ms": round(statistics.fmean(timings_ms), 3),
        "max_ms": round(max(timings_ms), 3),
    }


def synthetic_rows(
    real: np.ndarray, count: int, seed: int, noise: float = 0.5
) -> Iterator[tuple[int, bytes]]:
    """`count` (id, float16 bytes) rows: real vectors plus Gaussian noise, renormalised."""
    rng = np.random.default_rng(seed)
    dims = real.shape[1]
    for start in range(0, count, 4096):
        n = min(4096, count - start)
        base = real[rng.integers(0, len(real), n)]
        vectors = base + rng.standard_normal((n, dims), dtype=np.float32) * (noise / dims**0.5)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        for offset, vector in enumerate(vectors):
            yield start + offset + 1, vector_to_bytes(vector)


def _blas_threads() -> str:
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name):
            return f"{name}={os.environ[name]}"
    return f"default ({os.cpu_count()})"


def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "docs": args.docs,
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": np.__version__,
            "blas_threads": _blas_threads(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
    }
    embedder = get_embedder()
    result["embedder"] = {"name": embedder.name, "dimensions": embedder.dimensions}

    print(f"making {args.sample:,} profile texts …", file=sys.stderr)
    texts, german = profile_texts(args.sample, args.seed)
    lengths = [len(text) for text in texts]

    started = time.perf_counter()
    if isinstance(embedder, Usem3Embedder):
        embedder.load()
    else:
        embedder.embed(["warm-up"])
    load_seconds = time.perf_counter() - started
    rss_after_load = _peak_rss_mb()

    print(f"embedding {len(texts):,} texts …", file=sys.stderr)
    started = time.perf_counter()
    real = embedder.embed(texts)
    seconds = time.perf_counter() - started
    rate = len(texts) / seconds
    result["embedding"] = {
        "model_load_seconds": round(load_seconds, 2),
        "peak_rss_mb_after_model_load": round(rss_after_load, 1),
        "sample_texts": len(texts),
        "sample_german": german,
        "sample_chars_mean": round(statistics.fmean(lengths), 1),
        "sample_chars_min": min(lengths),
        "sample_chars_max": max(lengths),
        "sample_seconds": round(seconds, 2),
        "texts_per_second": round(rate, 1),
        "docs_seconds_extrapolated": round(args.docs / rate, 1),
        "extrapolated": True,
    }

    queries = query_texts(args.queries, args.seed + 1)
    single = _time_each([partial(embedder.embed, [query]) for query in queries[:100]], warmup=5)
    result["query_embedding"] = {"queries": len(single), **_figures(single)}
    query_vectors = embedder.embed(queries)

    print(f"building the index of {args.docs:,} vectors …", file=sys.stderr)
    rows = list(synthetic_rows(real, args.docs, args.seed))
    rss_before_build = _rss_now_mb()
    started = time.perf_counter()
    index = VectorIndex.build(iter(rows), embedder.dimensions)
    build_seconds = time.perf_counter() - started
    rss_after_build = _rss_now_mb()
    row_bytes = sum(len(blob) for _id, blob in rows)
    del rows
    result["index"] = {
        "vectors": len(index),
        "build_seconds": round(build_seconds, 3),
        "index_mb": round(index.nbytes / 1e6, 1),
        "row_bytes_mb": round(row_bytes / 1e6, 1),
        "rss_mb_before_build": round(rss_before_build, 1),
        "rss_mb_after_build": round(rss_after_build, 1),
        "peak_rss_mb_after_build": round(_peak_rss_mb(), 1),
        "synthetic": "sample vectors + noise, renormalised",
    }

    print(f"{len(queries)} queries, k={args.k} …", file=sys.stderr)
    rng = np.random.default_rng(args.seed + 2)
    searches: dict[str, dict[str, Any]] = {}
    for label, share in (("all documents", None), ("allowed 10 %", 0.10), ("allowed 50 %", 0.50)):
        allowed_sets = (
            [None]
            if share is None
            else [
                rng.choice(index.ids, size=int(share * len(index)), replace=False)
                for _ in range(10)
            ]
        )
        calls = [
            partial(
                index.search,
                query_vectors[i % len(query_vectors)],
                args.k,
                allowed_ids=allowed_sets[i % len(allowed_sets)],
            )
            for i in range(args.queries)
        ]
        timings = _time_each(calls, warmup=min(20, args.queries))
        searches[label] = {
            "share": share,
            "allowed_ids": 0 if share is None else int(share * len(index)),
            **_figures(timings),
        }
    result["search"] = {"k": args.k, "queries": args.queries, "by_filter": searches}
    result["target"] = {
        "query_ms": QUERY_TARGET_MS,
        "met_on_p50": {
            label: figures["p50_ms"] < QUERY_TARGET_MS for label, figures in searches.items()
        },
    }
    result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _table(result: dict[str, Any]) -> str:
    embedding = result["embedding"]
    index = result["index"]
    machine = result["machine"]
    lines = [
        f"clusterbridge semantic search: {result['docs']:,} documents, "
        f"{result['embedder']['name']} ({result['embedder']['dimensions']} dims), "
        f"{machine['nproc']} CPUs, BLAS threads {machine['blas_threads']}, "
        f"numpy {machine['numpy']}",
        f"{'step':<44}{'figure':>22}{'p95':>11}",
        f"{'model load (first use)':<44}{embedding['model_load_seconds']:>20.2f} s",
        f"{'embed ' + format(embedding['sample_texts'], ',') + ' texts':<44}"
        f"{embedding['texts_per_second']:>16,.1f} txt/s",
        f"{'  (' + format(embedding['sample_german'], ',') + ' German; chars mean/min/max':<44}"
        f"{embedding['sample_chars_mean']:>10.0f} / {embedding['sample_chars_min']}"
        f" / {embedding['sample_chars_max']})",
        f"{'embed ' + format(result['docs'], ',') + ' texts (EXTRAPOLATED)':<44}"
        f"{embedding['docs_seconds_extrapolated']:>18,.0f} s"
        f"  (~{embedding['docs_seconds_extrapolated'] / 60:.0f} min)",
        f"{'embed one search query':<44}{result['query_embedding']['p50_ms']:>19.2f} ms"
        f"{result['query_embedding']['p95_ms']:>8.2f} ms",
        f"{'VectorIndex.build from float16 rows':<44}{index['build_seconds']:>20.3f} s",
        f"{'index memory (ids + float16 matrix)':<44}{index['index_mb']:>19.1f} MB",
    ]
    k = result["search"]["k"]
    target = result["target"]
    for label, figures in result["search"]["by_filter"].items():
        ok = "yes" if target["met_on_p50"][label] else "NO"
        lines.append(
            f"{'search k=' + str(k) + ', ' + label:<44}{figures['p50_ms']:>19.2f} ms"
            f"{figures['p95_ms']:>8.2f} ms   p50 < {target['query_ms']:.0f} ms: {ok}"
        )
    lines.append(
        f"{'peak RSS':<44}{result['peak_rss_mb']:>19.1f} MB"
        f"  (after model load {embedding['peak_rss_mb_after_model_load']:.0f} MB, "
        f"RSS before / after index build {index['rss_mb_before_build']:.0f} / "
        f"{index['rss_mb_after_build']:.0f} MB)"
    )
    lines.append(
        "load average at start / end: "
        f"{machine['load_average_at_start'][0]:.2f} / {machine['load_average_at_end'][0]:.2f}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="Documents in the index.")
    parser.add_argument(
        "--sample", type=int, default=2000, help="Texts actually embedded for the throughput."
    )
    parser.add_argument("--queries", type=int, default=300, help="Timed searches per filter.")
    parser.add_argument("--k", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-save", action="store_true", help="Print only; write no result file.")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.sample < 1 or args.queries < 1 or args.k < 1:
        parser.error("--docs, --sample, --queries and --k must be positive")
    result = run(args)
    result["argv"] = argv
    print(_table(result))
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"semantic-{args.docs}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        shown = path.relative_to(os.getcwd()) if path.is_relative_to(os.getcwd()) else path
        print(f"written: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

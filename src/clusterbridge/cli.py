"""The `clusterbridge` console command: Django's management commands with a few friendlier names.

`clusterbridge import clusters FILE` and `clusterbridge export clusters ...` read better than the
management command names they map to (`import` is a Python keyword, so the modules differ).
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_data", "export": "export_data"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterbridge.config.settings")
    # One BLAS thread per process: the embedder's small matrix products run about four times
    # faster than with threads that wait on each other (bench/bench_semantic.py).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "clusterbridge"
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

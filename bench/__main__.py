"""Run every benchmark module in bench/ (or the ones named on the command line)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench

RESULTS = Path(__file__).parent / "results"


def main(names: list[str]) -> int:
    """Run ``bench_*`` modules; each exposes ``run() -> dict`` of figures."""
    found = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    chosen = [n for n in found if not names or n.removeprefix("bench_") in names or n in names]
    if not chosen:
        print(f"no benchmark matches {names}; have {found}", file=sys.stderr)
        return 2
    RESULTS.mkdir(exist_ok=True)
    for name in chosen:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        figures = importlib.import_module(f"bench.{name}").run()
        figures["wall_seconds"] = round(time.perf_counter() - started, 2)
        for key, value in figures.items():
            print(f"  {key}: {value}")
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

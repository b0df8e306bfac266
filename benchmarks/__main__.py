"""Run every benchmark (`python -m benchmarks`) or the named ones (`python -m benchmarks submit`)."""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Benchmark modules: each module in this package with a `main(argv)` function."""
    names = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        if hasattr(importlib.import_module(f"benchmarks.{info.name}"), "main"):
            names.append(info.name)
    return sorted(names)


def run(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or available()
    options = [a for a in argv if a.startswith("-")]
    status = 0
    for name in names:
        print(f"== benchmark: {name} ==", flush=True)
        status |= importlib.import_module(f"benchmarks.{name}").main(options) or 0
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

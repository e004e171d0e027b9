"""CLI: ``python -m tools.samplegen --seed 7 --n 160 --out samples``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import fonts
from .generate import make_one, plan_set


def _run(args: tuple[dict[str, Any], str]) -> str:
    plan, out = args
    make_one(plan, Path(out))
    return f"card-{plan['index']:03d}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.samplegen",
                                 description="Render synthetic business-card photos + truth.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--n", type=int, default=160)
    ap.add_argument("--out", type=Path, default=Path("samples"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ns = ap.parse_args(argv)
    fonts.check_installed()
    out: Path = ns.out
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("card-*.jpg")) + list((out / "truth").glob("card-*.json")):
        old.unlink()
    plans = plan_set(ns.seed, ns.n)
    start = time.time()
    work = [(p, str(out)) for p in plans]
    if ns.jobs > 1:
        with ProcessPoolExecutor(max_workers=ns.jobs) as pool:
            done = list(pool.map(_run, work, chunksize=4))
    else:
        done = [_run(w) for w in work]
    print(f"samplegen: wrote {len(done)} cards to {out} in {time.time() - start:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

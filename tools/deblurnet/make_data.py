"""Write the training pairs: ``python -m tools.deblurnet.make_data OUT.npz --cards 1000``."""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from tools.deblurnet.data import pairs
from tools.samplegen import fonts

# The sample set is seed 7; these seeds render other people, companies, layouts and fonts.
FIRST_SEED = 1000
PER_CARD = 12


def _one(i: int) -> tuple[np.ndarray, np.ndarray]:
    return pairs(FIRST_SEED + i // 40, i, PER_CARD)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cards", type=int, default=1000)
    ns = ap.parse_args()
    fonts.check_installed()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        got = list(pool.map(_one, range(ns.cards), chunksize=8))
    x = np.concatenate([g[0] for g in got])
    y = np.concatenate([g[1] for g in got])
    np.savez(ns.out, x=x, y=y)
    print(f"deblurnet: {len(x)} pairs from {ns.cards} cards -> {ns.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

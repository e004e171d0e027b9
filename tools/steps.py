"""The image stage's step on/off table: `cardscan eval` once per configuration.

    python -m tools.steps [--samples samples] [--limit N] [--out bench/steps.json]

Each row runs `cardscan eval SAMPLES --json` with CARDSCAN_IMAGE_STEPS_OFF set so that exactly
one step differs from the shipped configuration (off when it ships on, on when it ships off),
and prints macro F1, the OCR character error rates (plain and reading-order-free), the share of
photographed cards whose outline was found (corner IoU >= 0.90) and the rotated cards turned
upright. One eval reads every card, so the table takes a few minutes on `samples/`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cardscan.image import STEPS
from cardscan.options import SHIPPED_STEPS_OFF

SHIPPED_OFF = SHIPPED_STEPS_OFF
STEP_NAMES = {
    "detect": "card detection", "orient": "orientation (0/90/180/270)", "osd": "Tesseract OSD when unsure",
    "deskew": "fine deskew", "invert": "invert light-on-dark", "flatten": "flatten uneven light",
    "scale": "scale to the x-height", "binarize": "binarisation", "sharpen": "deblur blurred cards",
    "network": "deblur by the network (on top of the Wiener filter)",
    "english": "a restored card read by the English model too",
}


def configurations() -> list[tuple[str, frozenset[str]]]:
    rows = [("shipped (all on but binarisation, OSD)", SHIPPED_OFF)]
    for step in STEPS:
        if step in SHIPPED_OFF:
            rows.append((f"{STEP_NAMES.get(step, step)}: on", SHIPPED_OFF - {step}))
        else:
            rows.append((f"{STEP_NAMES.get(step, step)}: off", SHIPPED_OFF | {step}))
    return rows


def run_eval(samples: Path, off: frozenset[str], limit: int | None) -> dict[str, Any]:
    env = {**os.environ, "CARDSCAN_IMAGE_STEPS_OFF": ",".join(sorted(off)) or ","}
    cmd = [sys.executable, "-m", "cardscan", "eval", str(samples), "--json"]
    if limit:
        cmd += ["--limit", str(limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` exited {done.returncode}: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def row(label: str, off: frozenset[str], summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "configuration": label,
        "steps_off": sorted(off),
        "macro_f1": summary["macro_f1"],
        "cer": summary.get("cer"),
        "cer_flexible": summary.get("cer_flexible"),
        "corner_iou_ge_090_photos": summary.get("corner_iou_ge_090_photos"),
        "rotated_upright": f"{summary.get('rotated_cards_upright')}/{summary.get('rotated_cards')}",
        "blur_macro_f1": summary.get("by_quality", {}).get("blur", {}).get("macro_f1"),
        "failed": summary.get("failed"),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    def f(value: Any, spec: str = ".4f") -> str:
        return "-" if value is None else f"{value:{spec}}"

    columns = ("configuration", "macro F1", "CER", "CER (any order)", "IoU ≥ .9 (photos)", "rotated upright",
               "blur F1")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        cells = (r["configuration"], f(r["macro_f1"]), f(r["cer"]), f(r["cer_flexible"]),
                 f(r["corner_iou_ge_090_photos"], ".1%"), r["rotated_upright"], f(r["blur_macro_f1"], ".3f"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.steps", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/steps.json"))
    args = parser.parse_args(argv)
    rows = []
    for label, off in configurations():
        print(f"eval: {label} ...", file=sys.stderr, flush=True)
        rows.append(row(label, off, run_eval(args.samples, off, args.limit)))
    table = markdown(rows)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"samples": str(args.samples), "limit": args.limit, "rows": rows}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"figures written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

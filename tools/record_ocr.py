"""Record the OCR of every sample card as golden files for the parser's tests.

    python -m tools.record_ocr samples --out tests/golden/ocr [--only card-001,card-002]

Writes `<stem>.json` = {"front": OcrPage.to_dict(), "back": ... or null, "qr": [payloads],
"tesseract": version}; runs the pipeline's own image stage and OCR, one card at a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardscan import image
from cardscan.evaluate import load_samples
from cardscan.ocr import get_engine
from cardscan.options import Options
from cardscan.parse.qr import decode as decode_qr
from cardscan.pipeline import read_side


def tesseract_version() -> str:
    import subprocess

    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples", type=Path)
    parser.add_argument("--out", type=Path, default=Path("tests/golden/ocr"))
    parser.add_argument("--only", default="", help="comma-separated stems")
    parser.add_argument("--skip-existing", action="store_true")
    args = parser.parse_args(argv)
    options = Options()
    engine = get_engine(options)
    version = tesseract_version()
    args.out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    for sample in load_samples(args.samples):
        if only and sample.stem not in only:
            continue
        target = args.out / f"{sample.stem}.json"
        if args.skip_existing and target.exists():
            continue
        card = sample.card
        front_bytes = image.load_bytes(card.front)
        front = read_side(front_bytes, str(card.front), options, engine, side="front")
        back = None
        if card.back is not None:
            back = read_side(image.load_bytes(card.back), str(card.back), options, engine, side="back")
        qr = decode_qr(image.decode(front_bytes, str(card.front)))
        record = {
            "front": front.page.to_dict(),
            "back": back.page.to_dict() if back else None,
            "qr": qr,
            "tesseract": version,
        }
        target.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{sample.stem}: {len(front.page.words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

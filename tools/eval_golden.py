"""Score the parser alone on recorded OCR (tests/golden/ocr): seconds per run, no Tesseract.

    python -m tools.eval_golden [--samples samples] [--golden tests/golden/ocr] [--show FIELD] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardscan.evaluate import Metrics, load_samples
from cardscan.model import OcrPage
from cardscan.options import Options
from cardscan.parse import parse_contact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--golden", type=Path, default=Path("tests/golden/ocr"))
    parser.add_argument("--show", action="append", default=[], help="print the misses of this field")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    metrics = Metrics()
    options = Options()
    for sample in load_samples(args.samples):
        path = args.golden / f"{sample.stem}.json"
        if not path.exists():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        front = OcrPage.from_dict(record["front"])
        back = OcrPage.from_dict(record["back"]) if record.get("back") else None
        contact = parse_contact(front, back, options, qr=record.get("qr") or [])
        outcome = metrics.update(sample, contact)
        for field_name in args.show:
            if field_name in outcome.wrong or (field_name == "kind" and contact.phones):
                truth = sample.truth
                if field_name == "kind":
                    kinds = {p["number"]: p["kind"] for p in truth.get("phones") or []}
                    bad = [(p.raw, p.kind, kinds[p.number]) for p in contact.phones
                           if p.number in kinds and kinds[p.number] != p.kind]
                    if bad:
                        print(f"{sample.stem} kind: {bad}")
                    continue
                got = getattr(contact, field_name)
                if field_name == "phones":
                    got = [(p.number, p.raw) for p in contact.phones]
                    want = [(p["number"], p.get("printed")) for p in truth.get("phones") or []]
                else:
                    want = truth.get(field_name)
                print(f"{sample.stem} {field_name}: want {want!r} got {got!r}")
    summary = metrics.summary()
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        return 0
    print(f"cards {summary['cards']}  macro F1 {summary['macro_f1']}  all right {summary['all_fields_right']}"
          f"  kind {summary['phone_kind_accuracy']}  cer {summary['cer']}")
    for name, s in summary["fields"].items():
        print(f"  {name:9} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} n {s['support']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

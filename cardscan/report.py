"""The eval report page: the worst cards, each photo beside what was expected and what was read.

Everything that comes from a card (OCR text, parsed fields, truth) is escaped: text is data.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from cardscan.evaluate import FIELDS, CardOutcome, Metrics, Sample

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 2rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
.card{display:flex;gap:1rem;margin-bottom:2rem;border-top:2px solid #888;padding-top:1rem}
.card img{max-width:420px;max-height:420px;border:1px solid #aaa}
.bad{background:#fde2e2}.ok{background:#e6f4e6}
pre{white-space:pre-wrap;max-width:40rem;font-size:12px;background:#f6f6f6;padding:.5rem}
"""


def _thumbnail(path: Path, long_side: int = 600) -> str | None:
    """A small JPEG of the photo as a data URI, so the page is one self-contained file."""
    try:
        from PIL import Image, ImageOps

        with Image.open(path) as opened:
            thumb = ImageOps.exif_transpose(opened).convert("RGB")
            thumb.thumbnail((long_side, long_side))
            buffer = io.BytesIO()
            thumb.save(buffer, "JPEG", quality=80)
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _show(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict) and "number" in item:
                parts.append(f"{item['number']} ({item.get('kind', '?')})")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(value)


def write_report(path: Path, metrics: Metrics, samples: dict[str, Sample], worst: int = 30) -> None:
    summary = metrics.summary()
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(name)}</td><td>{s['precision']:.3f}</td><td>{s['recall']:.3f}</td>"
        f"<td>{s['f1']:.3f}</td><td>{s['support']}</td></tr>"
        for name, s in summary["fields"].items()
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>cardscan eval</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>cardscan eval — {summary['cards']} cards, macro F1 {summary['macro_f1']:.4f}</h1>",
        "<table><tr><th>field</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>",
        rows,
        "</table>",
        f"<h2>The {worst} worst cards</h2>",
    ]

    def badness(outcome: CardOutcome) -> tuple[int, float]:
        return (len(outcome.wrong) + (5 if outcome.error else 0), outcome.cer or 0.0)

    for outcome in sorted(metrics.cards, key=badness, reverse=True)[:worst]:
        if not outcome.wrong and not outcome.error:
            break
        sample = samples[outcome.stem]
        got = outcome.got or {}
        image = _thumbnail(sample.card.front)
        img_tag = f"<img src='{image}' alt='{esc(outcome.stem)}'>" if image else "<p>(no image)</p>"
        field_rows = "".join(
            f"<tr class='{'bad' if name in outcome.wrong else 'ok'}'><td>{esc(name)}</td>"
            f"<td>{esc(_show(sample.truth.get(name)))}</td><td>{esc(_show(got.get(name)))}</td></tr>"
            for name in FIELDS
        )
        error = f"<p class='bad'>{esc(outcome.error)}</p>" if outcome.error else ""
        raw = esc((got.get("raw_text") or {}).get("front") or "")
        cer = "" if outcome.cer is None else f", CER {outcome.cer:.3f}"
        if outcome.cer_flexible is not None:
            cer += f", in any order {outcome.cer_flexible:.3f}"
        parts.append(
            f"<div class='card'><div>{img_tag}</div><div><h3>{esc(outcome.stem)} "
            f"({esc(outcome.quality)}{cer})</h3>{error}"
            f"<table><tr><th>field</th><th>expected</th><th>got</th></tr>{field_rows}</table>"
            f"<pre>{raw}</pre></div></div>"
        )
    parts.append("</body></html>")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(path)

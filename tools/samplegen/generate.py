"""Planning the sample set and writing images + truth files."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from . import content, fonts, photo, render
from .content import Card, Line

REGIONS = {"US": 22, "GB": 14, "DE": 16, "FR": 12, "IN": 9, "CA": 9, "AU": 8, "ES": 4, "NL": 3,
           "IT": 3}
# handwritten notes get the kinder conditions; printed backs the harder ones
NOTE_BACK_QUALITIES = {"desk": 45, "scan": 35, "angle": 10, "jpeg": 10}
PRINTED_BACK_QUALITIES = {"desk": 35, "scan": 25, "shadow": 20, "blur": 20}
QR_LAYOUTS = ("left", "right", "logo")
QR_QUALITIES = ("scan", "desk", "angle", "rot90", "rot180", "rot270", "shadow")


def deck(rng: random.Random, n: int, weights: Mapping[str, float]) -> list[str]:
    """n values in the given proportions (largest remainders), shuffled."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    rest = sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)
    for k in rest[: n - sum(counts.values())]:
        counts[k] += 1
    out = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(out)
    return out


def flags(rng: random.Random, pool: list[int], count: int) -> set[int]:
    return set(rng.sample(pool, min(count, len(pool))))


def plan_set(seed: int, n: int) -> list[dict[str, Any]]:
    rng = random.Random(f"plan-{seed}")
    qualities = deck(rng, n, {q: 1 for q in photo.QUALITIES})
    layouts = deck(rng, n, {lay: 1 for lay in render.LAYOUTS})
    regions = deck(rng, n, REGIONS)
    fams = [f.name for f in fonts.PRINT_FAMILIES]
    font_deck = deck(rng, n, {f: 1 for f in fams})
    idx = list(range(n))
    company_only = flags(rng, idx, round(n * 0.08))
    people = [i for i in idx if i not in company_only]
    caps = flags(rng, people, round(n * 0.15))
    middle = flags(rng, people, round(n * 0.15))
    social = flags(rng, idx, round(n * 0.2))
    non_band = [i for i in idx if layouts[i] != "band"]
    dark = flags(rng, non_band, math.ceil(n * 0.2))
    qr = flags(rng, [i for i in idx if layouts[i] in QR_LAYOUTS and qualities[i] in QR_QUALITIES],
               max(1, round(n * 0.0375)))
    company_caps = flags(rng, idx, round(n * 0.2))
    n_backs = round(n * 0.3)
    backs = sorted(flags(rng, idx, n_backs))
    back_kinds = deck(rng, len(backs), {"note": 30, "tagline": 6, "services": 6, "contact": 6})
    n_notes = back_kinds.count("note")
    note_q = deck(rng, n_notes, NOTE_BACK_QUALITIES)
    printed_q = deck(rng, len(backs) - n_notes, PRINTED_BACK_QUALITIES)
    back_of = {i: (kind, note_q.pop() if kind == "note" else printed_q.pop())
               for i, kind in zip(backs, back_kinds, strict=True)}
    plans = []
    for i in idx:
        kind, bq = back_of.get(i, (None, None))
        plans.append({
            "index": i + 1, "seed": seed, "quality": qualities[i], "layout": layouts[i],
            "region": regions[i], "font": font_deck[i], "company_only": i in company_only,
            "caps": i in caps, "middle": i in middle, "social": i in social, "dark": i in dark,
            "qr": i in qr, "company_caps": i in company_caps, "back": kind, "back_quality": bq,
        })
    return plans


def _collect(lines: list[Line]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"phones": [], "emails": [], "websites": [], "social": []}
    for ln in lines:
        out["phones"] += ln.phones
        out["emails"] += ln.emails
        out["websites"] += ln.websites
        out["social"] += ln.social
    return out


def _union(a: list[Any], b: list[Any]) -> list[Any]:
    out = list(a)
    for item in b:
        if item not in out:
            out.append(item)
    return out


def _save(path: Path, ph: photo.Photo) -> None:
    bgr = cv2.cvtColor(ph.image, cv2.COLOR_RGB2BGR)
    cv2.imwrite(str(path), bgr, [cv2.IMWRITE_JPEG_QUALITY, ph.jpeg_quality,
                                 cv2.IMWRITE_JPEG_OPTIMIZE, 1])


def make_one(plan: dict[str, Any], out: Path) -> dict[str, Any]:
    i = plan["index"]
    rng = random.Random(f"card-{plan['seed']}-{i}")
    family = next(f for f in fonts.PRINT_FAMILIES if f.name == plan["font"])
    card: Card = content.make_card(rng, plan)
    style = render.make_style(rng, family, plan["dark"])
    front = render.render_front(card, plan["layout"], style, rng)
    stem = f"card-{i:03d}"
    front_photo = photo.make_photo(np.asarray(front.image), front.mask, plan["quality"], rng)
    _save(out / f"{stem}.jpg", front_photo)

    printed = front.lines
    values = _collect(printed)
    back_lines: list[Line] = []
    back_photo = None
    notes: str | None = None
    extra: dict[str, Any] = {}
    if plan["back"]:
        kind = plan["back"]
        if kind == "note":
            content.make_back(rng, card, "note")
            hand = rng.choice(fonts.HAND_FAMILIES)
            ink = rng.choice(list(render.INKS))
            back = render.render_back_note(card, style, rng, hand, ink)
            notes = " ".join(ln.text for ln in back.lines)
            extra = {"note_font": hand.name, "ink": ink}
        elif kind in ("tagline", "services"):
            content.make_back(rng, card, kind)
            back = render.render_back_printed(card, style, rng)
            notes = " ".join(ln.text for ln in back.lines if ln.role != "company") or None
        else:
            layout2 = rng.choice([lay for lay in render.LAYOUTS if lay != plan["layout"]])
            saved_qr, card.qr = card.qr, None
            back = render.render_front(card, layout2, style, rng)
            card.qr = saved_qr
            extra = {"back_layout": layout2}
            vals = _collect(back.lines)
            for k in values:
                values[k] = _union(values[k], vals[k])
        back_lines = back.lines
        back_photo = photo.make_photo(np.asarray(back.image), back.mask, plan["back_quality"],
                                      rng)
        _save(out / f"{stem}-back.jpg", back_photo)

    corners = np.array(front_photo.corners)
    width_in_photo = (np.linalg.norm(corners[1] - corners[0])
                      + np.linalg.norm(corners[2] - corners[3])) / 2
    min_xh = front.min_x_height * width_in_photo / render.W

    def role(r: str, lines: list[Line]) -> str | None:
        return next((ln.text for ln in lines if ln.role == r), None)

    addr_lines = [ln.text for ln in printed if ln.role == "address"] or [
        ln.text for ln in back_lines if ln.role == "address"]
    p = card.person
    truth: dict[str, Any] = {
        "image": f"{stem}.jpg",
        "back_image": f"{stem}-back.jpg" if back_photo else None,
        "name": p.name if p else None,
        "name_printed": role("name", printed) if p else None,
        "given_name": p.given if p else None,
        "middle_name": p.middle if p else None,
        "family_name": p.family if p else None,
        "title": role("title", printed) or role("title", back_lines),
        "department": role("department", printed) or role("department", back_lines),
        "company": role("company", printed),
        "emails": [e.lower() for e in values["emails"]],
        "phones": values["phones"],
        "websites": values["websites"],
        "address": ", ".join(addr_lines) if addr_lines else None,
        "address_parts": card.address_parts if addr_lines else None,
        "social": values["social"],
        "notes": notes,
        "region": card.region,
        "quality": plan["quality"],
        "back_quality": plan["back_quality"] if back_photo else None,
        "corners": front_photo.corners,
        "back_corners": back_photo.corners if back_photo else None,
        "rotation": front_photo.rotation,
        "back_rotation": back_photo.rotation if back_photo else None,
        "text": "\n".join(ln.text for ln in printed),
        "back_text": "\n".join(ln.text for ln in back_lines) if back_photo else None,
        "layout": plan["layout"],
        "font": family.name,
        "font_style": family.style,
        "dark": plan["dark"],
        "qr": card.qr if front.qr_box else None,
        "back_kind": plan["back"],
        "tagline": role("tagline", printed),
        "background": front_photo.background,
        "image_size": [int(front_photo.image.shape[1]), int(front_photo.image.shape[0])],
        "min_x_height": round(float(min_xh), 1),
    }
    truth.update(extra)
    (out / "truth" / f"{stem}.json").write_text(
        json.dumps(truth, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return truth

"""Scoring the pipeline against a sample set (images + truth/*.json), per field and condition.

Matching rules (also in the README):
- name, title, company: case- and punctuation-insensitive equality;
- emails: exact, lower case; phones: exact E.164 (kind scored separately on matched phones);
- websites: without scheme, `www.` and trailing slash, case-insensitive;
- address, notes: right when token F1 >= 0.8.

OCR text against the printed text: `cer` (in reading order) and `flexible_cer` (reading order
ignored, after Clausner, Pletschacher & Antonacopoulos 2020, "Flexible character accuracy measure
for reading-order-independent evaluation").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardscan.errors import InputError
from cardscan.model import Card, Contact
from cardscan.strings import best_substring, edit_distance

FIELDS = ("name", "title", "company", "emails", "phones", "websites", "address", "notes")
SINGLE_FIELDS = {"name", "title", "company", "address", "notes"}
TOKEN_FIELDS = {"address", "notes"}
TOKEN_F1_THRESHOLD = 0.8


@dataclass
class Sample:
    stem: str
    card: Card
    truth: dict[str, Any]

    @property
    def quality(self) -> str:
        return str(self.truth.get("quality") or "unknown")


def load_samples(folder: Path) -> list[Sample]:
    truth_dir = folder / "truth"
    if not truth_dir.is_dir():
        raise InputError(folder, "not a sample set (no truth/ folder with <stem>.json files)")
    samples = []
    for path in sorted(truth_dir.glob("*.json")):
        try:
            truth = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(path, f"unreadable truth file: {exc}") from None
        if "image" not in truth:
            raise InputError(path, "truth file has no 'image' key")
        back = truth.get("back_image")
        card = Card(front=folder / truth["image"], back=folder / back if back else None)
        samples.append(Sample(stem=path.stem, card=card, truth=truth))
    if not samples:
        raise InputError(folder, "no truth/*.json files in this sample set")
    return samples


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def tokens(text: str | None) -> list[str]:
    return _fold(text or "").split()


def token_f1(expected: str | None, got: str | None) -> float:
    exp, hyp = Counter(tokens(expected)), Counter(tokens(got))
    if not exp and not hyp:
        return 1.0
    common = sum((exp & hyp).values())
    if not common:
        return 0.0
    precision = common / sum(hyp.values())
    recall = common / sum(exp.values())
    return 2 * precision * recall / (precision + recall)


def normalise_website(site: str) -> str:
    site = site.strip().lower()
    site = re.sub(r"^[a-z]+://", "", site)
    site = re.sub(r"^www\.", "", site)
    return site.rstrip("/")


def single_matches(field_name: str, expected: str | None, got: str | None) -> bool:
    if field_name in TOKEN_FIELDS:
        return token_f1(expected, got) >= TOKEN_F1_THRESHOLD
    return _fold(expected or "") == _fold(got or "")


def _values(field_name: str, data: dict[str, Any]) -> list[str]:
    raw = data.get(field_name) or []
    if field_name == "phones":
        return [p["number"] for p in raw]
    if field_name == "websites":
        return [normalise_website(w) for w in raw]
    return [str(v).lower() for v in raw]


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fp + self.fn


def cer(expected: str, got: str) -> float:
    """Character error rate: edit distance over the expected length (whitespace folded)."""
    a = " ".join(expected.split())
    b = " ".join(got.split())
    if not a:
        return 0.0 if not b else 1.0
    return edit_distance(a, b) / len(a)


def flexible_cer(expected: str, got: str) -> float:
    """Character error rate that ignores reading order: lines may be read in any order or joined.

    Whitespace is folded as in `cer`, and the rate has the same denominator (the folded truth,
    a line break counting as one character). Round by round, the truth line that matches some
    stretch of what is left of the OCR text best (lowest edit distance per character, the longer
    line on ties) is paired with that stretch and costs its edit distance; the stretch is cut out,
    so no later line can match across the gap. A line whose best match is no better than deleting
    it costs its length. The OCR characters left over count as insertions, except that whitespace
    stands for the truth's line breaks: breaks cost only when the leftovers hold fewer spaces than
    the truth has breaks (a leftover character can stand for a break, at the price it already
    pays). The greedy pairing can miss the best one, so the result is capped at `cer`: it is 0 for
    a perfect reading in any order and 1.0 for an empty one.
    """
    plain = cer(expected, got)
    a = " ".join(expected.split())
    b = " ".join(got.split())
    if not a:
        return plain
    lines = [folded for line in expected.splitlines() if (folded := " ".join(line.split()))]
    breaks = len(lines) - 1
    pieces = [b]
    cost = 0
    matches: dict[tuple[str, str], tuple[int, int, int]] = {}  # pieces repeat between rounds
    while lines:
        rounds = []
        for n, line in enumerate(lines):
            for k, piece in enumerate(pieces):
                if (line, piece) not in matches:
                    matches[line, piece] = best_substring(line, piece)
                distance, start, end = matches[line, piece]
                rounds.append((distance / len(line), -len(line), n, k, distance, start, end))
        ratio, _, n, k, distance, start, end = min(rounds)
        if ratio >= 1:  # no line left is worth pairing with what is left: all of them were missed
            cost += sum(len(line) for line in lines)
            break
        cost += distance
        lines.pop(n)
        piece = pieces.pop(k)
        pieces[k:k] = [piece[:start], piece[end:]]
    leftover = "".join(pieces)
    spaces = leftover.count(" ")
    cost += max(len(leftover) - spaces, breaks - spaces)
    return min(cost / len(a), plain)


def quad_iou(a: list[list[float]], b: list[list[float]]) -> float:
    """Intersection over union of two convex quadrilaterals."""
    import cv2
    import numpy as np

    pa = np.array(a, dtype=np.float32)
    pb = np.array(b, dtype=np.float32)
    inter, _ = cv2.intersectConvexConvex(pa, pb)
    union = cv2.contourArea(pa) + cv2.contourArea(pb) - inter
    return float(inter / union) if union > 0 else 0.0


@dataclass
class CardOutcome:
    stem: str
    quality: str
    wrong: list[str]
    error: str | None = None
    cer: float | None = None
    cer_flexible: float | None = None
    corner_iou: float | None = None
    rotation_right: bool | None = None  # on cards the truth says are turned in the photo
    got: dict[str, Any] | None = None


@dataclass
class Metrics:
    """Accumulates card by card (doctr's update/summary habit)."""

    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    by_quality: dict[str, dict[str, FieldScore]] = field(default_factory=dict)
    kind_right: int = 0
    kind_total: int = 0
    cards: list[CardOutcome] = field(default_factory=list)

    def update(self, sample: Sample, contact: Contact | None, error: str | None = None,
               diagnostics: dict[str, Any] | None = None) -> CardOutcome:
        truth = sample.truth
        got = contact.to_dict() if contact else {}
        quality_scores = self.by_quality.setdefault(
            sample.quality, {f: FieldScore() for f in FIELDS}
        )
        wrong = []
        for name in FIELDS:
            tp, fp, fn = self._score(name, truth, got)
            for scores in (self.fields, quality_scores):
                scores[name].tp += tp
                scores[name].fp += fp
                scores[name].fn += fn
            if fp or fn:
                wrong.append(name)
        if contact:
            kinds = {p["number"]: p["kind"] for p in truth.get("phones") or []}
            for phone in contact.phones:
                if phone.number in kinds:
                    self.kind_total += 1
                    self.kind_right += phone.kind == kinds[phone.number]
        outcome = CardOutcome(
            stem=sample.stem, quality=sample.quality, wrong=wrong, error=error, got=got or None
        )
        diagnostics = diagnostics or {}
        if truth.get("text") and contact and contact.raw_text.get("front") is not None:
            outcome.cer = cer(truth["text"], contact.raw_text["front"] or "")
            outcome.cer_flexible = flexible_cer(truth["text"], contact.raw_text["front"] or "")
        if truth.get("corners") and diagnostics.get("corners"):
            outcome.corner_iou = quad_iou(truth["corners"], diagnostics["corners"])
        if truth.get("rotation") and "rotation" in diagnostics:
            outcome.rotation_right = int(truth["rotation"]) % 360 == int(diagnostics["rotation"]) % 360
        self.cards.append(outcome)
        return outcome

    @staticmethod
    def _score(name: str, truth: dict[str, Any], got: dict[str, Any]) -> tuple[int, int, int]:
        if name in SINGLE_FIELDS:
            expected, value = truth.get(name), got.get(name)
            if not expected and not value:
                return 0, 0, 0
            if expected and value and single_matches(name, expected, value):
                return 1, 0, 0
            return 0, int(bool(value)), int(bool(expected))
        exp, hyp = set(_values(name, truth)), set(_values(name, got))
        return len(exp & hyp), len(hyp - exp), len(exp - hyp)

    @staticmethod
    def macro(scores: dict[str, FieldScore]) -> float:
        used = [s.f1 for s in scores.values() if s.support]
        return sum(used) / len(used) if used else 0.0

    def summary(self) -> dict[str, Any]:
        def table(scores: dict[str, FieldScore]) -> dict[str, Any]:
            return {
                name: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for name, s in scores.items()
            }

        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        cers = [c.cer for c in self.cards if c.cer is not None]
        flexible_cers = [c.cer_flexible for c in self.cards if c.cer_flexible is not None]
        ious = [c.corner_iou for c in self.cards if c.corner_iou is not None]
        photo_ious = [c.corner_iou for c in self.cards if c.corner_iou is not None and c.quality != "scan"]
        turned = [c.rotation_right for c in self.cards if c.rotation_right is not None]
        quality_cer: dict[str, list[float]] = defaultdict(list)
        quality_flexible_cer: dict[str, list[float]] = defaultdict(list)
        quality_cards: dict[str, list[CardOutcome]] = defaultdict(list)
        for outcome in self.cards:
            quality_cards[outcome.quality].append(outcome)
            if outcome.cer is not None:
                quality_cer[outcome.quality].append(outcome.cer)
            if outcome.cer_flexible is not None:
                quality_flexible_cer[outcome.quality].append(outcome.cer_flexible)
        return {
            "cards": len(self.cards),
            "failed": sum(1 for c in self.cards if c.error),
            "macro_f1": round(self.macro(self.fields), 4),
            "all_fields_right": round(
                sum(1 for c in self.cards if not c.wrong and not c.error) / max(1, len(self.cards)), 4
            ),
            "phone_kind_accuracy": round(self.kind_right / self.kind_total, 4) if self.kind_total else None,
            "cer": mean(cers),
            "cer_flexible": mean(flexible_cers),
            "corner_iou_mean": round(sum(ious) / len(ious), 4) if ious else None,
            "corner_iou_ge_090": round(sum(1 for i in ious if i >= 0.9) / len(ious), 4) if ious else None,
            "corner_iou_ge_090_photos": round(sum(1 for i in photo_ious if i >= 0.9) / len(photo_ious), 4)
            if photo_ious else None,
            "rotated_cards": len(turned),
            "rotated_cards_upright": sum(turned),
            "fields": table(self.fields),
            "by_quality": {
                quality: {
                    "cards": len(quality_cards[quality]),
                    "macro_f1": round(self.macro(scores), 4),
                    "cer": mean(quality_cer[quality]),
                    "cer_flexible": mean(quality_flexible_cer[quality]),
                    "fields": {n: round(s.f1, 4) for n, s in scores.items() if s.support},
                }
                for quality, scores in sorted(self.by_quality.items())
            },
        }

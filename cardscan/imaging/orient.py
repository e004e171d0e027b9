"""Which way up the card is (0/90/180/270) and its fine skew, from the shapes of its letters.

A cheap test first, on the letters' bounding boxes:
- direction: a letter's nearest neighbour is the next letter of its word, so the
  nearest-neighbour vectors point along the text lines (horizontal or vertical);
- up or down: Latin text has more ascenders and capitals (b d f h k l t, i-dots) rising above
  the x-height band than descenders (g j p q y) hanging below it, so the side with more
  overhang is the top.
When that test is unsure (little text, all capitals, digits), the OCR engine's OSD may decide
(the `osd` step; it ships off, a tie on eval: the pipeline asks OSD when a front reads poorly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np

MIN_LETTERS = 12


@dataclass(frozen=True)
class Letters:
    """Bounding boxes (x, y, w, h) of letter-like ink components on a card image."""

    boxes: np.ndarray
    width: int
    height: int
    # the same letters turned, by quarter turns: orientation and x-height ask for the same turn
    _turns: dict[int, Letters] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_ink(cls, ink: np.ndarray) -> Letters:
        # Grana's labelling gives the default's labels in the default's order, ~3x faster
        _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(ink, 8, cv2.CV_32S, cv2.CCL_GRANA)
        stats = stats[1:]
        height, width = ink.shape[:2]
        w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
        big = np.maximum(w, h)
        keep = (
            (big >= 5) & (big <= 0.25 * min(width, height) + 5)
            & (np.minimum(w, h) >= 2) & (area >= 8) & (area <= 0.95 * w * h)
            & (np.maximum(w, h) <= 6 * np.minimum(w, h))
        )
        return cls(stats[keep, :4].astype(np.float64), width, height)

    def __len__(self) -> int:
        return len(self.boxes)

    def turned(self, quarter_turns: int) -> Letters:
        """The same letters after turning the image `quarter_turns` × 90° clockwise."""
        turns = quarter_turns % 4
        if not turns:
            return self
        if turns not in self._turns:
            boxes, width, height = self.boxes, self.width, self.height
            for _ in range(turns):
                x, y, w, h = boxes.T
                boxes = np.stack([height - y - h, x, h, w], axis=1)
                width, height = height, width
            self._turns[turns] = Letters(boxes, width, height)
        return self._turns[turns]

    @cached_property
    def lines(self) -> list[np.ndarray]:
        """The letters grouped into text lines (text assumed horizontal), as index arrays."""
        return _lines(self)

    @cached_property
    def bands(self) -> list[tuple[float, float]]:
        """Each line's x-height band: the median top and the median bottom of its letters (the
        orientation test and the x-height both ask, of the same letters on an upright card)."""
        boxes = self.boxes
        out = []
        for members in self.lines:
            tops = boxes[members, 1]
            out.append((_median(tops), _median(tops + boxes[members, 3])))
        return out


def _median(values: np.ndarray) -> float:
    """np.median of a few values, to the bit: the middle one, or the mean of the middle two.
    (np.median's own overhead is ~10 µs a call, many times the sort of a line's letters.)"""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float((ordered[middle - 1] + ordered[middle]) / 2)


@dataclass(frozen=True)
class OrientationGuess:
    rotation: int  # degrees clockwise the card appears turned
    sure: bool
    direction_margin: float
    updown_margin: float


def text_is_vertical(letters: Letters) -> tuple[bool, float]:
    """Whether text lines run top-to-bottom, and how clearly (0..1)."""
    if len(letters) < 3:
        return False, 0.0
    boxes = letters.boxes
    if len(boxes) > 600:
        boxes = boxes[np.argsort(-boxes[:, 3] * boxes[:, 2])[:600]]
    cx, cy = (boxes[:, :2] + boxes[:, 2:] / 2).T
    dx = np.abs(cx[None, :] - cx[:, None])
    dy = np.abs(cy[None, :] - cy[:, None])
    dist = np.hypot(dx, dy)
    # A letter's nearest neighbour along its line is clearly nearer than the nearest one in
    # the next line. A QR code's modules (or a dotted pattern) sit as close in both directions:
    # they vote for neither, instead of for whichever neighbour happens to come first. (A
    # letter is neither across from nor down from itself.)
    nearest_across = dist.min(axis=1, where=dx > 1.5 * dy, initial=np.inf)
    nearest_down = dist.min(axis=1, where=dy > 1.5 * dx, initial=np.inf)
    horizontal = float(np.sum(nearest_across < 0.8 * nearest_down))
    vertical = float(np.sum(nearest_down < 0.8 * nearest_across))
    total = horizontal + vertical
    if not total:
        return False, 0.0
    return vertical > horizontal, abs(horizontal - vertical) / total


def _lines(letters: Letters) -> list[np.ndarray]:
    """Letters grouped into text lines (text assumed horizontal), each as an index array."""
    boxes = letters.boxes
    if not len(boxes):
        return []
    size = float(np.median(boxes[:, 3]))
    gap = max(3, int(size * 0.9))
    x, y, w, h = boxes.astype(int).T
    # the middle half of each letter's height: joins a line's letters, not adjacent lines
    top, bottom = y + h // 4, y + (3 * h) // 4
    # Only the rows the letters' bands span are drawn, joined and labelled, and only their
    # columns with `gap` blank ones either side, where the closing sees the same blank margin
    # as on the whole card: the same lines, from a fraction of the pixels.
    x0, x1 = max(0, int(x.min()) - gap), min(letters.width, int((x + w).max()) + gap)
    y0, y1 = max(0, int(top.min())), min(letters.height, int(bottom.max()) + 1)
    if x1 <= x0 or y1 <= y0:
        return []  # no letter on the card
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for left, right, upper, lower in zip(x - x0, x + w - 1 - x0, top - y0, bottom - y0, strict=True):
        cv2.rectangle(mask, (left, upper), (right, lower), 255, -1)
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    _, labels = cv2.connectedComponentsWithAlgorithm(joined, 4, cv2.CV_32S, cv2.CCL_WU)  # the fastest 4-way
    # each letter's centre, which lies in its band, so in the part labelled
    cx = np.clip((boxes[:, 0] + boxes[:, 2] / 2).astype(int), 0, letters.width - 1)
    cy = np.clip((boxes[:, 1] + boxes[:, 3] / 2).astype(int), 0, letters.height - 1)
    line_of = labels[cy - y0, cx - x0]
    groups = []
    for label in np.unique(line_of):
        if label == 0:
            continue
        members = np.flatnonzero(line_of == label)
        if len(members) >= 3:
            groups.append(members)
    return groups


def overhang(letters: Letters) -> tuple[int, int]:
    """Letters rising above their line's x-height band, and letters hanging below it."""
    ups = downs = 0
    boxes = letters.boxes
    for members, (x_line, baseline) in zip(letters.lines, letters.bands, strict=True):
        tops = boxes[members, 1]
        bottoms = tops + boxes[members, 3]
        x_height = baseline - x_line
        if x_height < 3:
            continue
        ups += int(np.sum(tops < x_line - 0.25 * x_height))
        downs += int(np.sum(bottoms > baseline + 0.25 * x_height))
    return ups, downs


def x_heights(letters: Letters) -> np.ndarray:
    """Each text line's x-height (median letter top to median letter bottom), upright text."""
    return np.array([baseline - x_line for x_line, baseline in letters.bands], dtype=np.float64)


def guess_orientation(letters: Letters) -> OrientationGuess:
    """The cheap test: rotation clockwise the text appears turned, and whether it is sure."""
    vertical, direction_margin = text_is_vertical(letters)
    base = 90 if vertical else 0
    # turn the text horizontal (counter-clockwise by `base`), then ask which side is up
    horizontal = letters.turned((4 - base // 90) % 4)
    ups, downs = overhang(horizontal)
    total = ups + downs
    updown_margin = (ups - downs) / total if total else 0.0
    rotation = base if updown_margin >= 0 else (base + 180) % 360
    sure = (
        len(letters) >= MIN_LETTERS
        and direction_margin >= 0.3
        and total >= 8
        and abs(updown_margin) >= 0.3
    )
    return OrientationGuess(rotation, sure, direction_margin, abs(updown_margin))


def skew_angle(letters: Letters, limit: float = 5.0) -> float:
    """Degrees the (upright) text lines slope clockwise, from where the letters sit."""
    if len(letters) < MIN_LETTERS:
        return 0.0
    boxes = letters.boxes
    x = boxes[:, 0] + boxes[:, 2] / 2
    y = boxes[:, 1] + boxes[:, 3]
    size = max(2.0, float(np.median(boxes[:, 3])) / 3)

    def sharpness(angles: np.ndarray) -> np.ndarray:
        """For each angle, how sharply the letters' feet bunch into lines: the sum of squared
        counts of a histogram of where they project (all angles in one go)."""
        projected = y[None, :] - x[None, :] * np.tan(np.radians(angles))[:, None]
        bins = ((projected - projected.min(axis=1, keepdims=True)) / size).astype(int)
        width = int(bins.max()) + 1
        rows = bins + (np.arange(len(angles)) * width)[:, None]
        hist = np.bincount(rows.ravel(), minlength=len(angles) * width).reshape(len(angles), width)
        return np.asarray((hist.astype(np.float64) ** 2).sum(axis=1))

    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = coarse[int(np.argmax(sharpness(coarse)))]
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores = sharpness(np.append(fine, 0.0))
    pick = int(np.argmax(scores[:-1]))
    return float(fine[pick]) if scores[pick] > 1.05 * scores[-1] else 0.0

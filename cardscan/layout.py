"""What the card image shows of its layout that Tesseract's page layout analysis (psm 3) gets
wrong: a vertical divider rule between two columns, and the rows of text one OCR line joined.

Pure functions of a grayscale card image (and a reading of it); the pipeline decides what to
read again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from cardscan.imaging import clean, orient
from cardscan.model import OcrLine, OcrWord, WordBox

# A divider is a vertical rule at least this many x-heights long, and this share of the card's
# height: a letter's stem (l, I, |) is one x-height and a half at most, a table of digits
# lined up is broken by its line gaps.
DIVIDER_X_HEIGHTS = 8.0
DIVIDER_CARD_SHARE = 0.3
# ... thinner than this share of an x-height (a bold rule is a third of one; a stem's width is
# a fifth, but a stem is never that long), ...
DIVIDER_THIN = 0.35
# ... and inside the card, four x-heights from its left and right edges and one from top and
# bottom: a card's own edge, or the desk's, flattened into a dark border is not a divider.
DIVIDER_SIDE_MARGIN = 4.0
DIVIDER_END_MARGIN = 1.0
# A rule may lean this much (a tangent: 2.5 degrees) from the vertical, the skew that deskewing
# by the text lines leaves on a photographed card: a thin rule leaning so drifts off any one
# pixel column over its length, so each column is looked at with its neighbours as far as it
# drifts.
DIVIDER_LEAN = 0.045
# A column narrower than this is the sliver between a divider and the card's edge, not read.
MIN_COLUMN_WIDTH = 20


def dividers(card: np.ndarray, x_height: float) -> list[tuple[int, int]]:
    """The (left, right) pixel columns of each vertical divider rule on the card, left to right."""
    ink = clean.ink_mask(card)
    height, width = card.shape[:2]
    length = max(int(DIVIDER_X_HEIGHTS * x_height), int(DIVIDER_CARD_SHARE * height))
    if length >= height:
        return []
    # The ink widened across by as far as a leaning rule drifts over its length: the rule is
    # then upright in it, as wide as it drifts.
    drift = math.ceil(length * DIVIDER_LEAN / 2)
    wide = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * drift + 1, 1)))
    # A vertical opening treats each pixel column on its own, and only a column holding
    # `length` pixels of ink can hold a rule: the opening runs on those columns alone (a few
    # on most cards), each run of neighbouring ones apart, and so does the labelling (no
    # component crosses a column without ink); the same components as the whole card's, for
    # a tenth of the time.
    candidates = np.flatnonzero(cv2.reduce(wide, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S)[0] >= length)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    pieces = []
    for run in np.split(candidates, np.flatnonzero(np.diff(candidates) > 1) + 1) if candidates.size else []:
        strip = np.ascontiguousarray(wide[:, run[0] : run[-1] + 1])
        rules = cv2.morphologyEx(strip, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
        stats[:, 0] += run[0]
        pieces.append(stats[1:count])
    side, end = DIVIDER_SIDE_MARGIN * x_height, DIVIDER_END_MARGIN * x_height
    found = []
    for left, top, w, h, _ in (row for stats in pieces for row in stats):
        # the rule's own ink: its box less the widening (each row holds the rule once)
        left, w = left + drift, w - 2 * drift
        inside = left >= side and left + w <= width - side and top >= end and top + h <= height - end
        if w <= 0 or not inside or h < length:
            continue
        thickness = int(ink[top : top + h, left : left + w].sum()) / h
        if thickness <= DIVIDER_THIN * x_height:
            found.append((int(left), int(left + w)))
    return sorted(found)


def columns(width: int, rules: list[tuple[int, int]], pad: int = 3) -> list[tuple[int, int]]:
    """The (left, right) pixel spans between the dividers, each `pad` pixels clear of them,
    less those too narrow to hold text."""
    edges = [0] + [edge for left, right in rules for edge in (max(0, left - pad), min(width, right + pad))]
    edges.append(width)
    spans = list(zip(edges[::2], edges[1::2], strict=True))
    return [(left, right) for left, right in spans if right - left >= MIN_COLUMN_WIDTH]


@dataclass(frozen=True)
class InkLine:
    """A line of ink on the card image: its box, and where its letters sit (median bottom,
    median height from the median top), as the image shows it whatever OCR made of it."""

    left: int
    top: int
    right: int
    bottom: int
    baseline: float
    x_height: float

    @classmethod
    def around(cls, box: WordBox) -> InkLine:
        """The line of ink a run of OCR words covers (its letters taken to sit on its bottom)."""
        return cls(box.left, box.top, box.right, box.bottom, float(box.bottom), box.height / 2)

    def holds_centre_of(self, box: InkLine) -> bool:
        x, y = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        return self.left <= x <= self.right and self.top <= y <= self.bottom


def ink_lines(card: np.ndarray, ink: np.ndarray | None = None) -> list[InkLine]:
    """The text lines the image shows: its ink components of a letter's size or a word's,
    grouped into lines as the image stage groups letters (orient.Letters.lines). Unlike the
    image stage's letters, a component may be long: blurred small print runs a word's letters
    into one blob. A big name's words come apart (their gaps are wide for the card's median
    letter); the rows below put them together again. `ink`: the card's clean.ink_mask, when
    already made."""
    ink = clean.ink_mask(card) if ink is None else ink
    _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(ink, 8, cv2.CV_32S, cv2.CCL_GRANA)
    height, width = ink.shape[:2]
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    keep = (
        (h >= 5) & (h <= 0.25 * min(width, height) + 5) & (np.minimum(w, h) >= 2) & (area >= 8)
        & (area <= 0.95 * w * h)  # a filled box is a rule or a band, not print
    )
    letters = orient.Letters(stats[1:][keep, :4].astype(np.float64), width, height)
    lines = []
    for members in letters.lines:
        x, y, bw, bh = (letters.boxes[members, i] for i in range(4))
        baseline = float(np.median(y + bh))
        lines.append(InkLine(int(x.min()), int(y.min()), int((x + bw).max()), int((y + bh).max()),
                             baseline, baseline - float(np.median(y))))
    return lines


# Two pieces of ink side by side are one row of text when their baselines are this close, in
# their smaller x-height (a line's words share a baseline to a pixel or two), ...
SAME_ROW_BASELINE = 0.25
# ... and their x-heights within this ratio (an all-capital word measures its capitals' height,
# 1.4 x-heights; a name beside a line of small print is twice its size or more).
SAME_ROW_SIZE = 1.6


def rows(pieces: list[InkLine]) -> list[InkLine]:
    """The pieces of ink grouped into rows of text, each as one InkLine, top to bottom."""
    grouped: list[list[InkLine]] = []
    for piece in sorted(pieces, key=lambda p: p.baseline):
        row = grouped[-1] if grouped else None
        if row is not None and _same_row(row[0], piece):
            row.append(piece)
        else:
            grouped.append([piece])
    return [
        InkLine(min(p.left for p in row), min(p.top for p in row), max(p.right for p in row),
                max(p.bottom for p in row), row[0].baseline, row[0].x_height)
        for row in grouped
    ]


def _same_row(a: InkLine, b: InkLine) -> bool:
    small, big = sorted((a.x_height, b.x_height))
    same_baseline = abs(a.baseline - b.baseline) <= SAME_ROW_BASELINE * small
    return same_baseline and big <= SAME_ROW_SIZE * max(small, 1.0)


def joined_rows(line: OcrLine, others: list[OcrLine], inks: list[InkLine]) -> list[InkLine]:
    """The rows of ink one OCR line spans, when it spans two or more (psm 3 joined lines of two
    columns that sit at different heights or sizes); else []. Ink that another OCR line holds
    (its box holds the ink's centre and is no taller than this one's) is that line's."""
    box = InkLine.around(line)
    mine = [
        ink for ink in inks if box.holds_centre_of(ink) and not any(
            other is not line and other.height <= line.height and InkLine.around(other).holds_centre_of(ink)
            for other in others
        )
    ]
    # a row must look like text: accents and i-dots group into "rows" of specks of their own
    found = [row for row in rows(mine) if row.right - row.left >= MIN_ROW_ASPECT * (row.bottom - row.top)]
    # and lie beside the others (the lines of two columns), not over one: the accents of a
    # capital name ("BJÖRN MÜLLER") are a row above it
    found = [row for row in found if not any(
        other is not row and other.bottom - other.top > row.bottom - row.top
        and min(other.right, row.right) - max(other.left, row.left) > (row.right - row.left) / 2
        for other in found
    )]
    return found if len(found) >= 2 else []


# A row at least this many times as wide as it is high is a word or more, not the accents over
# a capital name ("Björn Čolić") or a dotted leader.
MIN_ROW_ASPECT = 2.0


# A line of ink is text the reading dropped when it is at least this many times as wide as it
# is high (a short word or more; a speck, a logo's mark or an icon is not), ...
LOST_MIN_ASPECT = 3.0
# ... its height is within these multiples of the median height of the words read (a logo's
# shapes and a QR code's modules group into "lines" too, of other sizes), ...
LOST_SIZE = (0.5, 2.5)
# ... and words read on its height cover no more than this share of its width.
LOST_COVERED = 0.2


def lost_lines(inks: list[InkLine], words: list[OcrWord]) -> list[InkLine]:
    """The lines of ink that look like text of the size of the words read and that those
    words leave uncovered: the layout analysis dropped them (psm 3 on blurred small print)."""
    heights = [w.height for w in words if sum(ch.isalnum() for ch in w.text) >= 2]
    if not heights:
        return []
    size = float(np.median(heights))
    low, high = LOST_SIZE
    return [
        ink for ink in inks
        if ink.right - ink.left >= LOST_MIN_ASPECT * (ink.bottom - ink.top)
        and low * size <= ink.bottom - ink.top <= high * size and _covered_share(ink, words) <= LOST_COVERED
    ]


def _covered_share(ink: InkLine, words: list[OcrWord]) -> float:
    """The share of the line's width that words read on its height cover."""
    pad, middle = (ink.bottom - ink.top) / 3, (ink.top + ink.bottom) / 2
    spans = sorted(
        (max(w.left, ink.left), min(w.left + w.width, ink.right)) for w in words
        if w.top - pad <= middle <= w.top + w.height + pad
        and w.left < ink.right and w.left + w.width > ink.left
    )
    covered, reach = 0, ink.left
    for left, right in spans:
        left = max(left, reach)
        if right > left:
            covered, reach = covered + right - left, right
    return covered / max(1, ink.right - ink.left)


# Marks of ink just above a line that its words' boxes leave out: an accent on a capital,
# which psm 3 drops from a big line ("Angela Alvarez" for "Ángela Álvarez") and reads when the
# line is cut out with it. Looked for in a band of this share of the line's box height above
# it; a mark must sit on the band's bottom (within MARK_GAP px of the line) and not reach its
# top (a descender of the line above does), be no wider than MARK_WIDTH and at least
# MARK_HEIGHT of the line's height (the letters' own tops poke a pixel above their boxes).
MARK_BAND = 0.5
MARK_GAP = 3
MARK_WIDTH = 0.6
MARK_HEIGHT = 0.12


def marks_above(ink: np.ndarray, box: WordBox) -> int | None:
    """The top of the accent-like marks just above the box on the ink mask (clean.ink_mask
    of the card), or None when there are none."""
    span = box.bottom - box.top
    band_top = max(0, box.top - int(MARK_BAND * span))
    band = np.ascontiguousarray(ink[band_top:box.top, max(0, box.left):box.right])
    if band.shape[0] < 4 or band.shape[1] < 2:
        return None
    _, _, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    y, w, h = (stats[1:, i] for i in range(1, 4))
    marks = ((y > 0) & (y + h >= band.shape[0] - MARK_GAP) & (w <= MARK_WIDTH * span)
             & (h >= MARK_HEIGHT * span))
    return int(band_top + y[marks].min()) if marks.any() else None


def row_image(card: np.ndarray, row: InkLine) -> tuple[np.ndarray, int, int]:
    """The row cut from the card with a margin of half its height, the rest of the margin
    painted with the card's ground (a neighbour's ascenders would be read as a line of their
    own), and the crop's left and top on the card."""
    margin = (row.bottom - row.top) // 2 + 4
    height, width = card.shape[:2]
    left, top = max(0, row.left - margin), max(0, row.top - margin)
    crop = card[top:min(height, row.bottom + margin), left:min(width, row.right + margin)].copy()
    ground = np.median(crop)
    keep = np.zeros(crop.shape[:2], bool)
    keep[max(0, row.top - top - 2):row.bottom - top + 2,
         max(0, row.left - left - 2):row.right - left + 2] = True
    crop[~keep] = ground
    return crop, left, top


def strip_sheet(
    card: np.ndarray, inks: list[InkLine], scales: list[float] | None = None,
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The lines cut out (row_image) and stacked on one sheet of the card's ground, a line's
    height apart, so that Tesseract reads them all in one call; and for each, its top and
    bottom on the sheet and the left and top of its cut on the card. With `scales`, each cut
    is shrunk by its own factor (area averaging) before it is stacked."""
    crops = []
    for number, ink in enumerate(inks):
        crop, left, top = row_image(card, ink)
        if scales is not None and scales[number] != 1.0:
            crop = cv2.resize(crop, None, fx=scales[number], fy=scales[number], interpolation=cv2.INTER_AREA)
        crops.append((crop, left, top))
    gap = max(crop.shape[0] for crop, _, _ in crops)
    width = max(crop.shape[1] for crop, _, _ in crops)
    height = sum(crop.shape[0] for crop, _, _ in crops) + gap * (len(crops) + 1)
    sheet = np.full((height, width), np.median(card), card.dtype)
    places = []
    y = gap
    for crop, left, top in crops:
        sheet[y:y + crop.shape[0], :crop.shape[1]] = crop
        places.append((y, y + crop.shape[0], left, top))
        y += crop.shape[0] + gap
    return sheet, places

"""What the card image shows of its layout that Tesseract's page layout analysis (psm 3) gets
wrong: a vertical divider rule between two columns.

Pure functions of a grayscale card image; the pipeline decides how to read it.
"""

from __future__ import annotations

import cv2
import numpy as np

from cardscan.imaging import clean

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
# A column narrower than this is the sliver between a divider and the card's edge, not read.
MIN_COLUMN_WIDTH = 20


def dividers(card: np.ndarray, x_height: float) -> list[tuple[int, int]]:
    """The (left, right) pixel columns of each vertical divider rule on the card, left to right."""
    ink = clean.ink_mask(card)
    height, width = card.shape[:2]
    length = max(int(DIVIDER_X_HEIGHTS * x_height), int(DIVIDER_CARD_SHARE * height))
    if length >= height:
        return []
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    side, end = DIVIDER_SIDE_MARGIN * x_height, DIVIDER_END_MARGIN * x_height
    found = []
    for left, top, w, h, area in stats[1:count]:
        inside = left >= side and left + w <= width - side and top >= end and top + h <= height - end
        if inside and h >= length and area / h <= DIVIDER_THIN * x_height:
            found.append((int(left), int(left + w)))
    return sorted(found)


def columns(width: int, rules: list[tuple[int, int]], pad: int = 3) -> list[tuple[int, int]]:
    """The (left, right) pixel spans between the dividers, each `pad` pixels clear of them,
    less those too narrow to hold text."""
    edges = [0] + [edge for left, right in rules for edge in (max(0, left - pad), min(width, right + pad))]
    edges.append(width)
    spans = list(zip(edges[::2], edges[1::2], strict=True))
    return [(left, right) for left, right in spans if right - left >= MIN_COLUMN_WIDTH]

"""Cleaning the flattened card for Tesseract: dark text on an evenly lit light ground.

Tesseract binarises internally (Otsu over the whole image), which fails on a shadow across the
card and on light text on a dark band; both are fixed here. Binarising ourselves is optional
and off unless eval shows it helps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

ANALYSIS_LONG_SIDE = 256


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than their surroundings (text on a light ground), as 0/1."""
    block = max(15, (min(gray.shape[:2]) // 20) | 1)
    binary = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    return binary


# The 5th percentile of the card's ground above this: a light card all over, the usual card.
LIGHT_GROUND = 110.0
# A light part of a card with some dark ground is taken for dark ground too when the marks on
# it stand out lighter than it by this many levels on average, and this many times as much as
# any darker marks (a blank or shadowed light part has neither).
GLARE_MARKS = 8.0
GLARE_POLARITY = 1.4
GLARE_MIN_AREA = 0.01  # of the card: not a speck
# ... or when it holds more marks lighter than it by MARK_LEVEL than darker ones, by this many
# times, and enough of them to be letters (a share of the card's pixels)
MARK_LEVEL = 20
GLARE_COUNT_POLARITY = 3.0
GLARE_MIN_MARKS = 0.005


@dataclass(frozen=True)
class Ground:
    """Where the card's ground is dark, measured on a small copy (ANALYSIS_LONG_SIDE)."""

    low: float  # 5th percentile of the ground's level
    weight: np.ndarray | None  # 0..1 per pixel of the small copy, 1 on a dark ground; None: none

    def surely_light(self, margin: float) -> bool:
        """Light all over by `margin` levels: a copy of the card resampled at another scale or
        angle (the preview and the final card) is light all over too."""
        return self.weight is None and self.low > LIGHT_GROUND + margin


def dark_ground(gray: np.ndarray) -> Ground:
    """Where the card's ground is dark (light text on a dark card or band)."""
    small = cv2.resize(gray, _size_for(gray, ANALYSIS_LONG_SIDE), interpolation=cv2.INTER_AREA)
    # The median over a window much taller than a text line is the ground, not the text.
    window = max(5, (max(small.shape) // 12) | 1)
    ground = cv2.medianBlur(small, window)
    low, high = _percentiles(ground, 5, 95)
    if low > LIGHT_GROUND:  # all light: the usual card
        return Ground(low, None)
    if high - low > 60:
        split, _ = cv2.threshold(ground, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        split = min(split, 140.0)
    else:
        split = 110.0  # one ground all over: dark only if it is really dark
    dark = (ground < split).astype(np.uint8)
    # Only where the marks on it are lighter than the ground: a shadowed light card has dark
    # text on a grey ground and must not be inverted.
    bright_marks = cv2.dilate(small, np.ones((3, 3), np.uint8)).astype(np.int16) - ground
    dark_marks = ground.astype(np.int16) - cv2.erode(small, np.ones((3, 3), np.uint8))
    count, labels = cv2.connectedComponents(dark)
    for label in range(1, count):
        region = labels == label
        if np.mean(bright_marks[region]) <= np.mean(dark_marks[region]):
            dark[region] = 0
    # And the other way: on a card with some dark ground, a part of the ground lighter than the
    # split whose marks are clearly lighter than it is that card under glare (the light blue a
    # lamp leaves on a navy card, its white text still the lighter), or the inside of big light
    # letters on a dark band. (With no dark ground there is no dark card to be lit: a photo of
    # a sunny sky above dark hills is left as it is.)
    light = (ground >= split).astype(np.uint8)
    count, labels = cv2.connectedComponents(light) if dark.any() else (0, light)
    for label in range(1, count):
        region = labels == label
        if np.count_nonzero(region) < GLARE_MIN_AREA * region.size:
            continue
        bright, dim = float(np.mean(bright_marks[region])), float(np.mean(dark_marks[region]))
        # on a smooth glare the few letters are diluted in the mean: count the clear marks
        strong = np.count_nonzero(bright_marks[region] > MARK_LEVEL)
        weak = np.count_nonzero(dark_marks[region] > MARK_LEVEL)
        if (bright >= GLARE_MARKS and bright > GLARE_POLARITY * dim) or (
                strong >= GLARE_MIN_MARKS * region.size and strong > GLARE_COUNT_POLARITY * weak):
            dark[region] = 1
    if not dark.any():
        return Ground(low, None)
    return Ground(low, cv2.GaussianBlur(dark.astype(np.float32), (3, 3), 0))


def invert_dark(gray: np.ndarray, ground: Ground | None = None) -> np.ndarray:
    """Light text on a dark card or colour band becomes dark text on light. `ground`: the
    card's dark_ground, when already measured."""
    small = (ground or dark_ground(gray)).weight
    if small is None:
        return gray
    weight: np.ndarray = cv2.resize(small, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    # Only the box holding the dark ground changes (a colour band is a strip of the card):
    # weight * (255 - gray) + (1 - weight) * gray there, in float32, in place.
    x, y, w, h = cv2.boundingRect((weight > 0).view(np.uint8))
    weight = weight[y:y + h, x:x + w]
    level = gray[y:y + h, x:x + w].astype(np.float32)
    out = 255.0 - level
    out *= weight
    np.subtract(1.0, weight, out=weight)
    weight *= level
    out += weight
    np.clip(out, 0, 255, out=out)
    inverted = gray.copy()
    inverted[y:y + h, x:x + w] = out.astype(np.uint8)
    return inverted


# 245 / ground level, as float32, for each 8-bit ground level (0 counted as 1)
FLATTEN_ROWS = 256  # rows brightened at a time (memory, not results)
_BRIGHTEN = np.float32(245.0) / np.maximum(np.arange(256), 1).astype(np.float32)


def flatten_light(gray: np.ndarray, x_height: float = 24.0) -> np.ndarray:
    """Divide by the ground's brightness: shadows and lamp fall-off go, the text stays."""
    factor = min(1.0, 400.0 / max(gray.shape[:2]))
    small = cv2.resize(gray, _size_for(gray, int(max(gray.shape[:2]) * factor)), interpolation=cv2.INTER_AREA)
    # A max filter wider than a bold stroke removes the text and leaves the ground.
    radius = max(3, round(1.5 * x_height * factor))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    ground = cv2.dilate(small, kernel)
    ground = gaussian_blur(ground, radius)
    ground = cv2.resize(ground, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    # gray * float32(245 / ground), truncated to 8 bits: the division looked up, not repeated;
    # in bands of rows, so that no float32 copy of a whole (upscaled) card is ever held
    out = np.empty_like(gray)
    for top in range(0, gray.shape[0], FLATTEN_ROWS):
        rows = slice(top, top + FLATTEN_ROWS)
        product = cv2.multiply(gray[rows], cv2.LUT(ground[rows], _BRIGHTEN), dtype=cv2.CV_32F)
        np.minimum(product, 255, out=product)
        out[rows] = product
    return out


def binarize(gray: np.ndarray) -> np.ndarray:
    """Sauvola-like local threshold, for the eval on/off table; off by default."""
    block = max(15, (int(min(gray.shape[:2]) / 25)) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def gaussian_blur(image: np.ndarray, sigma: int) -> np.ndarray:
    """cv2.GaussianBlur(image, (0, 0), sigma) of an 8-bit image, to the bit, 4x faster.

    OpenCV blurs 8-bit images exactly, in fixed point: taps of 1/256 summing to one, across
    then down, rounded once at the end. Its generic loop is slow for a kernel this wide; the
    same integer sums fit float32 exactly (255 * 256 * 256 < 2**24), so a separable filter in
    float32 gives them, and the rounding is redone here.
    """
    taps = _gaussian_taps(sigma)
    if taps is None:
        return cv2.GaussianBlur(image, (0, 0), sigma)
    return _blur_with(image, taps)


def _blur_with(image: np.ndarray, taps: np.ndarray) -> np.ndarray:
    sums: np.ndarray = cv2.sepFilter2D(image, cv2.CV_32F, taps, taps, borderType=cv2.BORDER_REFLECT_101)
    return np.floor((sums + np.float32(32768)) * np.float32(1 / 65536)).astype(np.uint8)


@cache
def _gaussian_taps(sigma: int) -> np.ndarray | None:
    """OpenCV's fixed-point Gaussian taps (in 1/256) for an 8-bit image, as wide as its kernel
    (round(6 sigma + 1), odd): read from its blur of one bright point, across only. None when
    they do not reproduce its blur of a test image to the bit (another OpenCV's layout)."""
    size = round(6 * sigma + 1) | 1
    point = np.zeros((1, 4 * size + 1), np.uint8)
    point[0, 2 * size] = 255
    row = cv2.GaussianBlur(point, (size, 1), sigma, sigmaY=sigma)[0]
    # 255 * tap / 256 rounds back to the tap for every tap below 128 (sigma 1 and up)
    taps = row[2 * size - size // 2: 2 * size + size // 2 + 1].astype(np.float32)
    test = np.random.default_rng(sigma).integers(0, 256, (3 * size, 2 * size), dtype=np.uint8)
    same = np.array_equal(_blur_with(test, taps), cv2.GaussianBlur(test, (0, 0), sigma))
    return taps if same and int(taps.sum()) == 256 else None


def _size_for(image: np.ndarray, long_side: int) -> tuple[int, int]:
    height, width = image.shape[:2]
    factor = long_side / max(height, width)
    return max(1, round(width * factor)), max(1, round(height * factor))


def _percentiles(levels: np.ndarray, *qs: float) -> tuple[float, ...]:
    """np.percentile(levels, qs) of an 8-bit image, read from its histogram when the values
    on both sides of each percentile's rank are one level (then no interpolation can move it)."""
    counts = np.cumsum(np.bincount(levels.ravel(), minlength=256))
    last = levels.size - 1
    out = []
    for q in qs:
        rank = int(last * q / 100)
        # the level of every rank from one below to two above (numpy's rounding of the rank)
        around = np.searchsorted(counts, [max(0, rank - 1), min(last, rank + 2)], side="right")
        if around[0] != around[1]:
            return tuple(float(v) for v in np.percentile(levels, qs))
        out.append(float(around[0]))
    return tuple(out)

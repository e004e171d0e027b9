"""Cleaning the flattened card for Tesseract: dark text on an evenly lit light ground.

Tesseract binarises internally (Otsu over the whole image), which fails on a shadow across the
card and on light text on a dark band; both are fixed here. Binarising ourselves is optional
and off unless eval shows it helps.
"""

from __future__ import annotations

import cv2
import numpy as np

ANALYSIS_LONG_SIDE = 256


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than their surroundings (text on a light ground), as 0/1."""
    block = max(15, (min(gray.shape[:2]) // 20) | 1)
    binary = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    return binary


def dark_ground(gray: np.ndarray) -> np.ndarray:
    """0..1 weight per pixel: 1 where the card's ground is dark (light text on a dark card or band)."""
    small = cv2.resize(gray, _size_for(gray, ANALYSIS_LONG_SIDE), interpolation=cv2.INTER_AREA)
    # The median over a window much taller than a text line is the ground, not the text.
    window = max(5, (max(small.shape) // 12) | 1)
    ground = cv2.medianBlur(small, window)
    low, high = float(np.percentile(ground, 5)), float(np.percentile(ground, 95))
    if low > 110:  # all light: the usual card
        return np.zeros(gray.shape[:2], np.float32)
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
    if not dark.any():
        return np.zeros(gray.shape[:2], np.float32)
    weight = cv2.GaussianBlur(dark.astype(np.float32), (3, 3), 0)
    return cv2.resize(weight, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)


def invert_dark(gray: np.ndarray) -> np.ndarray:
    """Light text on a dark card or colour band becomes dark text on light."""
    weight = dark_ground(gray)
    if not weight.any():
        return gray
    out = weight * (255.0 - gray.astype(np.float32)) + (1.0 - weight) * gray.astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def flatten_light(gray: np.ndarray, x_height: float = 24.0) -> np.ndarray:
    """Divide by the ground's brightness: shadows and lamp fall-off go, the text stays."""
    factor = min(1.0, 400.0 / max(gray.shape[:2]))
    small = cv2.resize(gray, _size_for(gray, int(max(gray.shape[:2]) * factor)), interpolation=cv2.INTER_AREA)
    # A max filter wider than a bold stroke removes the text and leaves the ground.
    radius = max(3, round(1.5 * x_height * factor))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    ground = cv2.dilate(small, kernel)
    ground = cv2.GaussianBlur(ground, (0, 0), radius)
    ground = cv2.resize(ground, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    # Two float copies of the full-resolution card, worked on in place (were five).
    scale = np.maximum(ground, 1).astype(np.float32)
    np.divide(245.0, scale, out=scale)
    out = gray.astype(np.float32)
    np.multiply(out, scale, out=out)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Sauvola-like local threshold, for the eval on/off table; off by default."""
    block = max(15, (int(min(gray.shape[:2]) / 25)) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def _size_for(image: np.ndarray, long_side: int) -> tuple[int, int]:
    height, width = image.shape[:2]
    factor = long_side / max(height, width)
    return max(1, round(width * factor)), max(1, round(height * factor))


# Below this variance of the Laplacian a card at Tesseract's x-height is smeared (a shaking
# hand, a lens that missed focus); sharp photos, even low-resolution ones, measure 30 and up.
BLURRED_BELOW = 30.0


def sharpen_if_blurred(gray: np.ndarray, x_height: float = 24.0) -> np.ndarray:
    """Unsharp-mask a blurred card so its strokes separate again; a sharp card is returned as is."""
    if float(cv2.Laplacian(gray, cv2.CV_32F).var()) >= BLURRED_BELOW:
        return gray
    sigma = max(1.0, x_height / 10.0)
    soft = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 2.0, soft, -1.0, 0)

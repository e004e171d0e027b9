"""The orientation step's shortcuts give what the plain computations give."""

from __future__ import annotations

import numpy as np
import pytest

from cardscan.imaging import orient


def plain_skew(letters: orient.Letters, limit: float = 5.0) -> float:
    """skew_angle one angle at a time (as it was written first)."""
    if len(letters) < orient.MIN_LETTERS:
        return 0.0
    boxes = letters.boxes
    x = boxes[:, 0] + boxes[:, 2] / 2
    y = boxes[:, 1] + boxes[:, 3]
    size = max(2.0, float(np.median(boxes[:, 3])) / 3)

    def sharpness(angle: float) -> float:
        projected = y - x * np.tan(np.radians(angle))
        hist = np.bincount(((projected - projected.min()) / size).astype(int))
        return float(np.sum(hist.astype(np.float64) ** 2))

    best = max(np.arange(-limit, limit + 1e-9, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), key=sharpness)
    return float(best) if sharpness(best) > 1.05 * sharpness(0.0) else 0.0


def text_lines(seed: int, slope_degrees: float) -> orient.Letters:
    """Letter boxes along a few text lines sloping clockwise, with some jitter."""
    rng = np.random.default_rng(seed)
    boxes = []
    for line in range(int(rng.integers(1, 6))):
        for k in range(int(rng.integers(3, 40))):
            x = 20.0 + 14 * k + rng.integers(0, 3)
            y = 40.0 + 45 * line + x * np.tan(np.radians(slope_degrees)) + rng.integers(0, 2)
            height = float(rng.choice([10, 10, 14, 13]))
            boxes.append([round(x), round(y), 9.0, height])
    return orient.Letters(np.array(boxes, dtype=np.float64), 800, 400)


@pytest.mark.parametrize("seed", range(40))
def test_skew_angle_is_the_plain_search(seed: int) -> None:
    slope = float(np.random.default_rng(seed).uniform(-6, 6))
    letters = text_lines(seed, slope)
    assert orient.skew_angle(letters) == plain_skew(letters)


def test_turned_letters_are_made_once_and_turning_back_is_the_same_letters() -> None:
    letters = text_lines(1, 0.0)
    assert letters.turned(0) is letters and letters.turned(4) is letters
    assert letters.turned(1) is letters.turned(5)
    back = letters.turned(1).turned(3)
    assert np.array_equal(back.boxes, letters.boxes) and (back.width, back.height) == (800, 400)

"""The orientation step's shortcuts give what the plain computations give."""

from __future__ import annotations

import cv2
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


def plain_lines(letters: orient.Letters) -> list[np.ndarray]:
    """orient's line grouping on a mask of the whole card (as it was written first)."""
    boxes = letters.boxes
    if not len(boxes):
        return []
    mask = np.zeros((letters.height, letters.width), np.uint8)
    for x, y, w, h in boxes.astype(int):
        cv2.rectangle(mask, (x, y + h // 4), (x + w - 1, y + (3 * h) // 4), 255, -1)
    gap = max(3, int(float(np.median(boxes[:, 3])) * 0.9))
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    _, labels = cv2.connectedComponentsWithAlgorithm(joined, 4, cv2.CV_32S, cv2.CCL_WU)
    cx = np.clip((boxes[:, 0] + boxes[:, 2] / 2).astype(int), 0, letters.width - 1)
    cy = np.clip((boxes[:, 1] + boxes[:, 3] / 2).astype(int), 0, letters.height - 1)
    line_of = labels[cy, cx]
    groups = [np.flatnonzero(line_of == label) for label in np.unique(line_of) if label]
    return [members for members in groups if len(members) >= 3]


def scattered(seed: int) -> orient.Letters:
    """Boxes anywhere, some off the card or of no height: the grouping's edge cases."""
    rng = np.random.default_rng(seed)
    width, height, n = int(rng.integers(20, 400)), int(rng.integers(20, 300)), int(rng.integers(1, 80))
    x, y = rng.integers(-10, width + 10, n), (rng.integers(-10, height + 10, n) // 25) * 25
    boxes = np.column_stack([x, y + rng.integers(0, 3, n), rng.integers(1, 30, n), rng.integers(0, 30, n)])
    return orient.Letters(boxes.astype(np.float64), width, height)


@pytest.mark.parametrize("seed", range(60))
def test_lines_on_the_letters_part_of_the_card_are_the_whole_cards(seed: int) -> None:
    for letters in (text_lines(seed, float(np.random.default_rng(seed).uniform(-3, 3))), scattered(seed)):
        lines, plain = orient._lines(letters), plain_lines(letters)
        assert len(lines) == len(plain)
        assert all(np.array_equal(a, b) for a, b in zip(lines, plain, strict=True))


@pytest.mark.parametrize("seed", range(20))
def test_bands_are_the_median_tops_and_bottoms(seed: int) -> None:
    letters = text_lines(seed, 0.0)
    boxes = letters.boxes
    plain = [
        (float(np.median(boxes[m, 1])), float(np.median(boxes[m, 1] + boxes[m, 3]))) for m in letters.lines
    ]
    assert letters.bands == plain


def plain_text_is_vertical(letters: orient.Letters) -> tuple[bool, float]:
    """text_is_vertical with a 3-D difference array (as it was written first)."""
    centres = letters.boxes[:, :2] + letters.boxes[:, 2:] / 2
    diff = centres[None, :, :] - centres[:, None, :]
    dist = np.hypot(diff[..., 0], diff[..., 1])
    np.fill_diagonal(dist, np.inf)
    across = np.abs(diff[..., 0]) > 1.5 * np.abs(diff[..., 1])
    down = np.abs(diff[..., 1]) > 1.5 * np.abs(diff[..., 0])
    nearest_across = np.where(across, dist, np.inf).min(axis=1)
    nearest_down = np.where(down, dist, np.inf).min(axis=1)
    horizontal = float(np.sum(nearest_across < 0.8 * nearest_down))
    vertical = float(np.sum(nearest_down < 0.8 * nearest_across))
    total = horizontal + vertical
    return (vertical > horizontal, abs(horizontal - vertical) / total) if total else (False, 0.0)


@pytest.mark.parametrize("seed", range(20))
def test_text_is_vertical_is_the_plain_test(seed: int) -> None:
    for letters in (text_lines(seed, 0.0), text_lines(seed, 0.0).turned(1), scattered(seed)):
        if len(letters) >= 3:
            assert orient.text_is_vertical(letters) == plain_text_is_vertical(letters)

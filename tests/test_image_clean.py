"""The cleaning steps' shortcuts give, to the bit, what the plain OpenCV/numpy calls give."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cardscan.imaging import clean


def plain_flatten(gray: np.ndarray, x_height: float) -> np.ndarray:
    """flatten_light written the obvious way (as it was before the shortcuts)."""
    factor = min(1.0, 400.0 / max(gray.shape[:2]))
    long_side = int(max(gray.shape[:2]) * factor)
    small = cv2.resize(gray, clean._size_for(gray, long_side), interpolation=cv2.INTER_AREA)
    radius = max(3, round(1.5 * x_height * factor))
    ground = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1)))
    ground = cv2.GaussianBlur(ground, (0, 0), radius)
    ground = cv2.resize(ground, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    scale = 245.0 / np.maximum(ground, 1).astype(np.float32)
    return np.clip(gray.astype(np.float32) * scale, 0, 255).astype(np.uint8)


def plain_invert(gray: np.ndarray) -> np.ndarray:
    weight = clean.dark_ground(gray).weight
    if weight is None:
        return gray
    weight = cv2.resize(weight, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = weight * (255.0 - gray.astype(np.float32)) + (1.0 - weight) * gray.astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def shaded_card(seed: int, band: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    height, width = int(rng.integers(300, 900)), int(rng.integers(500, 1500))
    card = np.full((height, width), 235, np.uint8)
    if band:
        card[: height // 3] = 40
    for row in range(40, height - 40, 60):
        level = 240 if band and row < height // 3 else 25
        cv2.putText(card, "Jane Q. Doe +1 415 555 0132", (30, row), cv2.FONT_HERSHEY_SIMPLEX, 1.2, level, 2)
    shade = np.linspace(1.0, rng.uniform(0.4, 0.9), width, dtype=np.float32)[None, :]
    noise = rng.normal(0, 4, card.shape)
    return np.clip(card * shade + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("sigma", [1, 3, 7, 11, 16, 24])
def test_gaussian_blur_is_opencvs_to_the_bit(sigma: int) -> None:
    rng = np.random.default_rng(sigma)
    for shape in [(40, 60), (246, 400), (400, 123), (9, 300)]:
        image = rng.integers(0, 256, shape, dtype=np.uint8)
        assert np.array_equal(clean.gaussian_blur(image, sigma), cv2.GaussianBlur(image, (0, 0), sigma))


@pytest.mark.parametrize("seed", range(6))
def test_flatten_light_is_the_plain_computation(seed: int) -> None:
    card = shaded_card(seed)
    for x_height in (14.0, 22.0, 30.0):
        assert np.array_equal(clean.flatten_light(card, x_height), plain_flatten(card, x_height))


@pytest.mark.parametrize("seed", range(4))
def test_invert_dark_changes_only_what_the_plain_blend_changes(seed: int) -> None:
    card = shaded_card(seed, band=True)
    inverted = clean.invert_dark(card)
    assert inverted is not card
    assert np.array_equal(inverted, plain_invert(card))


def test_percentiles_are_numpys() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        spread = int(rng.integers(1, 256))
        levels = rng.integers(0, spread, (int(rng.integers(1, 60)), int(rng.integers(1, 60))), dtype=np.uint8)
        qs = (5.0, 95.0, float(rng.uniform(0, 100)))
        assert clean._percentiles(levels, *qs) == tuple(float(v) for v in np.percentile(levels, qs))

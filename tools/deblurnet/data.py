"""Pairs of (blurred, sharp) card patches at the scale the image stage hands Tesseract.

Each card is rendered sharp by tools.samplegen (plans drawn from seeds the sample set does
not use), then photographed the way a blurred phone photo is: shrunk to a photo's size,
blurred there (missed focus: a Gaussian; a shaking hand: a line of 3 to 15 px at any angle;
or both), given sensor noise and JPEG, and scaled back up to the card's final size as the
image stage would, its light flattened. The sharp card at that size is the target. A share
of pairs is left sharp (only the photo's own softness), so the network learns to leave
sharp text alone.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np

from cardscan.imaging import clean, deblur
from tools.samplegen import content, fonts, render
from tools.samplegen.generate import plan_set

PATCH = 128
SHARP_SHARE = 0.15


@dataclass(frozen=True)
class Degradation:
    photo_per_final: float  # photo pixels per final card pixel (1 / the image stage's scale)
    sigma: float  # Gaussian blur in photo pixels
    smear: float  # motion length in photo pixels (0: none)
    angle: float
    noise: float
    jpeg: int


def motion_kernel(length: float, angle: float) -> np.ndarray:
    size = math.ceil(length) | 1
    k = np.zeros((size, size), np.float32)
    half = (length - 1) / 2
    c = size // 2
    k[c, max(0, round(c - half)) : min(size, round(c + half) + 1)] = 1
    m = cv2.getRotationMatrix2D((c, c), angle, 1.0)
    k = cv2.warpAffine(k, m, (size, size))
    return k / max(k.sum(), 1e-6)


def draw_degradation(rng: random.Random) -> Degradation:
    photo_per_final = 1 / rng.uniform(0.7, 2.5)
    sigma, smear = 0.6, 0.0
    if rng.random() >= SHARP_SHARE:
        kind = rng.random()
        if kind < 0.45:
            sigma = rng.uniform(0.8, 2.6)
        elif kind < 0.9:
            smear = rng.uniform(3, 15)
        else:
            sigma, smear = rng.uniform(0.8, 1.8), rng.uniform(3, 9)
    return Degradation(photo_per_final, sigma, smear, rng.uniform(0, 180), rng.uniform(0.8, 2.5),
                       rng.randint(55, 95))


def degrade(sharp: np.ndarray, d: Degradation, nrng: np.random.Generator) -> np.ndarray:
    """`sharp` (final card size, 8-bit gray) as the image stage would see it after `d`."""
    h, w = sharp.shape
    ph, pw = max(8, round(h * d.photo_per_final)), max(8, round(w * d.photo_per_final))
    shrinking = d.photo_per_final < 1
    photo = cv2.resize(sharp, (pw, ph), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    photo = photo.astype(np.float32)
    photo = cv2.GaussianBlur(photo, (0, 0), d.sigma)
    if d.smear:
        photo = cv2.filter2D(photo, -1, motion_kernel(d.smear, d.angle), borderType=cv2.BORDER_REFLECT)
    photo += nrng.standard_normal(photo.shape, dtype=np.float32) * d.noise
    photo8 = np.clip(photo, 0, 255).astype(np.uint8)
    _, buf = cv2.imencode(".jpg", photo8, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg])
    photo8 = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    up = 1 / d.photo_per_final
    interpolation = cv2.INTER_CUBIC if up > 1.2 else cv2.INTER_LINEAR
    return cv2.resize(photo8, (w, h), interpolation=interpolation)


def render_card(seed: int, index: int) -> tuple[np.ndarray, float]:
    """A sharp light-ground card front (8-bit gray, render size) and its smallest x-height."""
    plan = plan_set(seed, 40)[index % 40]
    rng = random.Random(f"deblurnet-{seed}-{index}")
    family = next(f for f in fonts.PRINT_FAMILIES if f.name == plan["font"])
    card = content.make_card(rng, plan)
    style = render.make_style(rng, family, dark=False)
    front = render.render_front(card, plan["layout"], style, rng)
    gray = cv2.cvtColor(np.asarray(front.image), cv2.COLOR_RGB2GRAY)
    return gray, max(front.min_x_height, 4.0)


def pairs(seed: int, index: int, per_card: int) -> tuple[np.ndarray, np.ndarray]:
    """`per_card` pairs from one rendered card: (2, PATCH, PATCH) inputs (the blurred card and
    its Wiener filtering) and the (PATCH, PATCH) sharp card."""
    rng = random.Random(f"pairs-{seed}-{index}")
    nrng = np.random.default_rng(rng.getrandbits(32))
    gray, min_xh = render_card(seed, index)
    final_xh = rng.uniform(9, 30)
    f = final_xh / min_xh
    h, w = gray.shape
    size = (max(PATCH, round(w * f)), max(PATCH, round(h * f)))
    sharp = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    degradation = draw_degradation(rng)
    blurred = degrade(sharp, degradation, nrng)
    sharp = clean.flatten_light(sharp, final_xh)
    blurred = clean.flatten_light(blurred, final_xh)
    # what the network is given besides: the Wiener filter of the blur the image stage measures
    # (the card as it is where it measures none)
    filtered = deblur.deblur(blurred, 1 / degradation.photo_per_final, network=False)
    ink = sharp < 128
    xs, ys = [], []
    tries = 0
    while len(xs) < per_card and tries < per_card * 20:
        tries += 1
        y, x = rng.randrange(0, size[1] - PATCH + 1), rng.randrange(0, size[0] - PATCH + 1)
        if ink[y : y + PATCH, x : x + PATCH].mean() < 0.02 and rng.random() > 0.1:
            continue
        window = np.s_[y : y + PATCH, x : x + PATCH]
        xs.append(np.stack([blurred[window], filtered[window]]))
        ys.append(sharp[window])
    inputs = np.array(xs, np.uint8).reshape(-1, 2, PATCH, PATCH)
    return inputs, np.array(ys, np.uint8).reshape(-1, PATCH, PATCH)

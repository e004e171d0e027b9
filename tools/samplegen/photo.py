"""Photographing a rendered card: background, perspective, light, noise.

``make_photo`` returns the photo (RGB uint8), the card corners in photo
pixels (card's own TL, TR, BR, BL) and the JPEG quality to save with.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

QUALITIES = ("scan", "desk", "angle", "rot90", "rot180", "rot270", "shadow", "blur", "jpeg",
             "lowres")
ROTATION = {"rot90": 90, "rot180": 180, "rot270": 270}


@dataclass
class Photo:
    image: np.ndarray  # RGB uint8
    corners: list[list[float]]
    rotation: int
    jpeg_quality: int
    background: str


# ---------------------------------------------------------------- backgrounds


def _smooth_noise(nrng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    small = nrng.random((max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


@lru_cache(maxsize=1)
def _noise_bank() -> np.ndarray:
    return np.random.default_rng(20240607).standard_normal((1031, 1031), dtype=np.float32)


def _noise(nrng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Unit gaussian noise: a fixed random tile, rolled by a random offset and tiled."""
    bank = np.roll(_noise_bank(), (int(nrng.integers(1031)), int(nrng.integers(1031))), (0, 1))
    reps = (h // bank.shape[0] + 1, w // bank.shape[1] + 1)
    return np.tile(bank, reps)[:h, :w]


def _luma(c: np.ndarray) -> float:
    return float(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def background(nrng: np.random.Generator, h: int, w: int, card_luma: float,
               kind: str) -> np.ndarray:
    """Procedural desk surface, RGB float32 0..255."""
    for _ in range(20):
        if kind == "wood":
            base = np.array(nrng.choice([[150, 105, 65], [110, 72, 42], [190, 150, 105],
                                         [85, 55, 35], [170, 125, 80]]), np.float32)
        elif kind == "scan":
            base = np.array([248, 248, 246], np.float32) - nrng.uniform(0, 10)
        else:
            base = nrng.uniform(20, 235, 3).astype(np.float32)
            base = base * 0.4 + base.mean() * 0.6  # desaturate
        if kind == "scan" or abs(_luma(base) - card_luma) > 45:
            break
    if kind == "wood":
        # grain runs along x (or y); computed half size, then upscaled
        hh, ww = h // 2 + 1, w // 2 + 1
        along_y = nrng.random() < 0.3
        if along_y:
            hh, ww = ww, hh
        v = np.arange(hh, dtype=np.float32)[:, None]
        warp = (_smooth_noise(nrng, hh, ww, 160) - 0.5) * nrng.uniform(6, 14)
        grain = np.sin((v + warp) * 2 * math.pi / nrng.uniform(7, 16))
        rows = cv2.GaussianBlur(nrng.random((hh, 1), dtype=np.float32), (0, 0), 1.0)
        along = cv2.resize(nrng.random((max(2, hh // 4), 6), dtype=np.float32), (ww, hh))
        fibres = cv2.resize(nrng.random((hh, max(2, ww // 40)), dtype=np.float32), (ww, hh))
        field = (0.25 * grain + 0.9 * (rows - 0.5) * (0.6 + along) + 0.35 * (fibres - 0.5)
                 + 0.5 * (_smooth_noise(nrng, hh, ww, 120) - 0.5))
        if along_y:
            field = field.T
        full = cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        img = base[None, None, :] * (1 + 0.12 * full[..., None])
    elif kind == "fabric":
        period = nrng.uniform(3.0, 5.0)
        sx = np.sin(np.arange(w, dtype=np.float32) * 2 * math.pi / period)
        sy = np.sin(np.arange(h, dtype=np.float32) * 2 * math.pi / period)
        shade = 1 + 0.05 * np.outer(sy, sx) + 0.08 * (_smooth_noise(nrng, h, w, 90) - 0.5)
        img = base[None, None, :] * shade[..., None]
    elif kind == "gradient":
        other = np.clip(base + nrng.uniform(-60, 60, 3), 10, 245).astype(np.float32)
        ang = nrng.uniform(0, 2 * math.pi)
        small = np.mgrid[0:16, 0:16].astype(np.float32)
        t = small[1] * math.cos(ang) + small[0] * math.sin(ang)
        t = (t - t.min()) / max(1e-3, float(t.max() - t.min()))
        t = cv2.resize(t, (w, h), interpolation=cv2.INTER_LINEAR)
        img = base[None, None, :] + (other - base)[None, None, :] * t[..., None]
    elif kind == "speckle":
        spots = cv2.GaussianBlur(nrng.random((h // 2 + 1, w // 2 + 1), dtype=np.float32),
                                 (0, 0), 0.8)
        spots = cv2.resize(spots, (w, h), interpolation=cv2.INTER_LINEAR)
        img = base[None, None, :] * (1 + 0.25 * (spots[..., None] - 0.5)
                                     + 0.1 * (_smooth_noise(nrng, h, w, 120)[..., None] - 0.5))
    else:  # plain desk or scanner lid: just slow variation
        img = base[None, None, :] * (1 + 0.06 * (_smooth_noise(nrng, h, w, 200)[..., None] - 0.5))
    return np.clip(img, 0, 255).astype(np.float32)


# ---------------------------------------------------------------- geometry


def _project(w: float, h: float, tilt: float, axis: float, spin: float,
             focal: float) -> np.ndarray:
    """Corners of a w x h card after a 3-D tilt and an in-plane spin."""
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]],
                   np.float64)
    cs, sn = math.cos(spin), math.sin(spin)
    rz = np.array([[cs, -sn, 0], [sn, cs, 0], [0, 0, 1]])
    ax = np.array([math.cos(axis), math.sin(axis), 0.0])
    k = np.array([[0, -ax[2], ax[1]], [ax[2], 0, -ax[0]], [-ax[1], ax[0], 0]])
    rt = np.eye(3) + math.sin(tilt) * k + (1 - math.cos(tilt)) * (k @ k)
    p = pts @ rz.T @ rt.T
    z = p[:, 2] + focal
    return np.stack([p[:, 0] * focal / z, p[:, 1] * focal / z], axis=1)


def _rotate_points(pts: np.ndarray, rot: int, w: int, h: int) -> np.ndarray:
    x, y = pts[:, 0], pts[:, 1]
    if rot == 90:
        return np.stack([h - 1 - y, x], axis=1)
    if rot == 180:
        return np.stack([w - 1 - x, h - 1 - y], axis=1)
    if rot == 270:
        return np.stack([y, w - 1 - x], axis=1)
    return pts


def _rotate_image(img: np.ndarray, rot: int) -> np.ndarray:
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(img, code[rot]) if rot else img


# ---------------------------------------------------------------- effects


def _light_field(nrng: np.random.Generator, h: int, w: int, strength: float) -> np.ndarray:
    sh, sw = h // 8 + 1, w // 8 + 1
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) * 8
    ang = nrng.uniform(0, 2 * math.pi)
    t = (xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang)
    t /= max(w, h) / 2
    cx, cy = nrng.uniform(0.3, 0.7) * w, nrng.uniform(0.3, 0.7) * h
    r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / max(w, h)
    small = (1 + strength * 0.6 * t) * (1 - strength * 0.8 * r ** 2)
    return cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _cast_shadow(nrng: np.random.Generator, h: int, w: int, quad: np.ndarray) -> np.ndarray:
    """A soft-edged shadow (e.g. of a hand or phone) falling across part of the card."""
    sh, sw = h // 4 + 1, w // 4 + 1
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) * 4
    c = quad.mean(axis=0)
    ang = nrng.uniform(0, 2 * math.pi)
    nx, ny = math.cos(ang), math.sin(ang)
    span = float(np.max(np.abs((quad - c) @ np.array([nx, ny]))))
    off = nrng.uniform(-0.4, 0.3) * span
    d = (xx - c[0]) * nx + (yy - c[1]) * ny - off
    wobble = (_smooth_noise(nrng, sh, sw, 75) - 0.5) * span * 0.3
    edge = nrng.uniform(15, 60)
    inside = 1 / (1 + np.exp(-(d + wobble) / edge))
    depth = nrng.uniform(0.35, 0.5)
    small = (1 - depth * inside).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    rotated = cv2.warpAffine(k, m, (length, length))
    return rotated / rotated.sum()


# ---------------------------------------------------------------- main


def make_photo(card: np.ndarray, mask: np.ndarray, quality: str, rng: random.Random) -> Photo:
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    ch, cw = card.shape[:2]
    rot = ROTATION.get(quality, 0)
    card_luma = _luma(np.median(card[::8, ::8].reshape(-1, 3), axis=0))

    if quality == "scan":
        scale = rng.uniform(1.15, 1.42)
        border = rng.choice([rng.randint(3, 8), rng.randint(3, 8), rng.randint(10, 24)])
        pw, ph = int(cw * scale) + 2 * border, int(ch * scale) + 2 * border
        bg_kind = "scan"
        tilt, spin = 0.0, math.radians(rng.uniform(-0.8, 0.8))
        width_px = cw * scale
    else:
        if quality == "lowres":
            pw, ph = rng.choice([(960, 720), (900, 675), (1000, 750)])
            width_px = rng.uniform(570, 630)
        else:
            pw, ph = rng.choice([(1600, 1200), (1600, 1200), (1600, 900), (1440, 1080)])
            width_px = pw * rng.uniform(0.6, 0.74)
        bg_kind = rng.choice(["wood", "wood", "fabric", "gradient", "speckle", "plain"])
        tilt = math.radians(rng.uniform(15, 35) if quality == "angle" else
                            rng.uniform(2, 8) if quality == "desk" else rng.uniform(0, 7))
        spin = math.radians(rng.uniform(-10, 10) if quality == "angle" else rng.uniform(-5, 5))
    axis = rng.uniform(0, 2 * math.pi)
    focal = rng.uniform(1.0, 1.5) * max(pw, ph)
    s = width_px / cw
    quad = _project(cw * s, ch * s, tilt, axis, spin, focal)
    # keep the whole card (and its shadow) inside the frame
    margin = border if quality == "scan" else max(24, int(0.04 * min(pw, ph)))
    span = quad.max(axis=0) - quad.min(axis=0)
    fit = min((pw - 2 * margin) / span[0], (ph - 2 * margin) / span[1], 1.0)
    quad = quad * fit
    span = quad.max(axis=0) - quad.min(axis=0)
    if quality == "scan":
        pw, ph = math.ceil(span[0]) + 2 * margin, math.ceil(span[1]) + 2 * margin
    slack = np.array([pw, ph]) - 2 * margin - span
    offset = np.array([margin, margin]) + slack * np.array([rng.uniform(0.2, 0.8),
                                                           rng.uniform(0.2, 0.8)])
    quad = quad - quad.min(axis=0) + offset

    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    bg = background(nrng, ph, pw, card_luma, bg_kind)
    warped = cv2.warpPerspective(card.astype(np.float32), m, (pw, ph), flags=cv2.INTER_AREA
                                 if s < 1 else cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(mask, m, (pw, ph), flags=cv2.INTER_LINEAR)[..., None]
    if quality != "scan":  # soft drop shadow under the card (computed at 1/4 size)
        sw, sh = pw // 4 + 1, ph // 4 + 1
        small = cv2.resize(alpha[..., 0], (sw, sh), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(6, 16) / 4)
        dx, dy = rng.uniform(-4, 14) / 4, rng.uniform(4, 16) / 4
        small = cv2.warpAffine(small, np.array([[1, 0, dx], [0, 1, dy]], np.float32), (sw, sh))
        shadow = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR)
        shade = 1 - rng.uniform(0.3, 0.5) * shadow
        bg *= cv2.merge([shade, shade, shade])
    img = bg + (warped - bg) * cv2.merge([alpha[..., 0]] * 3)

    strength = 0.06 if quality == "scan" else rng.uniform(0.1, 0.2)
    if quality == "shadow":
        strength = rng.uniform(0.3, 0.45)
    gain = _light_field(nrng, ph, pw, strength)
    if quality == "shadow":
        gain *= _cast_shadow(nrng, ph, pw, quad)
    tint = np.ones(3, np.float32)
    if quality != "scan":
        tint = np.array([1 + rng.uniform(-0.04, 0.05), 1.0, 1 + rng.uniform(-0.06, 0.04)],
                        np.float32)
    img *= cv2.merge([gain * tint[0], gain * tint[1], gain * tint[2]])
    if quality == "blur":
        if rng.random() < 0.5:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(1.4, 2.0))
        else:
            img = cv2.filter2D(img, -1, _motion_kernel(rng.choice([7, 9, 11]),
                                                       rng.uniform(0, 180)))
    else:
        img = cv2.GaussianBlur(img, (0, 0), 0.6)
    sigma = rng.uniform(1.2, 2.2) if quality != "lowres" else rng.uniform(2.5, 3.5)
    noise = _noise(nrng, ph, pw) * sigma
    chroma = [cv2.resize(_noise(nrng, ph // 2 + 1, pw // 2 + 1), (pw, ph)) * (sigma * 0.5)
              for _ in range(3)]
    img += cv2.merge([noise + c for c in chroma])
    out = cv2.convertScaleAbs(img)
    if rot:
        out = _rotate_image(out, rot)
        quad = _rotate_points(quad, rot, pw, ph)
    jq = rng.randint(25, 35) if quality == "jpeg" else 85
    corners = [[round(float(x), 1), round(float(y), 1)] for x, y in quad]
    return Photo(out, corners, rot, jq, bg_kind)

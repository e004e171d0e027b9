"""Undoing camera shake and missed focus on a flattened card before OCR.

A shaking hand smears every point of the card along one line (a motion-blur kernel: a
direction and a length); a lens that missed focus spreads it into a disc-like blob. Both are
measured from the card itself, from how far the brightness slope of an edge stretches in each
direction: the gradient along a direction, correlated with itself along that direction, stays
high for as many pixels as the blur is long there (Yitzhaky & Kopeika's motion-blur
identification, on the gradient's autocorrelation). A card that measures sharp is returned as
it is; a blurred one is deconvolved with a regularised Wiener filter (one FFT pair).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TILE = 128  # pixels; analysis tiles, each a few letters of text at Tesseract's x-height
TILES = 12  # the tiles with the most ink edges are analysed; the rest is blank card
ANGLES = 90  # directions tried, every 2 degrees over a half turn
MAX_LAG = 24  # pixels; the longest smear looked for

# How far (pixels of the final card) a sharp card's gradient keeps correlating with itself,
# as the half-width of its autocorrelation: sampling's own softness, SHARP_FLOOR, with the
# photo's (lens, demosaicing, a little JPEG) of SHARP_PER_PIXEL per photo pixel on top, which
# the image stage's scaling stretches. Fitted (reach^2 = a^2 + (b s)^2) to the sample set's
# sharp cards from 0.6x to 2.5x: an upscaled sharp card reaches further than a native one
# and is no more blurred for it.
SHARP_FLOOR = 1.47
SHARP_PER_PIXEL = 0.69
# A card is deblurred only when it reaches further than a sharp one at its scale by this much
# (pixels of the final card, the blur Tesseract sees) and by NATIVE_EXCESS per photo pixel
# (a blur of the photo, not of the upscaling): missed focus when the excess is the same in
# every direction; a smear when one direction reaches further than the one across it by
# MIN_ANISOTROPY (and NATIVE_ANISOTROPY per photo pixel) along a line of MIN_SMEAR photo
# pixels at least. On the sample set the sharp sides measure an excess of at most 2.32 px
# (a printed back upscaled 1.56x: 1.49 per photo pixel) or 1.52 per photo pixel (a scanned
# back at 1.2x, the one sharp side deblurred), an anisotropy of at most 0.78 px (a back
# upscaled 2.5x: 0.31 per photo pixel) or 0.59 per photo pixel; the blurred ones an excess
# of 1.59 px / 1.53 per photo pixel (missed focus) or an anisotropy of 0.73 px / 0.82 per
# photo pixel along 6.9 photo pixels (smears) and more.
DEFOCUS_EXCESS = 1.55
NATIVE_EXCESS = 1.5
MIN_ANISOTROPY = 0.7
NATIVE_ANISOTROPY = 0.72
MIN_SMEAR = 5.5
SMEAR_DIP = -0.18
# A smear's dip lies within this many reaches along it (3 to 4 on smeared cards); a dip further
# out is the text's own structure (the height of a line's letters), not the smear's length.
MAX_SMEAR_PER_REACH = 4.5
# The deconvolution's regularisation (weight of the Laplacian's power): higher rings and
# amplifies noise less, and restores less.
SMOOTHNESS = 0.03
# an edge blurred by a Gaussian of sigma has a gradient autocorrelation of half-width 1.665 sigma
HALF_WIDTH_PER_SIGMA = 1.665


@dataclass(frozen=True)
class Blur:
    """A blur kernel as measured: a motion smear (direction, length) on a Gaussian blob."""

    angle: float  # degrees, counter-clockwise from the x axis, in [0, 180)
    length: float  # pixels the smear spans along `angle`; 0 for no motion
    sigma: float  # pixels of Gaussian softness on top of the smear (missed focus)

    def kernel(self) -> np.ndarray:
        """The blur as a normalised 2-D float32 kernel."""
        return blur_kernel(self.angle, self.length, self.sigma)


def blur_kernel(angle: float, length: float, sigma: float) -> np.ndarray:
    """A line of `length` pixels at `angle` degrees (counter-clockwise from x), convolved with
    a Gaussian of `sigma`; normalised to sum 1."""
    radius = int(np.ceil(length / 2 + 3 * max(sigma, 0.5) + 1))
    ys, xs = np.mgrid[-radius:radius + 1, -radius:radius + 1].astype(np.float32)
    theta = np.deg2rad(angle)
    along = xs * np.cos(theta) - ys * np.sin(theta)  # image y points down
    across = xs * np.sin(theta) + ys * np.cos(theta)
    half = max(length - 1.0, 0.0) / 2  # a smear of L pixel centres spans L - 1
    # Distance from each pixel to the segment, softened by sigma (at least half a pixel, so
    # a thin line is still sampled).
    beyond = np.maximum(np.abs(along) - half, 0.0)
    soft = max(sigma, 0.5)
    kernel = np.exp(-(beyond**2 + across**2) / (2 * soft**2)).astype(np.float32)
    kernel[kernel < 1e-3 * kernel.max()] = 0
    return kernel / kernel.sum()


def directional_reach(gray: np.ndarray) -> np.ndarray:
    """For each of ANGLES directions, the normalised autocorrelation of the gradient along that
    direction at lags 0..MAX_LAG: shape (ANGLES, MAX_LAG + 1). Measured on the tiles richest
    in edges, together."""
    tiles = _tile_spectra(gray)
    if not tiles:
        return np.zeros((ANGLES, MAX_LAG + 1), np.float32)
    sxx, syy, sxy = (np.sum([tile[k] for tile in tiles], axis=0) for k in range(3))
    return _curves((sxx, syy, sxy), range(ANGLES))


Spectra = tuple[np.ndarray, np.ndarray, np.ndarray]


def _tile_spectra(gray: np.ndarray) -> list[Spectra]:
    """The gradient's power spectra (x, y and their cross term) of the TILES tiles richest in
    edges."""
    image = gray.astype(np.float32)
    gx = cv2.Scharr(image, cv2.CV_32F, 1, 0)
    gy = cv2.Scharr(image, cv2.CV_32F, 0, 1)
    energy = gx * gx + gy * gy
    rows, cols = gray.shape[0] // TILE, gray.shape[1] // TILE
    if rows == 0 or cols == 0:
        return []
    per_tile = energy[: rows * TILE, : cols * TILE].reshape(rows, TILE, cols, TILE).sum(axis=(1, 3))
    best = [i for i in np.argsort(per_tile, axis=None)[::-1][:TILES] if per_tile.flat[i] > 0]
    window = np.outer(np.hanning(TILE), np.hanning(TILE)).astype(np.float32)
    out = []
    for index in best:
        r, c = divmod(int(index), cols)
        cut = (slice(r * TILE, (r + 1) * TILE), slice(c * TILE, (c + 1) * TILE))
        fx = np.fft.fft2(gx[cut] * window)
        fy = np.fft.fft2(gy[cut] * window)
        out.append((np.abs(fx) ** 2, np.abs(fy) ** 2, (fx * np.conj(fy)).real))
    return out


def _curves(spectra: Spectra, directions: range) -> np.ndarray:
    """The normalised autocorrelation of the gradient along each direction (index into
    ANGLES) at lags 0..MAX_LAG, from the gradient's power spectra."""
    # Zero-padding the spectra interpolates the autocorrelations on a half-pixel grid, so that
    # sampling them along a slanted line does not blunt the dip.
    axx, ayy, axy = (_autocorrelation(spectrum) for spectrum in spectra)
    centre = TILE
    lags = np.arange(MAX_LAG + 1, dtype=np.float32)
    out = np.empty((len(directions), MAX_LAG + 1), np.float32)
    for row, i in enumerate(directions):
        theta = np.pi * i / ANGLES
        c, s = np.cos(theta), -np.sin(theta)  # counter-clockwise on screen: y down
        map_x = (centre + 2 * lags * c).reshape(1, -1).astype(np.float32)
        map_y = (centre + 2 * lags * s).reshape(1, -1).astype(np.float32)
        curve = (
            c * c * cv2.remap(axx, map_x, map_y, cv2.INTER_LINEAR)
            + s * s * cv2.remap(ayy, map_x, map_y, cv2.INTER_LINEAR)
            + 2 * c * s * cv2.remap(axy, map_x, map_y, cv2.INTER_LINEAR)
        )[0]
        out[row] = curve / max(float(curve[0]), 1e-6)
    return out


def _autocorrelation(spectrum: np.ndarray) -> np.ndarray:
    """The autocorrelation whose power spectrum (TILE x TILE) is given, on a grid twice as
    fine, centred at (TILE, TILE)."""
    padded = np.zeros((2 * TILE, 2 * TILE), np.float64)
    half = TILE // 2
    padded[half : half + TILE, half : half + TILE] = np.fft.fftshift(spectrum)
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(padded)).real).astype(np.float32)


def _half_width(curve: np.ndarray) -> float:
    """The lag (pixels, interpolated) at which a normalised autocorrelation falls below 1/2."""
    below = np.nonzero(curve < 0.5)[0]
    if len(below) == 0:
        return float(len(curve) - 1)
    k = int(below[0])
    if k == 0:  # no gradient at all: nothing correlates, nothing is blurred
        return 0.0
    before, after = float(curve[k - 1]), float(curve[k])
    return k - 1 + (before - 0.5) / max(before - after, 1e-6)


def _smear_direction(widths: np.ndarray) -> int:
    """The direction (index into ANGLES) of the line kernel that best explains the reach per
    direction: a smear of length L at angle a reaches w0^2 + (k L cos(phi - a))^2 squared along
    phi. Fitted over every direction, so no one direction's text structure decides; the cos 4phi
    term takes up the upright letters' own shape (a vertical stroke's edge, crossed on a slant,
    looks wider by 1/cos)."""
    phis = np.pi * np.arange(ANGLES) / ANGLES
    squared = widths.astype(np.float64) ** 2
    best, best_residual = 0, np.inf
    for index in range(ANGLES):
        design = np.stack([np.ones(ANGLES), np.cos(phis - phis[index]) ** 2, np.cos(4 * phis)], axis=1)
        coef, residual, *_ = np.linalg.lstsq(design, squared, rcond=None)
        error = float(residual[0]) if len(residual) else 0.0
        if coef[1] > 0 and error < best_residual:
            best, best_residual = index, error
    return best


def sharp_reach(scale: float) -> float:
    """How far (final card pixels) a sharp photo's edges reach once scaled by `scale`."""
    return float(np.hypot(SHARP_FLOOR, SHARP_PER_PIXEL * scale))


def _excess(reach: float, expected: float) -> float:
    """The reach beyond a sharp card's, as blurs add: in quadrature."""
    return float(np.sqrt(max(reach**2 - expected**2, 0.0)))


@dataclass(frozen=True)
class Measurement:
    """What the card's edges say about its blur, at the scale the image stage gave it."""

    smear: Blur  # the motion smear that best explains the reach per direction
    widths: np.ndarray  # reach (half-width of the gradient's autocorrelation) per direction
    dip: float  # the autocorrelation along the smear at its length: near -1/2 for a true smear
    scale: float  # final card pixels per photo pixel

    @property
    def excess(self) -> float:
        """Mean reach beyond a sharp card's at this scale, in final card pixels."""
        return _excess(float(self.widths.mean()), sharp_reach(self.scale))

    @property
    def anisotropy(self) -> float:
        """How much further the reach is along the smear than across it, final card pixels."""
        across = self.widths[(round(self.smear.angle * ANGLES / 180.0) + ANGLES // 2) % ANGLES]
        return float(self.widths.max() - across)

    def smeared(self) -> bool:
        return (
            self.anisotropy >= MIN_ANISOTROPY
            and self.anisotropy >= NATIVE_ANISOTROPY * self.scale
            and self.smear.length >= MIN_SMEAR * self.scale
            and self.dip <= SMEAR_DIP
            and self.smear.length <= MAX_SMEAR_PER_REACH * float(self.widths.max())
        )

    def defocused(self) -> bool:
        excess = self.excess
        return excess >= DEFOCUS_EXCESS and excess >= NATIVE_EXCESS * self.scale


def measure_blur(gray: np.ndarray, scale: float = 1.0) -> Measurement:
    """The card's blur as measured from its edges; `scale`: the card's pixels per photo pixel."""
    curves = directional_reach(gray)
    widths = np.array([_half_width(curve) for curve in curves])
    along = _smear_direction(widths)
    across = (along + ANGLES // 2) % ANGLES
    # A smear of L pixels turns every edge's gradient into an L-pixel box, so the gradient's
    # autocorrelation along the smear dips deepest at a lag of L.
    curve = curves[along]
    dip = int(np.argmin(curve[3:])) + 3
    if 0 < dip < MAX_LAG:
        a, b, c = (float(v) for v in curve[dip - 1 : dip + 2])
        denominator = a - 2 * b + c
        length = dip + (0.5 * (a - c) / denominator if denominator > 1e-6 else 0.0)
    else:
        length = float(dip)
    # Across the smear only the Gaussian softness shows, beyond a sharp card's at this scale.
    sigma = _excess(float(widths[across]), sharp_reach(scale)) / HALF_WIDTH_PER_SIGMA
    smear = Blur(angle=180.0 * along / ANGLES, length=float(length), sigma=sigma)
    return Measurement(smear=smear, widths=widths, dip=float(curve[dip]), scale=scale)


def wiener(gray: np.ndarray, kernel: np.ndarray, smoothness: float = SMOOTHNESS) -> np.ndarray:
    """Deconvolve `gray` by `kernel`: a Wiener filter whose noise term grows with frequency as
    the Laplacian's power (constrained least squares), so the ground's brightness and the
    coarse shapes pass unchanged and only the fine detail the blur erased is held back."""
    radius = max(kernel.shape) // 2 + 2
    height, width = gray.shape[:2]
    # Mirror the card outwards so the FFT's wrap-around meets no edge that would ring inwards.
    padded_h = cv2.getOptimalDFTSize(height + 2 * radius)
    padded_w = cv2.getOptimalDFTSize(width + 2 * radius)
    top, left = (padded_h - height) // 2, (padded_w - width) // 2
    padded = cv2.copyMakeBorder(
        gray, top, padded_h - height - top, left, padded_w - width - left, cv2.BORDER_REFLECT,
    ).astype(np.float32)
    psf = np.zeros((padded_h, padded_w), np.float32)
    kh, kw = kernel.shape
    psf[:kh, :kw] = kernel
    psf = np.roll(psf, (-(kh // 2), -(kw // 2)), axis=(0, 1))  # centred on pixel (0, 0)
    image_f = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT)
    psf_f = cv2.dft(psf, flags=cv2.DFT_COMPLEX_OUTPUT)
    wy = 2 * np.pi * np.fft.fftfreq(padded_h).astype(np.float32)
    wx = 2 * np.pi * np.fft.fftfreq(padded_w).astype(np.float32)
    laplacian = (4 - 2 * np.cos(wy))[:, None] - 2 * np.cos(wx)[None, :]
    power = psf_f[..., 0] ** 2 + psf_f[..., 1] ** 2 + smoothness * laplacian**2
    # conj(K) * I / (|K|^2 + smoothness |L|^2), on (re, im) pairs
    re = (psf_f[..., 0] * image_f[..., 0] + psf_f[..., 1] * image_f[..., 1]) / power
    im = (psf_f[..., 0] * image_f[..., 1] - psf_f[..., 1] * image_f[..., 0]) / power
    restored = cv2.idft(np.dstack([re, im]), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    out = restored[top : top + height, left : left + width]
    return np.clip(out, 0, 255).astype(np.uint8)


def deblur(gray: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The card with its motion blur or defocus undone; a sharp card is returned as it is.
    `scale`: the card's pixels per photo pixel (the image stage's scaling)."""
    blur = blur_to_undo(gray, scale)
    if blur is None:
        return gray
    return wiener(gray, blur.kernel())


def blur_to_undo(gray: np.ndarray, scale: float = 1.0) -> Blur | None:
    """The blur worth deconvolving, or None for a card Tesseract reads as it is: only the blur
    beyond a sharp photo's at this scale, so that upscaling's softness is never undone."""
    measured = measure_blur(gray, scale)
    blur = None
    if measured.smeared():
        blur = measured.smear
    elif measured.defocused():
        blur = Blur(angle=0.0, length=0.0, sigma=measured.excess / HALF_WIDTH_PER_SIGMA)
    # A blur beyond the longest lag looked at was not measured, only guessed: left alone.
    if blur is None or blur.length > MAX_LAG or blur.sigma * HALF_WIDTH_PER_SIGMA > MAX_LAG:
        return None
    return blur

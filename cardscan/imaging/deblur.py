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

import math
from dataclasses import dataclass
from pathlib import Path

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
WIENER_ROWS = 128  # rows of the spectrum filtered at a time (memory, not results)
# an edge blurred by a Gaussian of sigma has a gradient autocorrelation of half-width 1.665 sigma
HALF_WIDTH_PER_SIGMA = 1.665
# Most cards are sharp, and the image stage asks of every one: the reach is first measured in
# single precision (OpenCV's float32 FFTs, a fraction of the cost), and a card whose quick
# reach falls short of both the defocus and the anisotropy thresholds by QUICK_MARGIN (pixels
# of the final card) is sharp without the full measurement, which alone decides every other
# card. It is the same measurement, rounded differently: on the 233 sample and realdev sides
# the quick reach differs from the full one by at most 6e-7 px per direction (and in mean and
# spread), so the margin is over 10^5 times the difference. It passes 209 of those sides,
# none of which the full measurement deblurs; the closest of them is 0.14 px short of the
# anisotropy threshold and 0.21 px of the defocus one by the full measurement.
QUICK_MARGIN = 0.1
# below this autocorrelation at lag 0 (a near-blank tile set) the normalisation's floor of
# 1e-6 could decide: such a card is measured in full
QUICK_MIN_ENERGY = 1e-3


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
    return _reach(_edge_tiles(gray))


# The gradient (x, y) of each tile richest in edges, windowed for its spectrum.
Tiles = list[tuple[np.ndarray, np.ndarray]]

_WINDOW = np.outer(np.hanning(TILE), np.hanning(TILE)).astype(np.float32)


def _edge_tiles(gray: np.ndarray) -> Tiles:
    """The windowed gradients (x, y) of the TILES tiles richest in edges, richest first."""
    # Scharr on the 8-bit card directly, as 16-bit (at most 16 * 255): whole numbers, so this is
    # the gradient of the card converted to float32, to the bit. Their squares are exact in
    # float32 too (under 2**24), so the energy is the float32 gradient's, rounded as it was.
    gx = cv2.Scharr(gray, cv2.CV_16S, 1, 0)
    gy = cv2.Scharr(gray, cv2.CV_16S, 0, 1)
    rows, cols = gray.shape[0] // TILE, gray.shape[1] // TILE
    if rows == 0 or cols == 0:
        return []
    # The energy a row of tiles at a time: a float32 copy of a whole upscaled card would be
    # the image stage's largest allocation (four of them, 56 MB on a 3.5-megapixel card).
    per_tile = np.empty((rows, cols), np.float32)
    for r in range(rows):
        band = slice(r * TILE, (r + 1) * TILE)
        tx, ty = gx[band, : cols * TILE], gy[band, : cols * TILE]  # the whole tiles
        energy = cv2.add(cv2.multiply(tx, tx, dtype=cv2.CV_32F), cv2.multiply(ty, ty, dtype=cv2.CV_32F))
        per_tile[r] = energy.reshape(TILE, cols, TILE).sum(axis=(0, 2))
    best = [i for i in np.argsort(per_tile, axis=None)[::-1][:TILES] if per_tile.flat[i] > 0]
    out = []
    for index in best:
        r, c = divmod(int(index), cols)
        cut = (slice(r * TILE, (r + 1) * TILE), slice(c * TILE, (c + 1) * TILE))
        out.append((gx[cut] * _WINDOW, gy[cut] * _WINDOW))  # float32, as _WINDOW
    return out


def _reach(tiles: Tiles) -> np.ndarray:
    """directional_reach of the tiles, as measured for the decision."""
    if not tiles:
        return np.zeros((ANGLES, MAX_LAG + 1), np.float32)
    spectra = []
    for wx, wy in tiles:
        fx = np.fft.fft2(wx)
        fy = np.fft.fft2(wy)
        spectra.append((np.abs(fx) ** 2, np.abs(fy) ** 2, (fx * np.conj(fy)).real))
    sxx, syy, sxy = (np.sum([tile[k] for tile in spectra], axis=0) for k in range(3))
    return _curves(*(_autocorrelation(spectrum) for spectrum in (sxx, syy, sxy)))


def _directions() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each direction's curve samples the half-pixel autocorrelation grid (x and y maps,
    ANGLES x (MAX_LAG + 1)), and the weights of the x, y and cross terms along it."""
    centre = TILE
    lags = np.arange(MAX_LAG + 1, dtype=np.float32)
    maps_x, maps_y, weights = [], [], []
    for i in range(ANGLES):
        theta = np.pi * i / ANGLES
        c, s = np.cos(theta), -np.sin(theta)  # counter-clockwise on screen: y down
        maps_x.append((centre + 2 * lags * c).astype(np.float32))
        maps_y.append((centre + 2 * lags * s).astype(np.float32))
        weights.append((c * c, s * s, 2 * c * s))
    wxx, wyy, wxy = (np.array(column, np.float64).reshape(-1, 1) for column in zip(*weights, strict=True))
    return np.stack(maps_x), np.stack(maps_y), wxx, wyy, wxy


_MAP_X, _MAP_Y, _W_XX, _W_YY, _W_XY = _directions()


def _curves(axx: np.ndarray, ayy: np.ndarray, axy: np.ndarray) -> np.ndarray:
    """The normalised autocorrelation of the gradient along each of ANGLES directions at lags
    0..MAX_LAG, from the autocorrelations of the gradient (x, y and cross term)."""
    curves = (
        _W_XX * cv2.remap(axx, _MAP_X, _MAP_Y, cv2.INTER_LINEAR)
        + _W_YY * cv2.remap(ayy, _MAP_X, _MAP_Y, cv2.INTER_LINEAR)
        + _W_XY * cv2.remap(axy, _MAP_X, _MAP_Y, cv2.INTER_LINEAR)
    )
    return (curves / np.maximum(curves[:, :1], 1e-6)).astype(np.float32)


def _autocorrelation(spectrum: np.ndarray) -> np.ndarray:
    """The autocorrelation whose power spectrum (TILE x TILE) is given, on a grid twice as
    fine, centred at (TILE, TILE)."""
    # Zero-padding the spectra interpolates the autocorrelations on a half-pixel grid, so that
    # sampling them along a slanted line does not blunt the dip.
    padded = np.zeros((2 * TILE, 2 * TILE), np.float64)
    half = TILE // 2
    padded[half : half + TILE, half : half + TILE] = np.fft.fftshift(spectrum)
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(padded)).real).astype(np.float32)


def _quick_reach(tiles: Tiles) -> tuple[np.ndarray, float]:
    """_reach in single precision, and the lowest autocorrelation at lag 0 of its directions
    (before the curves are normalised by it)."""
    sxx, syy, sxy = (np.zeros((TILE, TILE), np.float32) for _ in range(3))
    for wx, wy in tiles:
        fx = cv2.dft(wx, flags=cv2.DFT_COMPLEX_OUTPUT)
        fy = cv2.dft(wy, flags=cv2.DFT_COMPLEX_OUTPUT)
        xr, xi, yr, yi = fx[..., 0], fx[..., 1], fy[..., 0], fy[..., 1]
        sxx += xr * xr + xi * xi
        syy += yr * yr + yi * yi
        sxy += xr * yr + xi * yi
    half = TILE // 2
    autocorrelations = []
    for spectrum in (sxx, syy, sxy):
        # the spectrum on the twice-finer grid's frequencies, unshifted: as _autocorrelation
        # pads it, and the real part of the inverse FFT of a real spectrum is its forward
        # FFT's, scaled
        padded = np.zeros((2 * TILE, 2 * TILE), np.float32)
        for rows in (slice(None, half), slice(-half, None)):
            for cols in (slice(None, half), slice(-half, None)):
                padded[rows, cols] = spectrum[rows, cols]
        transform = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT | cv2.DFT_SCALE)
        autocorrelations.append(np.fft.fftshift(transform[..., 0]))
    axx, ayy, axy = autocorrelations
    centre = (TILE, TILE)
    at_zero = float((_W_XX * axx[centre] + _W_YY * ayy[centre] + _W_XY * axy[centre]).min())
    return _curves(axx, ayy, axy), at_zero


def _surely_sharp(tiles: Tiles, scale: float) -> bool:
    """The card is sharp by the quick reach, by QUICK_MARGIN: neither defocused (its mean reach
    beyond a sharp card's) nor smeared (its reach along any direction beyond that across any
    other bounds the anisotropy along the smear, whichever direction that is)."""
    if not tiles:
        return True  # nothing to measure: the full measurement finds it sharp too
    curves, at_zero = _quick_reach(tiles)
    if at_zero < QUICK_MIN_ENERGY:
        return False
    widths = _half_widths(curves)
    excess = _excess(float(widths.mean()), sharp_reach(scale))
    spread = float(widths.max() - widths.min())
    return (
        excess < defocus_threshold(scale) - QUICK_MARGIN
        and spread < anisotropy_threshold(scale) - QUICK_MARGIN
    )


def _half_widths(curves: np.ndarray) -> np.ndarray:
    """For each normalised autocorrelation, the lag (pixels, interpolated) at which it falls
    below 1/2."""
    below = curves < 0.5
    k = below.argmax(axis=1)
    rows = np.arange(len(curves))
    before = curves[rows, np.maximum(k - 1, 0)].astype(np.float64)
    after = curves[rows, k].astype(np.float64)
    widths = k - 1 + (before - 0.5) / np.maximum(before - after, 1e-6)
    widths[k == 0] = 0.0  # no gradient at all: nothing correlates, nothing is blurred
    widths[~below.any(axis=1)] = float(curves.shape[1] - 1)  # not below 1/2 by the last lag
    return widths


def _smear_designs() -> tuple[np.ndarray, np.ndarray]:
    """_smear_direction's least-squares design for each direction (ANGLES x ANGLES x 3) and
    their pseudo-inverses (ANGLES x 3 x ANGLES)."""
    phis = np.pi * np.arange(ANGLES) / ANGLES
    designs = np.stack([
        np.stack([np.ones(ANGLES), np.cos(phis - phis[index]) ** 2, np.cos(4 * phis)], axis=1)
        for index in range(ANGLES)
    ])
    return designs, np.linalg.pinv(designs)


_DESIGNS, _PSEUDO_INVERSES = _smear_designs()
# How far the pseudo-inverse's fits may stray from LAPACK's least squares, relative to the
# squared widths' norm (both are within a few 1e-16 of the exact fit: the designs are well
# conditioned, every one of rank 3).
_FIT_TOLERANCE = 1e-8


def _smear_direction(widths: np.ndarray) -> int:
    """The direction (index into ANGLES) of the line kernel that best explains the reach per
    direction: a smear of length L at angle a reaches w0^2 + (k L cos(phi - a))^2 squared along
    phi. Fitted over every direction, so no one direction's text structure decides; the cos 4phi
    term takes up the upright letters' own shape (a vertical stroke's edge, crossed on a slant,
    looks wider by 1/cos)."""
    squared = widths.astype(np.float64) ** 2
    # Every direction fitted at once through the pseudo-inverses, to find the few directions
    # that can be the best (within the tolerance of the lowest residual); only those are
    # fitted by lstsq, in order, so that the pick is lstsq's to the bit.
    coefs = np.einsum("ikj,j->ik", _PSEUDO_INVERSES, squared)
    residuals = ((squared - np.einsum("ijk,ik->ij", _DESIGNS, coefs)) ** 2).sum(axis=1)
    norm = float(np.sqrt(squared @ squared))
    residual_tolerance = _FIT_TOLERANCE * (norm * norm + 1e-12)
    coef_tolerance = _FIT_TOLERANCE * (norm + 1e-12)
    surely_rising = coefs[:, 1] > coef_tolerance
    lowest = float(residuals[surely_rising].min()) if surely_rising.any() else np.inf
    possible = (coefs[:, 1] > -coef_tolerance) & (residuals <= lowest + 2 * residual_tolerance)
    best, best_residual = 0, np.inf
    for index in np.nonzero(possible)[0]:
        coef, residual, *_ = np.linalg.lstsq(_DESIGNS[index], squared, rcond=None)
        error = float(residual[0]) if len(residual) else 0.0
        if coef[1] > 0 and error < best_residual:
            best, best_residual = int(index), error
    return best


def sharp_reach(scale: float) -> float:
    """How far (final card pixels) a sharp photo's edges reach once scaled by `scale`."""
    return float(np.hypot(SHARP_FLOOR, SHARP_PER_PIXEL * scale))


def defocus_threshold(scale: float) -> float:
    """The excess reach (final card pixels) from which a card at `scale` is out of focus."""
    return max(DEFOCUS_EXCESS, NATIVE_EXCESS * scale)


def anisotropy_threshold(scale: float) -> float:
    """The anisotropy (final card pixels) from which a card at `scale` may be smeared."""
    return max(MIN_ANISOTROPY, NATIVE_ANISOTROPY * scale)


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
            self.anisotropy >= anisotropy_threshold(self.scale)
            and self.smear.length >= MIN_SMEAR * self.scale
            and self.dip <= SMEAR_DIP
            and self.smear.length <= MAX_SMEAR_PER_REACH * float(self.widths.max())
        )

    def defocused(self) -> bool:
        return self.excess >= defocus_threshold(self.scale)


def measure_blur(gray: np.ndarray, scale: float = 1.0) -> Measurement:
    """The card's blur as measured from its edges; `scale`: the card's pixels per photo pixel."""
    return _measure(_edge_tiles(gray), scale)


def _measure(tiles: Tiles, scale: float) -> Measurement:
    curves = _reach(tiles)
    widths = _half_widths(curves)
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
    coarse shapes pass unchanged and only the fine detail the blur erased is held back.

    The filter is applied over the card's spectrum in place, a strip of rows at a time: a card
    upscaled to 2600 px has spectra of ~25 MB each, and a worker must stay under 300 MB."""
    radius = max(kernel.shape) // 2 + 2
    height, width = gray.shape[:2]
    # Mirror the card outwards so the FFT's wrap-around meets no edge that would ring inwards.
    padded_h = cv2.getOptimalDFTSize(height + 2 * radius)
    padded_w = cv2.getOptimalDFTSize(width + 2 * radius)
    top, left = (padded_h - height) // 2, (padded_w - width) // 2
    padded = cv2.copyMakeBorder(
        gray, top, padded_h - height - top, left, padded_w - width - left, cv2.BORDER_REFLECT,
    ).astype(np.float32)
    image_f = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT)
    del padded
    psf = np.zeros((padded_h, padded_w), np.float32)
    kh, kw = kernel.shape
    # the kernel centred on pixel (0, 0), wrapping round the edges
    psf[np.ix_((np.arange(kh) - kh // 2) % padded_h, (np.arange(kw) - kw // 2) % padded_w)] = kernel
    psf_f = cv2.dft(psf, flags=cv2.DFT_COMPLEX_OUTPUT)
    del psf
    wy = 2 * np.pi * np.fft.fftfreq(padded_h).astype(np.float32)
    across = (2 * np.cos(2 * np.pi * np.fft.fftfreq(padded_w).astype(np.float32)))[None, :]
    # conj(K) * I / (|K|^2 + smoothness |L|^2), on (re, im) pairs, written over I a strip of rows
    # at a time (element by element, so the strips change nothing but the memory held)
    for start in range(0, padded_h, WIENER_ROWS):
        rows = slice(start, start + WIENER_ROWS)
        k_re, k_im = psf_f[rows, :, 0], psf_f[rows, :, 1]
        i_re, i_im = image_f[rows, :, 0], image_f[rows, :, 1]
        laplacian = (4 - 2 * np.cos(wy[rows]))[:, None] - across
        power = k_re**2 + k_im**2 + smoothness * laplacian**2
        re = (k_re * i_re + k_im * i_im) / power
        im = (k_re * i_im - k_im * i_re) / power
        i_re[...] = re
        i_im[...] = im
    del psf_f
    restored = cv2.idft(image_f, flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    del image_f
    out = restored[top : top + height, left : left + width]
    return np.clip(out, 0, 255).astype(np.uint8)


def deblur(gray: np.ndarray, scale: float = 1.0, network: bool = True) -> np.ndarray:
    """The card with its motion blur or defocus undone; a sharp card is returned as it is.
    `scale`: the card's pixels per photo pixel (the image stage's scaling). The blur measured
    decides whether a card is blurred; the network restores it (`network=False`: the Wiener
    filter of the blur measured, for eval's step table)."""
    restored = restorations(gray, scale, network)
    return restored[0] if restored else gray


def restorations(gray: np.ndarray, scale: float = 1.0, network: bool = True) -> list[np.ndarray]:
    """The blurred card restored, best first: the network's restoration, then the Wiener
    filter's deconvolution it started from (which reads some lines better); only the latter
    with `network=False`. Empty for a card found sharp."""
    blur = blur_to_undo(gray, scale)
    if blur is None:
        return []
    filtered = wiener(gray, blur.kernel())
    if not network:
        return [filtered]
    return [restore(gray, filtered), filtered]


MODEL = Path(__file__).with_name("data") / "deblur.onnx"
# The network sees the card in tiles of at most TILE_CORE pixels a side (its activations for a
# whole card upscaled to 2600 px would take ~250 MB each), each read with TILE_MARGIN pixels
# of the card around it so that its ~50 px reach finds the same neighbours as on the whole
# card; the margins' results are dropped.
TILE_CORE = 512
TILE_MARGIN = 48


def _network() -> cv2.dnn.Net:
    """The network, loaded for one card (2 ms): OpenCV's dnn keeps the activations of every
    tile shape it was given for as long as the network lives (~100 MB for a 608 px tile), so a
    worker that kept it would hold them between blurred cards. Loaded per card, a 1-worker
    import of the sample set's 16 blurred cards peaks at 444 MB instead of 558 and stays at
    ~330 MB instead of ~480, in the same time."""
    return cv2.dnn.readNetFromONNX(str(MODEL))


def restore(gray: np.ndarray, filtered: np.ndarray) -> np.ndarray:
    """The blurred card as the text-deblurring network restores it from the card and its
    Wiener filtering (tools/deblurnet: trained on synthetic cards blurred by missed focus and
    shaking hands, at the scale Tesseract reads). Tiles of one shape (the network is set up
    once per shape), sides multiples of 4 (its two halvings)."""
    height, width = gray.shape[:2]
    rows, cols = math.ceil(height / TILE_CORE), math.ceil(width / TILE_CORE)
    core_h, core_w = -(-math.ceil(height / rows) // 4) * 4, -(-math.ceil(width / cols) // 4) * 4
    m = TILE_MARGIN
    padded = [cv2.copyMakeBorder(image, m, rows * core_h - height + m, m, cols * core_w - width + m,
                                 cv2.BORDER_REFLECT) for image in (gray, filtered)]
    net = _network()
    out = np.empty((rows * core_h, cols * core_w), np.uint8)
    for r in range(rows):
        for c in range(cols):
            window = np.s_[r * core_h : (r + 1) * core_h + 2 * m, c * core_w : (c + 1) * core_w + 2 * m]
            tile = np.stack([image[window] for image in padded])[None].astype(np.float32)
            net.setInput(tile * np.float32(1 / 255.0))
            sharp = net.forward()[0, 0, m : m + core_h, m : m + core_w]
            out[r * core_h : (r + 1) * core_h, c * core_w : (c + 1) * core_w] = np.clip(
                sharp * 255.0 + 0.5, 0, 255)
    return out[:height, :width]


def blur_to_undo(gray: np.ndarray, scale: float = 1.0) -> Blur | None:
    """The blur worth deconvolving, or None for a card Tesseract reads as it is: only the blur
    beyond a sharp photo's at this scale, so that upscaling's softness is never undone."""
    tiles = _edge_tiles(gray)
    if _surely_sharp(tiles, scale):
        return None
    measured = _measure(tiles, scale)
    blur = None
    if measured.smeared():
        blur = measured.smear
    elif measured.defocused():
        blur = Blur(angle=0.0, length=0.0, sigma=measured.excess / HALF_WIDTH_PER_SIGMA)
    # A blur beyond the longest lag looked at was not measured, only guessed: left alone.
    if blur is None or blur.length > MAX_LAG or blur.sigma * HALF_WIDTH_PER_SIGMA > MAX_LAG:
        return None
    return blur

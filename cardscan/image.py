"""The image stage: photo in, a flat, upright, evenly lit grayscale card for Tesseract out.

load (EXIF, HEIC, limits) -> find the card -> flatten it -> orient (0/90/180/270, then fine
deskew) -> clean (invert dark grounds, flatten the light, undo a camera's blur) at the scale
Tesseract reads best.
Each step lives in `cardscan.imaging`; this module composes them. Geometry is resolved on a
small preview, then the full-resolution photo is warped once, straight to the final card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from cardscan.imaging import clean, deblur, detect, orient
from cardscan.imaging.load import MAX_PIXELS, MIN_SIDE, decode, load, load_bytes
from cardscan.options import Options

__all__ = [
    "MAX_PIXELS", "MIN_SIDE", "STEPS", "PreparedCard", "decode", "load", "load_bytes",
    "prepare", "scale_long_side", "to_gray", "turn",
]

# The steps that can be switched off (Options.image_steps_off) for eval's on/off table.
# ("english" is the OCR stage's: a restored card read by the English model too.)
STEPS = ("detect", "orient", "osd", "deskew", "invert", "flatten", "scale", "sharpen", "network", "english",
         "binarize")

PREVIEW_LONG_SIDE = 1000  # the card as analysed for orientation, skew and text size
# levels by which the preview's ground and the final card's may differ (seen: up to 7)
PREVIEW_MARGIN = 20.0
TARGET_X_HEIGHT = 22.0  # pixels; Tesseract's LSTM models read best at about 20–30
DEFAULT_LONG_SIDE = 1600  # when the text size cannot be measured
MIN_LONG_SIDE, MAX_LONG_SIDE = 900, 2600
MAX_UPSCALE = 2.5  # beyond this an upscaled blur reads no better, only slower

# Given the card as the preview shows it, the rotation (degrees clockwise) it appears turned,
# or None when unsure: the OCR engine's orientation and script detection.
OrientationDetector = Callable[[np.ndarray], int | None]


@dataclass
class PreparedCard:
    """The image stage's output: the card for Tesseract, and where it was in the photo."""

    image: np.ndarray  # 8-bit grayscale, upright, cleaned, at the scale Tesseract reads best
    corners: list[list[float]] | None = None  # TL, TR, BR, BL of the upright card, photo pixels
    rotation: int = 0  # degrees the card was turned clockwise in the photo
    steps: dict[str, np.ndarray] = field(default_factory=dict)  # for --debug-dir
    found: bool = False  # a card outline was found (else the photo was used whole)
    orientation_by: str = "none"  # "letters", "osd" or "none"
    skew: float = 0.0  # degrees of fine deskew applied
    x_height: float | None = None  # measured small-text x-height in the final image
    fallback: bool = False  # the pipeline kept a second reading (turned, or the whole photo)
    # other versions of a card the deblurring step restored, of the same size and place: the
    # Wiener filter's deconvolution the network started from, and the card as it was; each is
    # read too, and the pipeline keeps, on the whole and line by line, what Tesseract is surer of
    alternatives: tuple[np.ndarray, ...] = ()


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def scale_long_side(image: np.ndarray, target: int) -> np.ndarray:
    height, width = image.shape[:2]
    factor = target / max(height, width)
    if abs(factor - 1.0) < 0.05:
        return image
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def prepare(
    photo: np.ndarray,
    keep_steps: bool = False,
    options: Options | None = None,
    orientation: OrientationDetector | None = None,
) -> PreparedCard:
    """The image stage: photo in, a clean grayscale card for Tesseract out. Pure."""
    off = (options or Options()).image_steps_off
    steps: dict[str, np.ndarray] = {}
    gray = to_gray(photo)
    height, width = gray.shape[:2]
    quad = detect.find_card(photo) if "detect" not in off else None
    found = quad is not None
    if quad is None:
        quad = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    card_w, card_h = detect.card_size(quad)

    # Preview: the flattened card at analysis size (never above its native size).
    p = min(1.0, PREVIEW_LONG_SIDE / max(card_w, card_h))
    preview_size = (max(1, round(card_w * p)), max(1, round(card_h * p)))
    preview = _warp(gray, quad, (card_w, card_h), _scale(p), preview_size)
    ground = clean.dark_ground(preview) if "invert" not in off else None
    if ground is not None:
        preview = clean.invert_dark(preview, ground)
    letters = orient.Letters.from_ink(clean.ink_mask(preview))

    rotation, orientation_by = 0, "none"
    if "orient" not in off:
        guess = orient.guess_orientation(letters)
        rotation, orientation_by = guess.rotation, "letters"
        if not guess.sure and orientation is not None and "osd" not in off:
            detected = orientation(preview)
            if detected is not None:
                rotation, orientation_by = detected, "osd"
    quarter_turns = ((360 - rotation) // 90) % 4  # clockwise turns that make the card upright
    upright = letters.turned(quarter_turns)
    skew = orient.skew_angle(upright) if "deskew" not in off else 0.0

    # Scale so the small text has Tesseract's favourite x-height.
    native_long = max(card_w, card_h)
    heights = orient.x_heights(upright)
    if "scale" in off:
        s = min(1.0, DEFAULT_LONG_SIDE / native_long)
        measured = None
    elif len(heights) >= 2:
        measured, s = _x_height_scale(heights, p)
    else:
        measured = None
        s = DEFAULT_LONG_SIDE / native_long
    s = _bounded_scale(s, native_long)

    def flat(s: float, skew: float) -> np.ndarray:
        """The card warped flat, upright, deskewed by `skew` and scaled by `s`; inverted where
        dark and its light flattened."""
        turned_w, turned_h = (card_w, card_h) if quarter_turns % 2 == 0 else (card_h, card_w)
        out_size = (max(1, round(turned_w * s)), max(1, round(turned_h * s)))
        post = (
            _scale(s)
            @ _rotation_about((turned_w / 2, turned_h / 2), skew)
            @ _quarter_turns(quarter_turns, card_w, card_h)
        )
        card = _warp(gray, quad, (card_w, card_h), post, out_size)
        if keep_steps:
            steps["2-flat"] = card
        if ground is not None:
            # A card the preview shows light all over, by a margin, is light at any scale: only
            # a card with some dark ground is measured again as it will be read.
            card = card if ground.surely_light(PREVIEW_MARGIN) else clean.invert_dark(card)
            if keep_steps:
                steps["3-inverted"] = card
        if "flatten" not in off:
            card = clean.flatten_light(card, TARGET_X_HEIGHT)
            if keep_steps:
                steps["4-flattened"] = card
        return card

    if keep_steps:
        steps["1-photo"] = _draw_quad(photo, quad, found)
    card = flat(s, skew)
    alternatives: tuple[np.ndarray, ...] = ()
    if "sharpen" not in off:
        network = "network" not in off
        restored = deblur.restorations(card, s, network=network)
        if restored:
            # A blur spreads the letters, and the preview measured them taller and leaning
            # with the smear; the network's restored card shows them as printed: measured
            # again, the card is made again where its scale or skew were off, and restored again.
            # (Only the network's restoration: the Wiener filter's still spreads the letters,
            # and measured again it costs the blur class 0.975 -> 0.968.)
            again = _remeasured(restored[0], s, native_long, skew, off) if network else None
            if again is not None:
                remade = flat(again[0], again[1])
                restored_again = deblur.restorations(remade, again[0], network=network)
                # made larger, a blur can pass for the upscaling's softness: then the card
                # restored as first made is kept
                if restored_again:
                    card, restored = remade, restored_again
                    s, skew, measured = again[0], again[1], again[2] or measured
            card, alternatives = restored[0], (*restored[1:], card)
        if keep_steps:
            steps["4b-deblurred"] = card
    if "binarize" not in off:
        card = clean.binarize(card)
        if keep_steps:
            steps["5-binarized"] = card
    if keep_steps:
        steps["9-ocr-input"] = card

    shift = rotation // 90  # the upright card's TL is the photo-frame corner `shift` on
    corners = [[float(x), float(y)] for x, y in np.roll(quad, -shift, axis=0)]
    return PreparedCard(
        image=card, corners=corners, rotation=rotation, steps=steps, found=found,
        orientation_by=orientation_by, skew=skew,
        x_height=None if measured is None else measured * s, alternatives=alternatives,
    )


# A restored card is made again when its x-height measures this far from the target (a share)
# or its lines lean this many degrees.
REMEASURE_SCALE = 0.12
REMEASURE_SKEW = 0.4


def _remeasured(
    restored: np.ndarray, s: float, native_long: float, skew: float, off: frozenset[str],
) -> tuple[float, float, float | None] | None:
    """The (scale, skew, x-height in native card pixels or None) a restored card measures it
    should have had, or None when it had them."""
    letters = orient.Letters.from_ink(clean.ink_mask(restored))
    new_s, new_skew, measured = s, skew, None
    heights = orient.x_heights(letters)
    if "scale" not in off and len(heights) >= 2:
        measured, new_s = _x_height_scale(heights, s)
        new_s = _bounded_scale(new_s, native_long)
    if "deskew" not in off:
        new_skew = skew + orient.skew_angle(letters)
    if abs(new_s / s - 1) <= REMEASURE_SCALE and abs(new_skew - skew) <= REMEASURE_SKEW:
        return None
    return new_s, new_skew, measured


def _x_height_scale(heights: np.ndarray, pixels_per_native: float) -> tuple[float, float]:
    """The small text's x-height in native card pixels (the 30th percentile of its lines', on
    an image of `pixels_per_native` pixels per native card pixel), and the scale that gives it
    Tesseract's favourite x-height (unbounded)."""
    measured = float(np.percentile(heights, 30)) / pixels_per_native
    return measured, TARGET_X_HEIGHT / max(measured, 1.0)


def _bounded_scale(s: float, native_long: float) -> float:
    s = min(s, MAX_UPSCALE, MAX_LONG_SIDE / native_long)
    return max(s, min(MIN_LONG_SIDE / native_long, MAX_UPSCALE))


def turn(prepared: PreparedCard, rotation: int) -> PreparedCard:
    """The prepared card turned upright when its text still appears turned `rotation` degrees
    clockwise (a quarter turn the orientation step missed). Pure: a new PreparedCard."""
    quarter = (rotation // 90) % 4
    corners = prepared.corners
    if corners is not None:
        corners = [list(c) for c in np.roll(np.array(corners), -quarter, axis=0).tolist()]
    card = np.ascontiguousarray(np.rot90(prepared.image, quarter))
    steps = {**prepared.steps, "9-ocr-input": card} if prepared.steps else {}
    alternatives = tuple(np.ascontiguousarray(np.rot90(other, quarter)) for other in prepared.alternatives)
    return replace(
        prepared, image=card, corners=corners, rotation=(prepared.rotation + 90 * quarter) % 360,
        steps=steps, alternatives=alternatives,
    )


def _warp(
    gray: np.ndarray, quad: np.ndarray, card_size: tuple[float, float], post: np.ndarray,
    out_size: tuple[int, int],
) -> np.ndarray:
    """Warp the photo's quad to the card rectangle, then by `post`, in one resampling."""
    card_w, card_h = card_size
    # post's scale, roughly: shrinking a lot by bilinear warping aliases thin strokes, so
    # shrink the photo with area averaging first.
    shrink = float(np.sqrt(abs(np.linalg.det(post[:2, :2]))))
    source, src_quad = gray, quad
    if shrink < 0.7:
        source = detect.shrink(gray, shrink)
        # the halvings round each side down: map the quad with the sizes actually made
        src_quad = quad * np.array([source.shape[1] / gray.shape[1], source.shape[0] / gray.shape[0]])
    rect = np.array([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(src_quad.astype(np.float32), rect)
    matrix = post @ homography
    interpolation = cv2.INTER_CUBIC if shrink > 1.2 else cv2.INTER_LINEAR
    return cv2.warpPerspective(source, matrix, out_size, flags=interpolation, borderMode=cv2.BORDER_REPLICATE)


def _scale(s: float) -> np.ndarray:
    return np.diag([s, s, 1.0])


def _quarter_turns(turns: int, width: float, height: float) -> np.ndarray:
    """Turning a width×height image `turns` × 90° clockwise, as a 3×3 matrix."""
    matrix = np.eye(3)
    for _ in range(turns % 4):
        matrix = np.array([[0.0, -1.0, height], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) @ matrix
        width, height = height, width
    return matrix


def _rotation_about(centre: tuple[float, float], degrees: float) -> np.ndarray:
    """Counter-clockwise on screen by `degrees`: undoes a clockwise slope of the text."""
    if not degrees:
        return np.eye(3)
    return np.vstack([cv2.getRotationMatrix2D(centre, degrees, 1.0), [0.0, 0.0, 1.0]])


def _draw_quad(photo: np.ndarray, quad: np.ndarray, found: bool) -> np.ndarray:
    small, factor = detect.downscale(photo, 1200)
    shown = small.copy() if small.ndim == 3 else cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    colour = (0, 200, 0) if found else (0, 0, 255)
    pts = (quad * factor).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(shown, [pts], True, colour, 3)
    cv2.circle(shown, tuple(int(v) for v in pts[0, 0]), 8, colour, -1)  # the photo-frame TL
    return shown

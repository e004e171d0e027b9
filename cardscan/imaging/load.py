"""Reading photos the way phones store them: EXIF orientation, HEIC, 16-bit, CMYK, alpha."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import ExifTags, Image, ImageOps

from cardscan.errors import InputError, reading

# A phone photo is 12–50 MP; 60 MP leaves room and refuses decompression bombs (a
# 30000×30000 PNG is 900 MP) from the header, before any pixel is decoded.
MAX_PIXELS = 60_000_000
MIN_SIDE = 32

try:  # HEIC/HEIF, the iPhone default
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional
    pass


def load(path: Path, page: int = 0) -> np.ndarray:
    """Read a photo as an upright 8-bit BGR array (EXIF orientation applied).

    Raises InputError naming the file and the reason for anything that is not a usable image.
    """
    return decode(load_bytes(path), path, page)


def load_bytes(path: Path) -> bytes:
    """The file's bytes, or InputError naming the file and why it can't be read."""
    with reading(path):
        return path.read_bytes()


def decode(data: bytes, path: Path | str = "<bytes>", page: int = 0) -> np.ndarray:
    """Image file bytes -> upright 8-bit BGR array; InputError for anything unusable."""
    if not data:
        raise InputError(path, "empty file (0 bytes)")
    if data.startswith(b"%PDF-"):  # a scanner's PDF, one card a page: cardscan/pages.py
        from cardscan.pages import render_pdf_page

        return render_pdf_page(data, path, page)
    try:
        with Image.open(io.BytesIO(data)) as im:
            _check_size(im, path)
            if page:
                im.seek(page)
                _check_size(im, path)
            elif (photo := _decode_jpeg(data, im)) is not None:
                return photo
            im.load()
            ImageOps.exif_transpose(im, in_place=True)  # no copy of a 12-megapixel photo
            return _to_bgr(im)
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(path, "image too large (refused as a decompression bomb)") from None
    except EOFError:
        raise InputError(path, f"no page {page + 1} in this file") from None
    except (OSError, ValueError, SyntaxError) as exc:
        reason = str(exc) or type(exc).__name__
        if "cannot identify image file" in reason:
            reason = "not an image file (or a format cardscan cannot read)"
        elif "truncated" in reason.lower():
            reason = "image file is truncated"
        raise InputError(path, reason) from None


def _check_size(im: Image.Image, path: Path | str) -> None:
    # Image.open reads only the header, so this refuses a bomb before a pixel is decoded.
    width, height = im.size
    if width * height > MAX_PIXELS:
        raise InputError(path, f"image too large ({width}×{height} pixels, limit {MAX_PIXELS:,})")
    if min(width, height) < MIN_SIDE:
        raise InputError(path, f"image too small ({width}×{height} pixels)")


# Pillow's EXIF orientation -> the same turn or flip of an OpenCV array (ImageOps.exif_transpose)
_ORIENTED: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda a: cv2.flip(a, 1),
    3: lambda a: cv2.rotate(a, cv2.ROTATE_180),
    4: lambda a: cv2.flip(a, 0),
    5: cv2.transpose,
    6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
    7: lambda a: cv2.rotate(cv2.transpose(a), cv2.ROTATE_180),
    8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


def _decode_jpeg(data: bytes, im: Image.Image) -> np.ndarray | None:
    """A plain colour or grey JPEG decoded by OpenCV: the same pixels as Pillow's (both are
    libjpeg-turbo) straight into BGR, in half the time. None for anything else, left to Pillow:
    CMYK, MPO, and a file that does not end where a JPEG ends (cut short: Pillow says so, where
    libjpeg would fill the rest with grey)."""
    if im.format != "JPEG" or im.mode not in ("RGB", "L") or not data.endswith(b"\xff\xd9"):
        return None
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION  # turned below, as Pillow reads it
    photo = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if photo is None or photo.shape[:2] != im.size[::-1]:
        return None
    turn = _ORIENTED.get(im.getexif().get(ExifTags.Base.Orientation, 1))
    return turn(photo) if turn is not None else photo


def _to_bgr(im: Image.Image) -> np.ndarray:
    """Any Pillow mode (1, L, LA, P, RGBA, CMYK, I;16, F...) to 8-bit BGR; alpha over white."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit scans use the whole 0..65535 range or only its low part (12-bit sensors):
        # stretch what is there rather than truncating to the top byte.
        arr = np.asarray(im).astype(np.float32)
        top = float(arr.max()) or 1.0
        im = Image.fromarray((arr * (255.0 / top)).astype(np.uint8), "L")
    elif im.mode == "F":
        arr = np.asarray(im, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        im = Image.fromarray(((arr - lo) * (255.0 / ((hi - lo) or 1.0))).astype(np.uint8), "L")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    if im.mode == "L":
        return cv2.cvtColor(np.asarray(im), cv2.COLOR_GRAY2BGR)
    # One writable copy of the pixels, turned to BGR in place: a phone photo is 36 MB a copy.
    pixels = np.array(im if im.mode == "RGB" else im.convert("RGB"))
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR, dst=pixels)

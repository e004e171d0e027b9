"""JPEGs decoded by OpenCV (the fast path) come out exactly as Pillow reads them: the same
pixels, turned by the same EXIF orientation; anything else still goes through Pillow."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from hostile import card_like, encoded, truncated_jpeg
from PIL import Image, ImageOps

from cardscan import image
from cardscan.errors import InputError


def pillow_bgr(data: bytes) -> np.ndarray:
    """How Pillow alone reads the file: EXIF orientation applied, then BGR."""
    with Image.open(io.BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im)
        return cv2.cvtColor(np.asarray(upright.convert("RGB")), cv2.COLOR_RGB2BGR)


def marked_card() -> Image.Image:
    """Not symmetric under any turn or flip: each of the eight orientations reads differently."""
    im = card_like(240, 150, seed=3)
    im.paste((220, 30, 30), (0, 0, 40, 25))
    im.paste((30, 30, 220), (200, 0, 240, 60))
    return im


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_turns_the_photo_as_pillow_does(orientation: int) -> None:
    exif = Image.Exif()
    exif[274] = orientation
    data = encoded(marked_card(), "JPEG", quality=92, exif=exif)
    assert np.array_equal(image.decode(data), pillow_bgr(data))


@pytest.mark.parametrize("kind", ["baseline", "progressive", "grey", "subsampled"])
def test_jpeg_pixels_are_pillows(kind: str) -> None:
    card = marked_card()
    params: dict[str, object] = {"quality": 85}
    if kind == "progressive":
        params["progressive"] = True
    elif kind == "grey":
        card = card.convert("L")
    elif kind == "subsampled":
        params["subsampling"] = 2  # 4:2:0, as phones store photos
    data = encoded(card, "JPEG", **params)
    assert np.array_equal(image.decode(data), pillow_bgr(data))


def test_a_cmyk_jpeg_is_left_to_pillow() -> None:
    data = encoded(marked_card().convert("CMYK"), "JPEG", quality=90)
    photo = image.decode(data)
    assert photo.shape == (150, 240, 3) and np.array_equal(photo, pillow_bgr(data))


def test_a_jpeg_cut_short_is_still_called_truncated() -> None:
    with pytest.raises(InputError, match="truncated"):
        image.decode(truncated_jpeg())


def test_bytes_after_the_end_of_the_jpeg_are_read_as_pillow_reads_them() -> None:
    data = encoded(marked_card(), "JPEG", quality=90) + b"trailer a phone appended"
    assert np.array_equal(image.decode(data), pillow_bgr(data))

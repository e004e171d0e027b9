"""Fuzzing the image loader: mutated bytes of real image files (every format cardscan reads)
either decode to an 8-bit BGR card photo within the pixel limits or fail with InputError — never
another exception, never a hang, never a huge allocation. `make fuzz` runs 10000 examples
(CARDSCAN_FUZZ_EXAMPLES), `make test` a few hundred.
"""

from __future__ import annotations

import os
import struct
from contextlib import suppress
from functools import cache

import numpy as np
from hostile import card_like, encoded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardscan import image
from cardscan.errors import InputError
from cardscan.pages import pdf_bytes_with_pages

EXAMPLES = int(os.environ.get("CARDSCAN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def seeds() -> dict[str, bytes]:
    """One small, valid file per format the loader reads."""
    card = card_like(160, 100, seed=5)
    gray = card.convert("L")
    out = {
        "jpeg": encoded(card, "JPEG", quality=80),
        "jpeg-progressive": encoded(card, "JPEG", quality=70, progressive=True),
        "png": encoded(card, "PNG"),
        "png-16bit": encoded(gray.convert("I;16"), "PNG"),
        "png-alpha": encoded(card.convert("RGBA"), "PNG"),
        "gif": encoded(card.convert("P"), "GIF"),
        "bmp": encoded(card, "BMP"),
        "tiff": encoded(card, "TIFF"),
        "tiff-lzw": encoded(card, "TIFF", compression="tiff_lzw"),
        "webp": encoded(card, "WEBP", quality=60),
        "pdf": pdf_bytes_with_pages([encoded(card, "JPEG", quality=60)]),
    }
    with suppress(KeyError, OSError):  # pillow-heif is optional
        out["heic"] = encoded(card, "HEIF", quality=50)
    return out


MAGICS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00\x10JF", b"GIF89a\x01\x00", b"II*\x00\x08\x00\x00\x00",
          b"%PDF-1.4", b"BM\x00\x00\x00\x00\x00\x00"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A seed file with a few of: bytes flipped, cut short, spliced, header sizes rewritten."""
    name = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "truncate", "insert", "delete", "size", "header"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80]))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "size":  # a big-endian or little-endian 16/32-bit size where headers keep them
            near = min(draw(st.integers(0, 64)), max(0, len(data) - 4))
            value = draw(st.sampled_from([0, 1, 0x7FFF, 0xFFFF, 30000, 0x7FFFFFFF, 0xFFFFFFFF]))
            fmt = draw(st.sampled_from([">H", "<H", ">I", "<I"]))
            packed = struct.pack(fmt, value & (0xFFFF if fmt.endswith("H") else 0xFFFFFFFF))
            data[near:near + len(packed)] = packed
        else:  # another format's magic on this body
            data[:8] = draw(st.sampled_from(MAGICS))
    return bytes(data)


def check_decode(data: bytes) -> np.ndarray | None:
    try:
        photo = image.decode(data, "fuzz.bin")
    except InputError as exc:
        assert str(exc).startswith("fuzz.bin: ") and exc.reason
        return None
    assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3
    height, width = photo.shape[:2]
    assert min(height, width) >= image.MIN_SIDE or data.startswith(b"%PDF")
    assert height * width <= image.MAX_PIXELS
    return photo


def test_every_seed_decodes() -> None:
    for name, data in seeds().items():
        photo = check_decode(data)
        assert photo is not None, name


@FUZZ
@given(data=mutated())
def test_fuzz_image_loader_on_mutated_files(data: bytes) -> None:
    check_decode(data)


@settings(max_examples=max(20, EXAMPLES // 20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated())
def test_fuzz_image_stage_on_what_the_loader_accepts(data: bytes) -> None:
    photo = check_decode(data)
    if photo is not None and photo.shape[0] * photo.shape[1] <= 2_000_000:
        prepared = image.prepare(photo)
        assert prepared.image.dtype == np.uint8 and prepared.image.ndim == 2


@FUZZ
@given(data=st.binary(max_size=2048))
def test_fuzz_image_loader_on_random_bytes(data: bytes) -> None:
    check_decode(data)

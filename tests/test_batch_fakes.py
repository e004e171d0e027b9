"""Fakes for the batch and store tests: photos that say who they are, and an engine that reads that.

A test photo is a plain gray PNG whose gray level is a person's number; `PixelEngine` "reads"
it as a card of that person (name, email, phone), so a batch of hundreds of cards runs in
seconds with no Tesseract, yet every card goes through load, decode, parse and the store. The
image stage is replaced by `plain_prepare` (these tests are about batches, not about finding the
card in a photo). Run as a script, this module is `cardscan import` with these fakes, for the
test that kills an import with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from cardscan import batch, image, pipeline
from cardscan.model import OcrPage, OcrWord
from cardscan.options import Options

HANGS = 255  # the person number whose card hangs the OCR
CRASHES = 254  # ... whose card kills the worker reading it


def reads(log: Path) -> list[int]:
    """The person numbers PixelEngine read, in order, from its log."""
    return [int(line.split()[0]) for line in log.read_text().splitlines()] if log.exists() else []


def write_photo(path: Path, person: int, variant: int = 0) -> Path:
    """A photo of person `person` (1..250); another `variant` has other bytes, same person."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (160 + 8 * variant, 100), color=person).save(path, format="PNG")
    return path


def write_broken(folder: Path, count: int) -> list[Path]:
    """Files named like photos that are not: empty, text, truncated PNG, random bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / "tmp-good.png"
    write_photo(png, 1)
    good = png.read_bytes()
    png.unlink()
    kinds = [b"", b"this is not a photo\n", good[: len(good) // 3], os.urandom(300)]
    paths = []
    for i in range(count):
        path = folder / f"broken-{i:02d}.jpg"
        path.write_bytes(kinds[i % len(kinds)])
        paths.append(path)
    return paths


def _line(words: list[str], top: int, number: int) -> list[OcrWord]:
    out, left = [], 40
    for word in words:
        out.append(OcrWord(word, left, top, 20 * len(word), 40, 95.0, block=number, paragraph=1, line=1))
        left += 20 * len(word) + 20
    return out


class PixelEngine:
    """Reads a test photo's gray level as the number of the person on it."""

    name = "pixel"

    def __init__(self, delay: float = 0.0, log: Path | None = None) -> None:
        self.delay = delay
        self.log = log

    def read(self, img: np.ndarray, options: Options) -> OcrPage:
        person = int(img[0, 0])
        if self.log is not None:
            with open(self.log, "a") as f:  # one short append per card: atomic between workers
                f.write(f"{person} {os.environ.get('OMP_THREAD_LIMIT')}\n")
        if self.delay:
            time.sleep(self.delay)
        if person == HANGS:
            while True:  # a hung OCR
                time.sleep(1)
        if person == CRASHES:
            os.kill(os.getpid(), signal.SIGKILL)  # a crash in native code takes the process
        words = (
            _line(["Person", _letters(person), "Tester"], 40, 1)
            + _line([f"person{person}@example.com"], 120, 2)
            + _line(["Tel", f"+1 415 555 {1000 + person}"], 200, 3)
        )
        return OcrPage(words=words, width=img.shape[1], height=img.shape[0])

    def orientation(self, img: np.ndarray, options: Options) -> int | None:
        return 0


def _letters(number: int) -> str:
    """A name-like word for a number: 1 -> 'Ab', 2 -> 'Ac' (digits would not read as a name)."""
    letters = "bcdfghjklmnpqrstvwxz"
    return "A" + letters[number % 20] + "e" + letters[(number // 20) % 20] + "o"


def plain_prepare(photo: np.ndarray, keep_steps: bool = False, **_: Any) -> image.PreparedCard:
    return image.PreparedCard(image=image.to_gray(photo))


def install(monkeypatch: pytest.MonkeyPatch, engine: PixelEngine) -> None:
    """Every card read (in this process and in forked workers) uses the fakes."""
    monkeypatch.setattr(image, "prepare", plain_prepare)
    monkeypatch.setattr(pipeline, "get_engine", lambda options: engine)
    monkeypatch.setattr(batch, "preload", lambda options: None)  # no real model to load first


if __name__ == "__main__":  # python tests/test_batch_fakes.py DELAY LOG import ARGS...
    image.prepare = plain_prepare  # type: ignore[assignment]
    fake = PixelEngine(delay=float(sys.argv[1]), log=Path(sys.argv[2]))
    pipeline.get_engine = lambda options: fake  # type: ignore[assignment]
    batch.preload = lambda options: None  # type: ignore[assignment]
    from cardscan.cli import main

    sys.exit(main(sys.argv[3:]))

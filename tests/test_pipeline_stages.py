"""The pipeline's stage timer: Tesseract's time counted as "ocr" wherever the call is made."""

from __future__ import annotations

import time

import numpy as np

from cardscan.model import OcrPage
from cardscan.ocr import FakeEngine
from cardscan.options import Options
from cardscan.pipeline import Timer


class SlowEngine(FakeEngine):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        time.sleep(self.seconds)
        return super().read(image, options)

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        time.sleep(self.seconds)
        return 90


def test_engine_calls_inside_a_stage_count_as_ocr_not_as_the_stage() -> None:
    timer = Timer()
    engine = timer.engine(SlowEngine(0.2))
    blank = np.full((20, 20), 255, np.uint8)
    with timer.stage("image"):
        time.sleep(0.01)
        assert engine.orientation(blank, Options()) == 90  # the image stage asks OSD
    engine.read(blank, Options())
    assert timer.seconds["ocr"] >= 0.4
    assert 0.005 <= timer.seconds["image"] < 0.2  # its own 10 ms, without the OSD call's 200
    assert set(timer.seconds) == {"image", "ocr"}


def test_stages_add_up_when_entered_again() -> None:
    timer = Timer()
    for _ in range(2):
        with timer.stage("load"):
            time.sleep(0.02)
    assert timer.seconds["load"] >= 0.04
    assert "ocr" not in timer.seconds


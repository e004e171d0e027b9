"""The pipeline around the stages: Tesseract's time counted as "ocr" wherever the call is made; the
QR search kept to the card."""

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


def test_the_qr_search_looks_only_at_the_card_and_its_margin() -> None:
    from cardscan.image import PreparedCard
    from cardscan.pipeline import card_region

    photo = np.zeros((1000, 2000, 3), np.uint8)
    corners = [[500.0, 300.0], [1500.0, 320.0], [1480.0, 900.0], [520.0, 880.0]]
    card = PreparedCard(image=np.zeros((10, 10), np.uint8), corners=corners, found=True)
    region = card_region(photo, card)
    assert region.shape[:2] == (600 + 100, 1000 + 100)  # 5% of the card's long side around it
    assert card_region(photo, PreparedCard(image=card.image, corners=card.corners, found=False)) is photo

"""layout.dividers / layout.columns and pipeline.read_columns: a two-column card is read column
by column when a vertical rule divides it."""

from __future__ import annotations

import cv2
import numpy as np

from cardscan import layout, pipeline
from cardscan.model import OcrWord
from cardscan.options import SPARSE_PSM, Options
from tests.cards_text import PsmEngine


def card_with_rule(x: int, top: int = 100, bottom: int = 500, thickness: int = 4) -> np.ndarray:
    card = np.full((600, 1000), 235, np.uint8)
    cv2.putText(card, "Jane Doe", (60, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 30, 3)
    cv2.putText(card, "+1 555 0100", (560, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    cv2.rectangle(card, (x, top), (x + thickness - 1, bottom), 40, -1)
    return card


def test_a_long_thin_rule_inside_the_card_is_a_divider() -> None:
    assert layout.dividers(card_with_rule(500), x_height=22.0) == [(500, 504)]


def test_no_divider_on_a_card_of_text_alone() -> None:
    card = card_with_rule(500, top=300, bottom=310)  # a dash, not a rule
    assert layout.dividers(card, x_height=22.0) == []


def test_a_short_or_thick_or_edge_rule_is_not_a_divider() -> None:
    assert layout.dividers(card_with_rule(500, top=250, bottom=400), 22.0) == []  # a quarter of the card
    assert layout.dividers(card_with_rule(500, thickness=12), 22.0) == []  # a bar, not a rule
    assert layout.dividers(card_with_rule(30), 22.0) == []  # the card's own edge


def test_columns_lie_between_the_dividers_and_skip_slivers() -> None:
    assert layout.columns(1000, [(500, 504)]) == [(0, 497), (507, 1000)]
    assert layout.columns(1000, [(985, 990)]) == [(0, 982)]  # 993..1000 is too narrow


def test_read_columns_reads_each_column_and_shifts_its_words() -> None:
    shapes: list[tuple[int, ...]] = []

    def words(psm: int) -> list[OcrWord]:
        return [OcrWord("word", 10, 20, 40, 20, 95.0, block=1, paragraph=1, line=1),
                OcrWord("next", 10, 60, 40, 20, 95.0, block=2, paragraph=1, line=1)]

    engine = PsmEngine(words)
    original = engine.read

    def read(image: np.ndarray, options: Options):  # type: ignore[no-untyped-def]
        shapes.append(image.shape)
        return original(image, options)

    engine.read = read  # type: ignore[method-assign]
    page = pipeline.read_columns(card_with_rule(500), Options(), engine, 22.0)
    assert shapes == [(600, 497), (600, 493)]
    assert [(w.left, w.block) for w in page.words] == [(10, 1), (10, 2), (517, 3), (517, 4)]
    assert (page.width, page.height) == (1000, 600)


def test_read_columns_reads_a_card_without_divider_once() -> None:
    engine = PsmEngine(lambda psm: [])
    pipeline.read_columns(card_with_rule(500, top=300, bottom=310), Options(), engine, 22.0)
    pipeline.read_columns(card_with_rule(500), Options(psm=SPARSE_PSM), engine, 22.0)
    assert engine.psms == [3, SPARSE_PSM]  # sparse text has no layout to split

"""tools.steps: one eval per image-stage configuration, each differing from the shipped one by a step."""

from __future__ import annotations

from cardscan.image import STEPS
from tools import steps


def test_each_row_flips_exactly_one_step_from_the_shipped_configuration() -> None:
    rows = steps.configurations()
    shipped = rows[0][1]
    flipped = [next(iter(off ^ shipped)) for _, off in rows[1:] if len(off ^ shipped) == 1]
    assert len(flipped) == len(rows) - 1  # every other row differs by exactly one step
    assert set(flipped) == set(STEPS)


def test_markdown_shows_every_row() -> None:
    summary = {"macro_f1": 0.9, "cer": 0.1, "cer_flexible": 0.02, "corner_iou_ge_090_photos": 0.99,
               "rotated_cards": 48, "rotated_cards_upright": 47, "by_quality": {"blur": {"macro_f1": 0.8}}}
    table = steps.markdown([steps.row("shipped", frozenset(), summary)])
    assert "| shipped | 0.9000 | 0.1000 | 0.0200 | 99.0% | 47/48 | 0.800 |" in table

"""The pipeline's second try on a front that reads poorly: only poor fronts pay for it, and
the reading with the most confident text is kept."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from cardscan import pipeline
from cardscan.model import Card, OcrPage, OcrWord
from cardscan.options import SPARSE_PSM, Options
from tests.cards_text import PsmEngine

WORDS = ["Jane", "Doughty", "jane.doughty@example.org", "+1", "415", "555", "0132"]
GOOD = [OcrWord(text=t, left=20 + 60 * i, top=20, width=50, height=20, conf=93.0, block=1,
                paragraph=1, line=1) for i, t in enumerate(WORDS)]


def sparse_only_engine() -> PsmEngine:
    """Reads nothing with psm 3 (layout analysis took the card for a picture), all with 11."""
    return PsmEngine(lambda psm: GOOD if psm == SPARSE_PSM else [])


def good_engine() -> PsmEngine:
    return PsmEngine(lambda psm: GOOD)


def photo(tmp_path: Path) -> Path:
    face = np.full((600, 1000, 3), 240, np.uint8)
    cv2.putText(face, "Jane Doughty", (60, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (30, 30, 30), 4)
    path = tmp_path / "card.png"
    cv2.imwrite(str(path), face)
    return path


def test_a_front_read_as_nothing_is_read_again_as_sparse_text(tmp_path: Path) -> None:
    engine = sparse_only_engine()
    result = pipeline.read_card_result(Card(front=photo(tmp_path)), Options(), engine)
    assert result.contact is not None and result.contact.emails == ["jane.doughty@example.org"]
    assert SPARSE_PSM in engine.psms
    assert result.diagnostics["reread"] is True


def test_a_front_that_reads_well_is_read_once(tmp_path: Path) -> None:
    engine = good_engine()
    result = pipeline.read_card_result(Card(front=photo(tmp_path)), Options(), engine)
    assert engine.psms == [Options().psm]
    assert result.diagnostics["reread"] is False


def test_confident_chars_count_only_sure_words() -> None:
    words = [OcrWord(text="Jane", left=0, top=0, width=1, height=1, conf=90.0),
             OcrWord(text="x7#", left=0, top=0, width=1, height=1, conf=90.0),
             OcrWord(text="Doughty", left=0, top=0, width=1, height=1, conf=30.0)]
    assert pipeline.confident_chars(OcrPage(words=words, width=1, height=1)) == 6

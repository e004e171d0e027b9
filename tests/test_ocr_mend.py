"""mend_lines: a line Tesseract read unsurely is replaced by a sparse-text reading of its place."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from cardscan import pipeline
from cardscan.model import Card, OcrWord, group_lines
from cardscan.ocr import mend_lines, poor_lines
from cardscan.options import SPARSE_PSM, Options
from tests.cards_text import PsmEngine


def word(
    text: str, left: int, top: int, conf: float, block: int = 1, line: int = 1, height: int = 30,
) -> OcrWord:
    return OcrWord(text, left, top, 18 * len(text), height, conf, block=block, paragraph=1, line=line)


# psm 3 joined a name (left column) and a phone number (right column, a little higher) into
# one line and read it as garbage; the lines above and below it read well.
COMPANY = [word("Vertexridge", 80, 40, 93), word("Foods", 300, 40, 95)]
JOINED = [word("ELO", 80, 150, 31, line=2, height=70), word("KOTOUC", 160, 150, 40, line=2, height=72),
          word("|", 560, 140, 52, line=2), word("Telt", 620, 140, 45, line=2),
          word("950", 720, 140, 41, line=2)]
TITLE = [word("Associate", 300, 230, 94, line=3), word("i.rodriguez@vertexridge.es", 620, 230, 92, line=3)]
FIRST = COMPANY + JOINED + TITLE

# psm 11 finds each column's line on its own, and the lines the first reading had already.
SPARSE = [
    word("Vertexridge", 80, 40, 92, block=1), word("Foods", 300, 40, 94, block=1),
    word("Íñigo", 80, 152, 91, block=2), word("Rodríguez", 190, 152, 90, block=2),
    word("Tel:", 600, 138, 93, block=3), word("+34", 670, 138, 95, block=3),
    word("939", 730, 138, 96, block=3),
    word("Associate", 300, 230, 93, block=4), word("i.rodriguez@vertexridge.es", 620, 230, 91, block=4),
]


def texts(words: list[OcrWord]) -> list[str]:
    return [line.text for line in group_lines(words)]


def test_an_unsure_joined_line_is_replaced_by_the_sparse_reading_of_its_place() -> None:
    poor = poor_lines(FIRST)
    assert [line.text for line in poor] == ["ELO KOTOUC | Telt 950"]
    mended = mend_lines(FIRST, poor, SPARSE)
    # the two columns come apart into lines of their own; nothing is read twice
    assert sorted(texts(mended)) == sorted(
        ["Vertexridge Foods", "Íñigo Rodríguez", "Tel: +34 939", "Associate i.rodriguez@vertexridge.es"]
    )
    assert all(w in mended for w in COMPANY + TITLE)  # lines read well are left as they were


def test_a_sparse_reading_no_surer_leaves_the_line_alone() -> None:
    unsure = [word(w.text, w.left, w.top, 45, block=w.block) for w in SPARSE]
    assert mend_lines(FIRST, poor_lines(FIRST), unsure) == FIRST


def test_a_sparse_reading_with_fewer_confident_letters_leaves_the_line_alone() -> None:
    fewer = [word("Íñ", 80, 152, 95, block=2)]  # surer, but it lost most of the line
    partly = [word("Jane", 80, 150, 60, line=2, height=70), word("Doughty", 200, 150, 60, line=2, height=70),
              word("Tlx", 560, 140, 20, line=2), word("x9", 620, 140, 10, line=2)]
    assert len(poor_lines(partly)) == 1
    assert mend_lines(partly, poor_lines(partly), fewer) == partly


def test_lines_read_well_lone_unsure_words_and_unsure_lines_of_one_size_are_not_poor() -> None:
    assert poor_lines(COMPANY + TITLE) == []
    assert poor_lines([word("®", 900, 40, 12)]) == []  # one word: a logo glyph, not a line
    # one line of one print size, read unsurely (blur): a sparse reading would not split it
    blurred = [word("Mecharcal", 80, 300, 16, height=26), word("Engineer", 300, 300, 20, height=25)]
    assert poor_lines(blurred) == []


def test_the_pipeline_reads_a_front_with_a_poor_line_once_more_and_gets_the_name(tmp_path: Path) -> None:
    face = np.full((600, 1000, 3), 240, np.uint8)
    cv2.putText(face, "Vertexridge Foods", (60, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (30, 30, 30), 4)
    path = tmp_path / "card.png"
    cv2.imwrite(str(path), face)
    # psm 3 joins the two columns into an unsure line; psm 11 reads them apart
    engine = PsmEngine(lambda psm: SPARSE if psm == SPARSE_PSM else FIRST)
    contact = pipeline.read_card(Card(front=path), Options(), engine)
    assert engine.psms == [Options().psm, SPARSE_PSM]
    assert contact.name == "Íñigo Rodríguez"
    assert "Íñigo Rodríguez" in (contact.raw_text["front"] or "")


def test_the_same_line_read_another_way_or_losing_letters_leaves_the_line_alone() -> None:
    site = [word("www.", 80, 300, 0, line=4, height=28), word("truelabs.uk", 170, 300, 0, line=4, height=60)]
    reread = [word("wwvw.truelabs.uk", 80, 300, 90, block=7)]  # one line: not a joined pair
    assert mend_lines(site, poor_lines(site), reread) == site
    email = [word("Æ", 80, 300, 10, line=4), word("jihane@mycsinti.com", 140, 300, 55, line=4),
             word("Cg", 600, 290, 20, line=4, height=70)]
    lost = [word("Øi", 80, 300, 90, block=7), word("ticom", 400, 330, 90, block=8)]  # 2 lines, fewer letters
    assert mend_lines(email, poor_lines(email), lost) == email

"""What on the back becomes a note: debris and repeats dropped, sidecars appended."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from cardscan.model import Card, Contact, OcrLine, OcrPage, OcrWord, Phone
from cardscan.ocr import FakeEngine
from cardscan.options import Options
from cardscan.parse.notes import join_notes, notes_from_lines


def line(text: str, conf: float = 90.0, top: int = 0) -> OcrLine:
    words, left = [], 10
    for i, part in enumerate(text.split()):
        words.append(OcrWord(part, left, top, 12 * len(part), 30, conf, line=top, paragraph=0, block=0))
        left += 12 * len(part) + 10
        del i
    return OcrLine(words)


def acme() -> Contact:
    return Contact(
        name="Jane Doe", given_name="Jane", family_name="Doe", title="Product Manager",
        company="ACME Robotics, Inc.", emails=["jane.doe@acmerobotics.com"],
        websites=["www.acmerobotics.com"],
        phones=[Phone("+14155550132", "work", "T: (415) 555-0132")],
        address="1200 Harbor Blvd, San Mateo, CA 94401",
    )


def test_handwritten_lines_become_the_note() -> None:
    lines = [line("Met at the expo", 71), line("send pricing Friday", 64, top=50)]
    assert notes_from_lines(lines, acme()) == "Met at the expo\nsend pricing Friday"


def test_names_in_a_note_are_kept() -> None:
    assert notes_from_lines([line("Met Jane at CES", 80)], acme()) == "Met Jane at CES"


def test_no_lines_or_only_debris_means_no_note() -> None:
    assert notes_from_lines([], acme()) is None
    debris = [line("~ | —", 40), line("ee", 20), line("Il", 88), line("•", 95), line("wrnq xkcd", 12)]
    assert notes_from_lines(debris, acme()) is None


def test_low_confidence_fragments_and_symbols_are_dropped_from_a_line() -> None:
    words = line("Call re: Q3 order").words
    noisy = OcrLine([*words, OcrWord("~", 400, 0, 8, 30, 90.0), OcrWord("r", 420, 0, 8, 30, 18.0)])
    assert notes_from_lines([noisy], acme()) == "Call re: Q3 order"


def test_repeats_of_the_contact_details_are_not_a_note() -> None:
    repeats = [
        line("ACME ROBOTICS"), line("Jane Doe"), line("Product Manager"), line("acmerobotics.com"),
        line("jane.doe@acmerobotics.com"), line("+1 415 555 0132"), line("1200 Harbor Blvd, San Mateo"),
    ]
    assert notes_from_lines(repeats, acme()) is None
    tagline = [line("ACME Robotics"), line("Precision you can measure")]
    assert notes_from_lines(tagline, acme()) == "Precision you can measure"


def test_join_notes_keeps_both_and_drops_blanks() -> None:
    assert join_notes("Met at the expo", "Sidecar text") == "Met at the expo\n\nSidecar text"
    assert join_notes(None, "  ") is None
    assert join_notes(None, "only sidecar\n") == "only sidecar"


def _photo(path: Path, exif_date: str | None = None) -> None:
    img = Image.fromarray(np.full((120, 200, 3), 255, np.uint8))
    exif = Image.Exif()
    if exif_date:
        exif.get_ifd(0x8769)[36867] = exif_date
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    path.write_bytes(buf.getvalue())


def test_pipeline_appends_sidecar_and_sets_event_and_dates(tmp_path: Path) -> None:
    from cardscan.pipeline import read_card

    _photo(tmp_path / "X.jpg", "2026:03:14 09:26:53")
    (tmp_path / "X.txt").write_text("wants a demo in May\n", encoding="utf-8")
    card = Card(front=tmp_path / "X.jpg", sidecar=tmp_path / "X.txt")
    contact = read_card(card, Options(event="Expo 2026", follow_up_days=5), FakeEngine(OcrPage([], 200, 120)))
    assert contact.notes == "wants a demo in May"
    assert contact.event == "Expo 2026"
    assert contact.met_on == "2026-03-14"
    assert contact.follow_up_on == "2026-03-19"


def test_contact_lines_with_labels_or_ocr_slips_are_repeats() -> None:
    front = "Vertexridge Foods\nQuality craftsmanship, honest prices"
    contact = Contact(name="Íñigo Rodríguez", title="Associate", department="Finance",
                      emails=["i.rodriguez@vertexridge-foods.es"],
                      address="331 Fifth Avenue, Chicago, IL 60693", raw_text={"front": front, "back": None})
    repeats = [line("onigo Rodroguez"), line("Associate"), line("Finance"),
               line("E i.rodriguez@vertexridge-foods.es"), line("Email: someone@else.example.com"),
               line("W: vertexridge-foods.es"), line("231 Fifth Avenue, Chicago, IL 093"),
               line("Quality craftsmanship, honest prices"), line("Vertexridge Foods")]
    assert notes_from_lines(repeats, contact) is None
    note = "Met Inigo at the Chicago fair"
    assert notes_from_lines([line(note)], contact) == note


class TwoWays:
    """An engine that reads the card one way the first time and another the second."""

    name = "two-ways"

    def __init__(self, *pages: OcrPage) -> None:
        self.pages = list(pages)
        self.images: list[np.ndarray] = []

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.images.append(image)
        return self.pages.pop(0)


def page_of(text: str, conf: float) -> OcrPage:
    return OcrPage(line(text, conf).words, 900, 500)


def test_a_poor_back_reading_is_tried_upside_down() -> None:
    from cardscan.backside import read_either_way_up

    card = np.zeros((500, 900), np.uint8)
    card[0, 0] = 255
    upside_down, upright = page_of("uof Buiuado", 50), page_of("opening Jan", 95)
    engine = TwoWays(upright)
    page, turned = read_either_way_up(card, upside_down, engine, Options())
    assert (page, turned) == (upright, True)
    assert engine.images[0][-1, -1] == 255  # it read the card turned 180°
    # A good first reading costs no second pass; a turned reading that is not surer is ignored.
    assert read_either_way_up(card, upright, TwoWays(), Options()) == (upright, False)
    hard = page_of("Wats the packaag", 55)
    assert read_either_way_up(card, hard, TwoWays(page_of("xx yy", 60)), Options()) == (hard, False)


def test_drop_repeats_checks_the_note_against_the_final_contact() -> None:
    from cardscan.parse.notes import drop_repeats

    contact = Contact(name="Íñigo Rodríguez", company="Vertexridge Foods S.A.")
    assert drop_repeats("onigo Rodroguez\nwants samples in May", contact) == "wants samples in May"
    assert drop_repeats("Vertexridge Foods", contact) is None
    assert drop_repeats(None, contact) is None


def test_a_note_naming_the_contact_is_no_repeat_of_a_phone_label() -> None:
    contact = Contact(name="Eva Smit", given_name="Eva", family_name="Smit",
                      phones=[Phone("+31644570392", "mobile", "Cell +31 6 44570392")],
                      raw_text={"front": "Eva Smit\nCell +31 6 44570392", "back": None})
    lines = [line("Wants the audit package in Mar"), line("call Eva", top=50)]
    assert notes_from_lines(lines, contact) == "Wants the audit package in Mar\ncall Eva"

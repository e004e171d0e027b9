"""Repairs of OCR misreads in the contact details: table-driven, on invented cards, no Tesseract.

A card says the same thing several times (the e-mail's domain, the website, the company; the
person's name and the e-mail's local part); these tests check that a misread copy is repaired
from a better-read one, and that digit runs OCR damaged still read as the numbers printed.
"""

from __future__ import annotations

import pytest

from cardscan.model import OcrPage, OcrWord
from cardscan.parse import parse_contact
from cardscan.parse.emails import find_emails
from cardscan.parse.layout import page_segments
from cardscan.parse.phones import find_phones
from cardscan.parse.repair import confusion_distance, local_patterns, repair_hosts, repair_local
from cardscan.parse.web import find_websites

Word = str | tuple[str, float] | tuple[str, float, int]


def card(*lines: list[Word]) -> OcrPage:
    """An OCR page, one block per line; a word is text, (text, conf) or (text, conf, height)."""
    words = []
    top = 20
    for number, line in enumerate(lines):
        left = 40
        for item in line:
            text, conf, height = (item, 95.0, 30) if isinstance(item, str) else (
                (item[0], item[1], 30) if len(item) == 2 else item)
            width = max(8, len(text) * 15)
            words.append(OcrWord(text, left, top, width, height, conf, block=number + 1, paragraph=1, line=1))
            left += width + 10
        top += 45
    return OcrPage(words=words, width=1050, height=max(600, top + 20))


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("M 07,94,17,45,37", "FR", ["+33794174537"]),  # commas for dots
    ("T 04.88,89.66.98", "FR", ["+33488896698"]),  # a comma for one of the dots (blur)
    ("le 12.05.2024", "FR", []),  # a date, dots only, is left alone
    ("T 01 42:68 53 00", "FR", ["+33142685300"]),  # a colon for a space
    ("T433 5 32 70 60 52", "FR", ["+33532706052"]),  # '+' read as 4, label glued on
    ("Tel+49 30 1234567", "DE", ["+49301234567"]),  # label glued to '+'
    ("T:+44 20 7946 0958", "GB", ["+442079460958"]),
    ("T 4433 555 0101", "US", []),  # not the card's country code: left alone
    ("Ref 12,50,30", "FR", []),  # a list of amounts is not a phone
])
def test_damaged_digit_runs(text: str, region: str, expected: list[str]) -> None:
    assert [f.phone.number for f in find_phones(text, region)] == expected


def test_number_split_by_a_stretched_box_stays_one_segment() -> None:
    # "04" got a box as tall as the name beside it; the digit groups are still one number
    page = card([("Tél", 70.0), (":", 70.0, 70), ("04", 74.0, 70), "21", "25", "67", "22"])
    assert [s.text for s in page_segments(page)] == ["Tél : 04 21 25 67 22"]


@pytest.mark.parametrize(("words", "expected"), [
    (["T", ("04.88.89.66.98", 34.0)], "T 04.88.89.66.98"),  # a doubted value after its label stays
    (["W", ("acme-tools,", 7.0), ("fr", 47.0)], "W acme-tools, fr"),
    (["Acme", "Tools", "GmbH", ("~~", 20.0)], "Acme Tools GmbH"),  # a speck after a name goes
])
def test_doubted_value_after_a_label_is_kept(words: list[Word], expected: str) -> None:
    assert page_segments(card(words))[0].text == expected


def test_slashed_number_is_a_phone_not_the_address() -> None:
    contact = parse_contact(card(
        ["Mobil", "0160", "/", "99703362"], ["Telefon", "089", "/", "832326"],
        ["Anna", "Weber"], ["Am", "Mühlbach", "233"], ["80614", "München,", "Deutschland"]), None)
    assert [p.number for p in contact.phones] == ["+4916099703362", "+4989832326"]
    assert contact.address is not None and "Telefon" not in contact.address


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("acmetools", "acmetools", 0.0),
    ("transpornsdupre", "transportsdupre", 1.0),  # n for t: a plain edit
    ("modern", "modem", 0.5),  # rn read as m
    ("atlasiogic", "atlaslogic", 0.5),  # i for l
    ("b0lt", "bolt", 0.5),
    ("bolt", "colt", 1.0),
])
def test_confusion_distance(a: str, b: str, expected: float) -> None:
    assert confusion_distance(a, b) == expected


@pytest.mark.parametrize(("hosts", "company", "expected"), [
    # the company spells one of two near copies: it wins, whatever the confidences
    ([("holzoau-kraft.com", 0.9), ("holzbau-kraft.com", 0.8)], "Holzbau Kraft GmbH",
     {"holzoau-kraft.com": "holzbau-kraft.com"}),
    # no company: the copy read with clearly more confidence wins
    ([("brightlake.com", 0.88), ("brightiake.com", 0.3)], None, {"brightiake.com": "brightlake.com"}),
    ([("brightlake.com", 0.6), ("brightiake.com", 0.55)], None, {}),  # too close to call
    ([("acme.com", 0.9), ("acme.de", 0.3)], None, {}),  # another country's site, not a misread
    ([("northwind.com", 0.9), ("southwind.com", 0.3)], None, {}),  # too far apart
])
def test_repair_hosts(hosts: list[tuple[str, float]], company: str | None, expected: dict[str, str]) -> None:
    assert repair_hosts(hosts, company) == expected


@pytest.mark.parametrize(("local", "given", "middle", "family", "expected"), [
    ("ej.novakova", "Jana", None, "Nováková", "j.novakova"),  # a label letter glued on
    ("j.novakoova", "Jana", None, "Nováková", "j.novakova"),
    ("ej.novak", "Jana", None, "Novák", "ej.novak"),  # one edit in eight letters: too short to tell
    ("jnovak", "Jana", None, "Novák", "jnovak"),  # already a pattern
    ("jschroeder", "Jonas", None, "Schröder", "jschroeder"),  # German transliteration is a pattern
    ("do-sullivanq", "Dara", "O", "Sullivan", "do-sullivan"),
    ("sales", "Jana", None, "Novák", "sales"),  # not a name: untouched
    ("jana.n", "Jana", None, "Novák", "jana.n"),  # not near one pattern only
])
def test_repair_local(local: str, given: str, middle: str | None, family: str, expected: str) -> None:
    assert repair_local(local, local_patterns(given, family, middle)) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("E jane.roe®@copperfield.uk", ["jane.roe@copperfield.uk"]),  # ® read for the '@' beside it
    ("E jroe@copperfieldcom", ["jroe@copperfield.com"]),  # the dot before 'com' lost
    # blur: a dot thinned away with its space kept, or read as a colon
    ("Email: jroe@copper-field com", ["jroe@copper-field.com"]),
    ("jroe@copperfield com sg", ["jroe@copperfield.com.sg"]),
    ("E jroe@copperfield fr", ["jroe@copperfield.fr"]),
    ("Email: jroe@copperfield:com", ["jroe@copperfield.com"]),
    ("jroe@copperfield Tel", []),  # a label after the host is not its ending
    ("jroe@copperfield.com fr", ["jroe@copperfield.com"]),  # a host with its dot is complete
    ("j:roe@copperfield.uk", ["j.roe@copperfield.uk"]),  # a colon in the local part
    ("E:jroe@copperfield.uk", ["jroe@copperfield.uk"]),  # ... unless a label is glued on
])
def test_email_misreads(line: str, expected: list[str]) -> None:
    assert find_emails(line) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("w. https://www. north-peak. io", ["www.north-peak.io"]),
    ("https://copperfieldcom", ["copperfield.com"]),
    ("W copperfield, fr", ["copperfield.fr"]),
    ("Lyon, fr", []),  # a comma without a web label is a comma
    # blur: the dot after www or before the ending lost with its space kept, a spaced dot or a
    # colon after a web label
    ("www north-peak com", ["www.north-peak.com"]),
    ("www.north-peak com", ["www.north-peak.com"]),
    ("www.copperfield co uk", ["www.copperfield.co.uk"]),
    ("W copperfield. fr", ["copperfield.fr"]),
    ("Web: www. copperfield:com", ["www.copperfield.com"]),
    ("Lyon. fr", []),  # nor a spaced dot
    # a dot read as an i, or a colon, in a host after www. that has no dot
    ("Web: www. copperfieldicom", ["www.copperfield.com"]),
    ("www.copperfield:net", ["www.copperfield.net"]),
    ("www.unicom.com", ["www.unicom.com"]),  # it has its dot
])
def test_website_misreads(line: str, expected: list[str]) -> None:
    assert [site for site, _ in find_websites(line)] == expected


def test_card_repairs_email_and_site_from_each_other() -> None:
    contact = parse_contact(card(
        ["Holzbau", "Kraft", "GmbH"], ["Jonas", "Weber"],
        ["E", ("jweber@holzbau-kraft.de", 85.0)], ["W", ("www.holzoau-kraft.de", 88.0)],
        ["Email:", ("info@hoizbau-kraft.de", 30.0)]), None)
    assert contact.emails == ["jweber@holzbau-kraft.de", "info@holzbau-kraft.de"]
    assert contact.websites == ["www.holzbau-kraft.de"]


def test_local_part_repaired_only_from_a_well_read_name() -> None:
    def emails(name_conf: float) -> list[str]:
        return parse_contact(card(
            ["Copperfield", "Ltd"], [("Jana", name_conf), ("Novakova", name_conf)],
            ["E", "ej.novakova@copperfield.co.uk"]), None).emails
    assert emails(96.0) == ["j.novakova@copperfield.co.uk"]
    assert emails(40.0) == ["ej.novakova@copperfield.co.uk"]

"""The parser on recorded OCR of the sample cards (tests/golden/ocr, made by tools/record_ocr.py).

Each case is one card with the fields the parser must get right, as the sample truth has them:
company-only cards, names printed in capitals, fax/mobile labels in EN/DE/FR, two numbers on a
line, postcodes beside phones, QR codes, backs that repeat the front. Fast: no Tesseract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cardscan.evaluate import normalise_website, single_matches
from cardscan.model import Contact, OcrPage
from cardscan.parse import parse_contact

GOLDEN = Path(__file__).parent / "golden" / "ocr"

# (card, {field: value printed on the card}) from golden/parse_cases.json; name/title/company/address
# are compared with eval's matching rules, phones as [E.164, kind].
CASES: list[tuple[str, dict[str, Any]]] = [
    (case["card"], case["expect"])
    for case in json.loads((GOLDEN.parent / "parse_cases.json").read_text(encoding="utf-8"))
]


def parse_golden(stem: str) -> Contact:
    record = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    back = OcrPage.from_dict(record["back"]) if record.get("back") else None
    return parse_contact(OcrPage.from_dict(record["front"]), back, qr=record.get("qr") or [])


@pytest.mark.parametrize(("stem", "expected"), CASES, ids=[stem for stem, _ in CASES])
def test_golden_card(stem: str, expected: dict[str, Any]) -> None:
    contact = parse_golden(stem)
    for field_name in ("name", "title", "company", "address"):
        if field_name in expected:
            want, got = expected[field_name], getattr(contact, field_name)
            if want is None:
                assert got is None, f"{field_name}: {got!r}"
            else:
                assert got is not None and single_matches(field_name, want, got), f"{field_name}: {got!r}"
    if "emails" in expected:
        assert sorted(contact.emails) == sorted(expected["emails"])
    if "phones" in expected:
        assert sorted([p.number, p.kind] for p in contact.phones) == sorted(expected["phones"])
    if "websites" in expected:
        got_sites = sorted(normalise_website(w) for w in contact.websites)
        assert got_sites == sorted(normalise_website(w) for w in expected["websites"])
    if "region" in expected:
        assert contact.region == expected["region"]


def test_enough_golden_cases() -> None:
    assert len(CASES) >= 60
    assert all((GOLDEN / f"{stem}.json").exists() for stem, _ in CASES)


def test_golden_company_only_card_has_no_person() -> None:
    contact = parse_golden("card-001")
    assert contact.name is None and contact.given_name is None and contact.company == "Riversidestone"


def test_golden_qr_codes_fill_and_correct() -> None:
    mecard = parse_golden("card-061")
    assert mecard.name == "Rohan Sharma" and "rohan.sharma@nair-print.in" in mecard.emails
    vcard = parse_golden("card-124")
    assert vcard.name == "Priya D. Hughes" and vcard.emails == ["priya@highlandlogic.co.uk"]


def test_golden_capitals_come_out_as_written() -> None:
    contact = parse_golden("card-013")
    assert contact.name == "Marco Romano"
    assert (contact.given_name, contact.family_name) == ("Marco", "Romano")


def test_golden_confidence_in_range() -> None:
    contact = parse_golden("card-003")
    assert contact.confidence and all(0.0 < v <= 1.0 for v in contact.confidence.values())

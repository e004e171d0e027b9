"""Checks that the committed synthetic sample set (samples/) has the promised variety.

Regenerate with `make samples` (python -m tools.samplegen --seed 7 --n 160 --out samples).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
QUALITIES = {"scan", "desk", "angle", "rot90", "rot180", "rot270", "shadow", "blur", "jpeg",
             "lowres"}
LAYOUTS = {"left", "centered", "two_column", "right", "band", "logo"}
KEYS = {"image", "back_image", "name", "name_printed", "given_name", "middle_name", "family_name",
        "title", "department", "company", "emails", "phones", "websites", "address",
        "address_parts", "social", "notes", "region", "quality", "back_quality", "corners",
        "back_corners", "rotation", "text", "back_text", "layout", "font", "dark", "qr"}


def load_truth() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((SAMPLES / "truth").glob("*.json"))]


@pytest.fixture(scope="module")
def cards() -> list[dict[str, Any]]:
    return load_truth()


def has_diacritic(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text)) or any(
        c in text for c in "ßøØłŁæœđ")


def test_card_and_back_counts(cards: list[dict[str, Any]]) -> None:
    assert len(cards) >= 150
    backs = [c for c in cards if c["back_image"]]
    assert len(backs) >= 40
    hand = [c for c in backs if c.get("back_kind") == "note"]
    assert len(hand) >= 25
    assert all(c["notes"] for c in hand)
    printed = [c for c in backs if c.get("back_kind") != "note"]
    assert printed, "some printed backs"
    assert all(c["notes"] is None for c in cards if not c["back_image"])


def test_truth_keys_and_files(cards: list[dict[str, Any]]) -> None:
    for c in cards:
        assert set(c) >= KEYS, c["image"]
        assert (SAMPLES / c["image"]).is_file()
        if c["back_image"]:
            assert (SAMPLES / c["back_image"]).is_file()
            assert c["back_corners"] and len(c["back_corners"]) == 4
        assert len(c["corners"]) == 4
        assert c["rotation"] in (0, 90, 180, 270)


def test_fonts_layouts_dark(cards: list[dict[str, Any]]) -> None:
    assert len({c["font"] for c in cards}) >= 8
    assert {c["layout"] for c in cards} >= LAYOUTS
    assert sum(c["dark"] for c in cards) >= 0.15 * len(cards)


def test_qualities(cards: list[dict[str, Any]]) -> None:
    q = Counter(c["quality"] for c in cards)
    assert set(q) >= QUALITIES
    assert q["rot90"] >= 0.05 * len(cards)
    assert q["rot180"] >= 0.05 * len(cards)
    rot = {"rot90": 90, "rot180": 180, "rot270": 270}
    for c in cards:
        assert c["rotation"] == rot.get(c["quality"], 0)


def test_people(cards: list[dict[str, Any]]) -> None:
    people = [c for c in cards if c["name"]]
    company_only = [c for c in cards if not c["name"]]
    assert len(company_only) >= 0.05 * len(cards)
    assert sum(has_diacritic(c["name"]) for c in people) >= 10
    caps = [c for c in people if c["name_printed"] == c["name_printed"].upper()]
    assert len(caps) >= 0.1 * len(cards)
    assert sum(bool(c["middle_name"]) for c in people) >= 0.1 * len(cards)
    assert len({c["title"] for c in people}) >= 40
    assert sum(bool(c["department"]) for c in people) >= 10
    for c in people:
        assert c["name_printed"] in c["text"].split("\n")
        assert c["name"].upper() == c["name_printed"].upper()


def test_companies(cards: list[dict[str, Any]]) -> None:
    suffixes = ["Inc.", "LLC", "Ltd", "LLP", "GmbH", "AG", "SAS", "SARL", "Pvt", "Pty Ltd",
                "Corp.", "& Co."]
    found = {s for s in suffixes for c in cards if s.lower() in c["company"].lower()}
    assert len(found) >= 9, found
    assert any(not any(s.lower() in c["company"].lower() for s in suffixes) for c in cards)


def test_phones_valid(cards: list[dict[str, Any]]) -> None:
    kinds: Counter[str] = Counter()
    for c in cards:
        lines = c["text"].split("\n") + (c["back_text"] or "").split("\n")
        for p in c["phones"]:
            num = phonenumbers.parse(p["number"])
            assert re.fullmatch(r"\+\d{8,15}", p["number"]), p
            assert phonenumbers.is_valid_number(num), p
            assert phonenumbers.format_number(
                num, phonenumbers.PhoneNumberFormat.E164) == p["number"]
            assert any(p["printed"] in ln for ln in lines), p
            if p["kind"] == "mobile":
                assert phonenumbers.number_type(num) in (
                    phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE), p
            if p["kind"] in ("work", "fax"):
                assert phonenumbers.number_type(num) in (
                    phonenumbers.PhoneNumberType.FIXED_LINE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE), p
            kinds[p["kind"]] += 1
    assert set(kinds) >= {"work", "mobile", "fax"}
    two_on_line = [c for c in cards if len({ln for ln in c["text"].split("\n")
                                           if sum(p["printed"] in ln for p in c["phones"]) >= 2})]
    assert len(two_on_line) >= 3


def test_emails_websites_social(cards: list[dict[str, Any]]) -> None:
    for c in cards:
        for e in c["emails"]:
            assert e == e.lower() and re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}", e), e
        for w in c["websites"]:
            assert not w.startswith("http"), w
    assert sum(bool(c["social"]) for c in cards) >= 0.15 * len(cards)
    services = {s["service"] for c in cards for s in c["social"]}
    assert services == {"linkedin", "twitter", "instagram", "github"}
    tlds = {w.split(".", 1)[1] if w.count(".") == 1 else w.split(".", 1)[1].split(".", 1)[-1]
            for c in cards for w in c["websites"]}
    assert len(tlds) >= 6
    assert any("https://" in c["text"] for c in cards)


def test_addresses(cards: list[dict[str, Any]]) -> None:
    regions = {c["region"] for c in cards}
    assert len(regions) >= 7
    assert regions >= {"US", "GB", "DE", "FR", "IN", "CA", "AU"}
    with_addr = [c for c in cards if c["address"]]
    assert len(with_addr) >= 0.6 * len(cards)
    assert sum(has_diacritic(c["address"]) for c in with_addr) >= 8
    pats = {"US": r"\d{5}", "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d", "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",
            "DE": r"\d{5}", "FR": r"\d{5}", "IN": r"\d{6}", "AU": r"\d{4}"}
    for c in with_addr:
        parts = c["address_parts"]
        assert parts["country"] == c["region"]
        assert parts["postcode"] in c["address"] and parts["city"] in c["address"]
        pat = pats.get(c["region"])
        if pat:
            assert re.fullmatch(pat, parts["postcode"]), parts


def test_qr(cards: list[dict[str, Any]]) -> None:
    qrs = [c["qr"] for c in cards if c["qr"]]
    assert len(qrs) >= 5
    assert all(q.startswith(("BEGIN:VCARD", "MECARD:", "https://")) for q in qrs)


def test_text_consistency(cards: list[dict[str, Any]]) -> None:
    for c in cards:
        lines = c["text"].split("\n")
        assert c["company"] in lines
        if c["title"]:
            assert c["title"] in lines + (c["back_text"] or "").split("\n")
        for e in c["emails"]:
            assert e in (c["text"] + "\n" + (c["back_text"] or "")).lower()


def test_total_size() -> None:
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 40 * 1024 * 1024


def test_geometry(cards: list[dict[str, Any]]) -> None:
    from PIL import Image

    for c in cards[::5]:
        with Image.open(SAMPLES / c["image"]) as im:
            w, h = im.size
        assert max(w, h) <= 1600
        for x, y in c["corners"]:
            assert 0 <= x < w and 0 <= y < h, c["image"]
        if c["rotation"] in (90, 270):
            assert h > w


def test_font_packages_match_installer() -> None:
    from tools.samplegen import fonts

    script = (ROOT / "tools" / "install-fonts.sh").read_text()
    assert set(fonts.PACKAGES) <= set(re.findall(r"fonts-[a-z0-9-]+", script))


def _font_with(path: Path, letters: str) -> str:
    """A TrueType font with an empty glyph for each of `letters` and nothing else."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"g{ord(c)}" for c in letters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c)}" for c in letters})
    builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in names})
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return str(path)


def test_a_bold_face_without_a_letter_of_the_line_gives_way_to_the_regular(tmp_path: Path) -> None:
    from tools.samplegen.content import Line
    from tools.samplegen.fonts import Family, covers
    from tools.samplegen.render import Style, _font_path

    # as the Debian EB Garamond bold: the plain letters, not the Č of "ČOLIĆ"
    bold = _font_with(tmp_path / "bold.ttf", "COLIUSRA ")
    regular = _font_with(tmp_path / "regular.ttf", "COLIUSRAČĆ ")
    assert covers(bold, "URSULA COLIC") and not covers(bold, "URSULA ČOLIĆ")
    style = Style(Family("Test", "serif", "none", regular, bold), (255,) * 3, (0,) * 3, (0,) * 3,
                  dark=False, radius=0, name_bold=True)
    assert _font_path(style, Line("URSULA COLIC", "name")) == bold
    assert _font_path(style, Line("URSULA ČOLIĆ", "name")) == regular
    assert _font_path(style, Line("URSULA COLIC", "title")) == regular

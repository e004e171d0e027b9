"""The parser's field extractors on hand-made OCR pages: table-driven, no Tesseract."""

from __future__ import annotations

import pytest

from cardscan.model import OcrPage, OcrWord
from cardscan.options import Options
from cardscan.parse import parse_contact
from cardscan.parse.address import find_postcode
from cardscan.parse.emails import find_emails
from cardscan.parse.phones import find_phones
from cardscan.parse.qr import parse_payload
from cardscan.parse.web import find_labelled_handles, find_websites, social_from_site
from tests.cards_text import page as make_page


def page(*lines: str | tuple[str, int]) -> OcrPage:
    """An OCR page with one block per line, on a card 1050 pixels wide."""
    return make_page(*lines, width=1050)


@pytest.mark.parametrize(("text", "expected"), [
    ("E: jane.doe@acme.com", ["jane.doe@acme.com"]),
    ("jane.doe©acme.com", ["jane.doe@acme.com"]),
    ("jane (at) acme . com", ["jane@acme.com"]),
    ("j.doe@acme,com", ["j.doe@acme.com"]),
    ("Email:Info@Hubbig.com", ["info@hubbig.com"]),
    ("e. emily@atlasgate.com", ["emily@atlasgate.com"]),
    ("E. jane . doe @ acme . co . uk", ["jane.doe@acme.co.uk"]),
    ("x.y@example.corn", ["x.y@example.com"]),
    ("e. |.macleod@jajjones.com", ["l.macleod@jajjones.com"]),
    ("sales@a.de / info@a.de", ["sales@a.de", "info@a.de"]),
    ("no address here @ all", []),
])
def test_emails(text: str, expected: list[str]) -> None:
    assert find_emails(text) == expected


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("T: (415) 555-0132", "US", [("+14155550132", "work")]),
    ("Tel.: +49 30 12345678", "DE", [("+493012345678", "work")]),
    ("Mob.: +49 171 1234567", "DE", [("+491711234567", "mobile")]),
    ("Handy 0171 1234567", "DE", [("+491711234567", "mobile")]),
    ("Telefax 030 1234568", "DE", [("+49301234568", "fax")]),
    ("Portable : 06 44 22 53 44", "FR", [("+33644225344", "mobile")]),
    ("Tél. 01 42 68 53 00", "FR", [("+33142685300", "work")]),
    ("F 01 42 68 53 01", "FR", [("+33142685301", "fax")]),
    ("T +1 415 555 0132  M +1 415 555 0199", "US", [("+14155550132", "work"), ("+14155550199", "mobile")]),
    ("P: 0911 / 21914 - F: 0911 / 21915", "DE", [("+4991121914", "work"), ("+4991121915", "fax")]),
    ("Cell: 338 488 6543", "IT", [("+393384886543", "mobile")]),
    ("C: +1 403-344-7275", "CA", [("+14033447275", "mobile")]),
    ("O: +1.403.561.1278", "CA", [("+14035611278", "work")]),
    ("0: 0161 836 8221", "GB", [("+441618368221", "work")]),
    ("Direct +1 303-230-1286", "US", [("+13032301286", "work")]),
    ("GSM +90 532 123 45 67", "US", [("+905321234567", "mobile")]),
    ("HP: +65 9123 4567", "US", [("+6591234567", "mobile")]),
    ("Tel/Fax: +971 4 123 4567", "AE", [("+97141234567", "work")]),
    ("+44 (0)20 7946 0958 (Mobile)", "GB", [("+442079460958", "mobile")]),
    ("+1 (415) 555-O132", "US", [("+14155550132", "work")]),
    ("San Francisco, CA 94105", "US", []),
    ("Mumbai - 400001", "IN", []),
    ("75008 Paris", "FR", []),
    ("12.03.2024", "DE", []),
    ("1200 Harbor Blvd, Suite 400", "US", []),
    ("DDI (65) 6486 8189", "US", [("+6564868189", "work")]),
    ("HP (65) 9825 0824", "US", [("+6598250824", "mobile")]),
    ("T E L : 81-52-204-2601", "JP", [("+81522042601", "work")]),
    ("F A X: 81-52-204-2612", "JP", [("+81522042612", "fax")]),
    ("M: (TH) +66 (0) 8 4199 9994 (WhatsApp)", "US", [("+66841999994", "mobile")]),
    ("Tel: +49 30 1234 567, 1234 568", "DE", [("+49301234567", "work")]),
])
def test_phones(text: str, region: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.phone.number, f.phone.kind) for f in find_phones(text, region)] == expected


def test_phone_raw_is_label_and_number() -> None:
    (found,) = find_phones("Mob.: +49 171 1234567", "DE")
    assert found.phone.raw == "Mob.: +49 171 1234567"


def test_national_number_read_where_it_is_valid() -> None:
    found = find_phones("Tél : 04 21 25 67 22", "US", alternatives=("GB", "FR"))
    assert [f.phone.number for f in found] == ["+33421256722"]


@pytest.mark.parametrize(("text", "expected"), [
    ("www.acme.com", ["www.acme.com"]),
    ("https://www.costruzioni-russo.it", ["www.costruzioni-russo.it"]),
    ("W: acmerobotics.com", ["acmerobotics.com"]),
    ("acme.co.uk/contact", ["acme.co.uk/contact"]),
    ("www,acme.com", ["www.acme.com"]),
    ("ACME Pvt.Ltd", []),
    ("Costruzioni Russo S.p.A.", []),
    ("Mr. J. Doe", []),
])
def test_websites(text: str, expected: list[str]) -> None:
    assert [site for site, _ in find_websites(text)] == expected


@pytest.mark.parametrize(("text", "service", "handle"), [
    ("LinkedIn: in/janedoe", "linkedin", "in/janedoe"),
    ("X: @jdoe", "twitter", "jdoe"),
    ("Instagram: @zoconnor", "instagram", "zoconnor"),
    ("GitHub: zoeoconnor", "github", "zoeoconnor"),
])
def test_labelled_handles(text: str, service: str, handle: str) -> None:
    (social,) = find_labelled_handles(text)
    assert (social.service, social.handle) == (service, handle)


def test_social_urls_are_not_websites() -> None:
    social = social_from_site("github.com/theobernard")
    assert social is not None and (social.service, social.handle) == ("github", "theobernard")
    contact = parse_contact(page("Theo Bernard", "www.atelier.com", "github.com/theobernard"), None)
    assert contact.websites == ["www.atelier.com"]
    assert [(s.service, s.handle) for s in contact.social] == [("github", "theobernard")]


@pytest.mark.parametrize(("text", "country", "postcode"), [
    ("San Mateo, CA 94401", "US", "94401"),
    ("London EC1A 1BB", "GB", "EC1A 1BB"),
    ("D-10115 Berlin", "DE", "10115"),
    ("Mumbai - 400001", "IN", "400001"),
    ("Toronto, ON M5V 2T6", "CA", "M5V 2T6"),
    ("Sydney NSW 2000", "AU", "2000"),
    ("1017 AB Amsterdam", "NL", "1017 AB"),
    ("75008 Paris", None, "75008"),
])
def test_postcodes(text: str, country: str | None, postcode: str) -> None:
    hit = find_postcode(text)
    assert hit is not None and (hit.country, hit.postcode) == (country, postcode)


def test_street_number_is_not_a_postcode() -> None:
    assert find_postcode("1200 Harbor Blvd") is None


@pytest.mark.parametrize(("lines", "address", "region"), [
    (["1200 Harbor Blvd, Suite 400", "San Mateo, CA 94401"],
     "1200 Harbor Blvd, Suite 400, San Mateo, CA 94401", "US"),
    (["Gartenstraße 90", "D-04125 Leipzig"], "Gartenstraße 90, D-04125 Leipzig", "DE"),
    (["48 rue de Rivoli", "31400 TOULOUSE"], "48 rue de Rivoli, 31400 TOULOUSE", "FR"),
    (["Via Garibaldi, 158", "10129 Torino TO"], "Via Garibaldi, 158, 10129 Torino TO", "IT"),
    (["134, Hill Road", "Pune 411069, India"], "134, Hill Road, Pune 411069, India", "IN"),
    (["3 Pitt Street", "Brisbane QLD 4000"], "3 Pitt Street, Brisbane QLD 4000", "AU"),
])
def test_address_block_and_region(lines: list[str], address: str, region: str) -> None:
    contact = parse_contact(page("Jane Doe", *lines), None)
    assert (contact.address, contact.region) == (address, region)
    assert contact.address_parts is not None and contact.address_parts["country"] == region


def test_address_parts_us() -> None:
    contact = parse_contact(page("3117 Elm Street", "Denver, CO 80228"), None)
    assert contact.address_parts == {
        "street": "3117 Elm Street", "city": "Denver", "region": "CO", "postcode": "80228", "country": "US",
    }


def test_people_lines_by_layout_and_lexicons() -> None:
    contact = parse_contact(page(
        ("Orbitfield GmbH", 44), ("MAREIKE LEHMANN", 40), ("Projektleiter", 28), ("Vertrieb", 26),
        "M +49 (0)176 50272565", "E mareike.lehmann@orbitfield.com", "www.orbitfield.com",
    ), None)
    assert (contact.name, contact.given_name) == ("Mareike Lehmann", "Mareike")
    assert contact.family_name == "Lehmann"
    assert (contact.title, contact.department) == ("Projektleiter", "Vertrieb")
    assert contact.company == "Orbitfield GmbH"
    assert contact.region == "DE"
    assert contact.phones[0].kind == "mobile"


def test_company_only_card_has_no_person() -> None:
    contact = parse_contact(page(
        ("Riversidestone", 48), "Connecting people and places", "3117 Elm Street, Denver, CO 80228",
        "Direct +1 303-230-1286", "E-mail: hello@riversidestone.com", "w. www.riversidestone.com",
    ), None)
    assert contact.name is None and contact.title is None
    assert contact.company == "Riversidestone"


def test_title_is_not_taken_for_a_name() -> None:
    card = page(("Senior Product Manager", 40), ("Jane Doe", 30), "jane.doe@acme.com")
    contact = parse_contact(card, None)
    assert (contact.name, contact.title) == ("Jane Doe", "Senior Product Manager")


def test_region_option_is_the_default_for_national_numbers() -> None:
    contact = parse_contact(page("Jane Doe", "T 020 7946 0958"), None, Options(region="GB"))
    assert [p.number for p in contact.phones] == ["+442079460958"]
    assert contact.region == "GB"


def test_confidence_per_field_found() -> None:
    card = page(("Jane Doe", 40), "Product Manager", "jane@acme.com", "T (415) 555-0132")
    contact = parse_contact(card, None)
    for name in ("name", "title", "emails", "phones"):
        assert 0.0 < contact.confidence[name] <= 1.0


def test_back_fills_missing_fields_without_duplicates() -> None:
    front = page(("Jane Doe", 40), "Product Manager", "jane@acme.com")
    back = page("jane@acme.com", "www.acme.com", "Met at the trade fair, call in May")
    contact = parse_contact(front, back)
    assert contact.emails == ["jane@acme.com"]
    assert contact.websites == ["www.acme.com"]
    assert contact.notes is not None and "trade fair" in contact.notes
    assert "acme.com" not in (contact.notes or "")


def test_empty_pages() -> None:
    contact = parse_contact(OcrPage(words=[], width=100, height=60), None)
    assert contact.name is None and contact.emails == [] and contact.region == "US"


VCARD = (
    "BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;Q.;;\nFN:Jane Q. Doe\nORG:ACME Robotics\\, Inc.\nTITLE:PM\n"
    "TEL;TYPE=CELL:+14155550199\nEMAIL:jane.doe@acme.com\nURL:https://acme.com/\nEND:VCARD"
)


def test_qr_payloads() -> None:
    vcard = parse_payload(VCARD)
    assert vcard is not None
    assert (vcard.name, vcard.company, vcard.title) == ("Jane Q. Doe", "ACME Robotics, Inc.", "PM")
    assert [(p.number, p.kind) for p in vcard.phones] == [("+14155550199", "mobile")]
    mecard = parse_payload("MECARD:N:MacDonald,Aiden;TEL:+16137912688;EMAIL:a.m@forge.com;;")
    assert mecard is not None and mecard.name == "Aiden MacDonald" and mecard.emails == ["a.m@forge.com"]
    url = parse_payload("https://jansen-ontwerp.com/team/femke-bakker")
    assert url is not None and url.websites == ["jansen-ontwerp.com/team/femke-bakker"]
    assert parse_payload("just some words") is None


def test_vcard_corrects_misread_fields() -> None:
    front = page(("JANE DOE", 40), "PM", "jane.dce@acme.com", "M +1 415 555 0190")
    contact = parse_contact(front, None, qr=[VCARD])
    assert contact.name == "Jane Q. Doe" and contact.middle_name == "Q."
    assert contact.emails == ["jane.doe@acme.com"]
    assert [p.number for p in contact.phones] == ["+14155550199"]
    assert contact.company == "ACME Robotics, Inc."


def test_name_read_on_one_line_with_the_email() -> None:
    words = [
        OcrWord("Meera", 40, 20, 120, 46, 96, block=1, paragraph=1, line=1),
        OcrWord("Mehta", 170, 20, 120, 46, 96, block=1, paragraph=1, line=1),
        OcrWord("E-mail:", 320, 30, 90, 21, 93, block=1, paragraph=1, line=1),
        OcrWord("meera@coastalmark.in", 420, 30, 260, 21, 93, block=1, paragraph=1, line=1),
    ]
    contact = parse_contact(OcrPage(words=words, width=1000, height=600), None)
    assert contact.name == "Meera Mehta"
    assert contact.emails == ["meera@coastalmark.in"]


def test_logo_mark_is_not_part_of_the_company() -> None:
    words = [
        OcrWord("O", 40, 10, 100, 150, 95, block=1, paragraph=1, line=1),
        OcrWord("Maplepeak,", 160, 40, 220, 63, 91, block=1, paragraph=1, line=1),
        OcrWord("Inc.", 390, 40, 80, 46, 95, block=1, paragraph=1, line=1),
    ]
    contact = parse_contact(OcrPage(words=words, width=1000, height=600), None)
    assert contact.company == "Maplepeak, Inc."


@pytest.mark.parametrize(("lines", "street"), [
    (["100 Bishopsgate", "Edinburgh, EH2 6SW"], "100 Bishopsgate"),
    (["Carrer de Balmes, 227", "08030 Barcelona"], "Carrer de Balmes, 227"),
    (["Am Lindenhof 17", "50667 Köln"], "Am Lindenhof 17"),  # a short word opens the name
])
def test_numbered_street_above_a_postcode(lines: list[str], street: str) -> None:
    contact = parse_contact(page("Jane Doe", *lines), None)
    assert contact.address is not None and contact.address.startswith(street)


def test_spaced_tld_in_a_web_address() -> None:
    assert [site for site, _ in find_websites("w. https://www.patel-smith. io")] == ["www.patel-smith.io"]


def test_role_before_the_name() -> None:
    contact = parse_contact(page(("Prop. Satish Kumar Saini", 40), "VIKAS ELECTRICALS"), None)
    assert (contact.name, contact.title) == ("Satish Kumar Saini", "Prop.")


def test_title_continued_after_a_comma() -> None:
    contact = parse_contact(page(("Jane Doe", 44), "Director,", "Global Business Development"), None)
    assert contact.title == "Director, Global Business Development"


def test_short_number_is_not_read_abroad() -> None:
    assert find_phones("Chiyoda-ku, Tokyo 101-0047", "US", alternatives=("CN", "JP")) == []

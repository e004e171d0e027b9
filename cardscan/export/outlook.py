"""Outlook CSV: the columns Outlook's "Import from a CSV file" maps without asking.

One slot per kind: Business Phone (the first work phone, else the first other one), Business
Fax, Mobile Phone, two e-mails, one web page. Whatever has no slot goes into Notes, labelled,
so nothing printed on the card is lost. The event is the category.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from cardscan.export.fields import PHONE_WORDS, name_parts, notes_with
from cardscan.export.spreadsheet import write_table
from cardscan.model import Contact

OUTLOOK_COLUMNS = (
    "First Name", "Middle Name", "Last Name", "Company", "Department", "Job Title",
    "Business Street", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Business Phone", "Business Fax", "Mobile Phone",
    "E-mail Address", "E-mail 2 Address", "Web Page", "Notes", "Categories",
)
PHONE_COLUMNS = frozenset({"Business Phone", "Business Fax", "Mobile Phone"})
EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address")
ADDRESS_COLUMNS = {"Business Street": "street", "Business City": "city", "Business State": "region",
                   "Business Postal Code": "postcode", "Business Country/Region": "country"}
# Which phone kinds may take a column, best first.
PHONE_SLOTS = {"Business Phone": ("work", "other"), "Business Fax": ("fax",), "Mobile Phone": ("mobile",)}


def outlook_row(contact: Contact) -> dict[str, str]:
    given, middle, family = name_parts(contact)
    row = {
        "First Name": given,
        "Middle Name": middle,
        "Last Name": family,
        "Company": contact.company or "",
        "Department": contact.department or "",
        "Job Title": contact.title or "",
        "Categories": contact.event or "",
    }
    parts = contact.address_parts or {}
    for column, key in ADDRESS_COLUMNS.items():
        row[column] = parts.get(key) or ""
    if contact.address and not any(parts.get(key) for key in ADDRESS_COLUMNS.values()):
        row["Business Street"] = contact.address  # unsplit: better whole than lost
    overflow: list[tuple[str, str]] = []
    phones = list(contact.phones)
    for column, kinds in PHONE_SLOTS.items():
        for kind in kinds:
            match = next((p for p in phones if p.kind == kind), None)
            if match is not None:
                row[column] = match.number
                phones.remove(match)
                break
    overflow += [(PHONE_WORDS.get(p.kind, "Phone"), p.number) for p in phones]
    for column, email in zip(EMAIL_COLUMNS, contact.emails, strict=False):
        row[column] = email
    overflow += [("E-mail", e) for e in contact.emails[len(EMAIL_COLUMNS):]]
    if contact.websites:
        row["Web Page"] = contact.websites[0]
        overflow += [("Web page", w) for w in contact.websites[1:]]
    row["Notes"] = notes_with(contact, overflow)
    return row


def write_outlook(contacts: Iterable[Contact], out: IO[str]) -> None:
    write_table(out, OUTLOOK_COLUMNS, (outlook_row(c) for c in contacts), phone_columns=PHONE_COLUMNS)

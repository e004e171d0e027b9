"""Google Contacts CSV: the columns of Google's own export, as Google's importer reads them.

Repeated groups are fixed (2 e-mails, 3 phones, 1 address, 1 website); several values with the
same label share a cell joined by ` ::: `, as in Google's export; what still does not fit goes
into Notes. The event becomes a label next to `* myContacts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from cardscan.export.fields import PHONE_WORDS, name_parts, notes_with
from cardscan.export.spreadsheet import fill_slots, write_table
from cardscan.model import Contact

EMAIL_SLOTS = 2
PHONE_SLOTS = 3
WEBSITE_SLOTS = 1
ADDRESS_PARTS = {"Street": "street", "City": "city", "Region": "region", "Postal Code": "postcode",
                 "Country": "country"}

GOOGLE_COLUMNS = (
    "First Name", "Middle Name", "Last Name",
    "Organization Name", "Organization Title", "Organization Department",
    "Notes", "Labels",
    *(f"E-mail {i} - {part}" for i in range(1, EMAIL_SLOTS + 1) for part in ("Label", "Value")),
    *(f"Phone {i} - {part}" for i in range(1, PHONE_SLOTS + 1) for part in ("Label", "Value")),
    "Address 1 - Formatted", *(f"Address 1 - {part}" for part in ADDRESS_PARTS),
    *(f"Website {i} - {part}" for i in range(1, WEBSITE_SLOTS + 1) for part in ("Label", "Value")),
)
PHONE_COLUMNS = frozenset(f"Phone {i} - Value" for i in range(1, PHONE_SLOTS + 1))

PHONE_LABELS = {"work": "Work", "mobile": "Mobile", "fax": "Work Fax", "other": "Other"}
MY_CONTACTS = "* myContacts"


def google_row(contact: Contact) -> dict[str, str]:
    given, middle, family = name_parts(contact)
    row = {
        "First Name": given,
        "Middle Name": middle,
        "Last Name": family,
        "Organization Name": contact.company or "",
        "Organization Title": contact.title or "",
        "Organization Department": contact.department or "",
        "Labels": " ::: ".join([MY_CONTACTS, contact.event] if contact.event else [MY_CONTACTS]),
        "Address 1 - Formatted": contact.address or "",
    }
    overflow: list[tuple[str, str]] = []
    for prefix, items, slots in (
        ("E-mail", [("Work", e) for e in contact.emails], EMAIL_SLOTS),
        ("Phone", [(PHONE_LABELS.get(p.kind, "Other"), p.number) for p in contact.phones], PHONE_SLOTS),
        ("Website", [("Work", w) for w in contact.websites], WEBSITE_SLOTS),
    ):
        filled, left = fill_slots(items, slots)
        for i, (label, value) in enumerate(filled, start=1):
            row[f"{prefix} {i} - Label"] = label
            row[f"{prefix} {i} - Value"] = value
        overflow += [(_overflow_label(prefix, label), value) for label, value in left]
    parts = contact.address_parts or {}
    for column, key in ADDRESS_PARTS.items():
        row[f"Address 1 - {column}"] = parts.get(key) or ""
    row["Notes"] = notes_with(contact, overflow)
    return row


def _overflow_label(prefix: str, label: str) -> str:
    if prefix == "Phone":
        kind = next((k for k, v in PHONE_LABELS.items() if v == label), "other")
        return PHONE_WORDS[kind]
    return prefix


def write_google(contacts: Iterable[Contact], out: IO[str]) -> None:
    write_table(out, GOOGLE_COLUMNS, (google_row(c) for c in contacts), phone_columns=PHONE_COLUMNS)

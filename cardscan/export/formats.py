"""The simple writers: cardscan's own CSV, JSON and JSON Lines.

cardscan's CSV has one row per contact and one column per contract field; the columns are
stable (new ones are only ever appended). Lists are joined with `; ` in one cell: emails and
websites as they are, phones as `kind:+E164`, social profiles as `service:handle`, confidence
as `field=0.91`. The address is given both whole (`address`) and in parts (`address_*`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from cardscan.export.spreadsheet import write_table
from cardscan.model import Contact

LIST_SEPARATOR = "; "

CSV_COLUMNS = (
    "id", "name", "given_name", "middle_name", "family_name", "title", "department", "company",
    "emails", "phones", "websites", "address",
    "address_street", "address_city", "address_region", "address_postcode", "address_country",
    "social", "notes", "event", "met_on", "follow_up_on", "region", "front_image", "back_image",
    "confidence", "raw_text_front", "raw_text_back",
)

ADDRESS_PARTS = ("street", "city", "region", "postcode", "country")


def csv_row(contact: Contact) -> dict[str, str]:
    """One contact as cardscan's CSV cells (before they are made inert)."""
    parts = contact.address_parts or {}
    row = {
        "id": contact.id,
        "name": contact.name or "",
        "given_name": contact.given_name or "",
        "middle_name": contact.middle_name or "",
        "family_name": contact.family_name or "",
        "title": contact.title or "",
        "department": contact.department or "",
        "company": contact.company or "",
        "emails": LIST_SEPARATOR.join(contact.emails),
        "phones": LIST_SEPARATOR.join(f"{p.kind}:{p.number}" for p in contact.phones),
        "websites": LIST_SEPARATOR.join(contact.websites),
        "address": contact.address or "",
        "social": LIST_SEPARATOR.join(f"{s.service}:{s.handle}" for s in contact.social),
        "notes": contact.notes or "",
        "event": contact.event or "",
        "met_on": contact.met_on or "",
        "follow_up_on": contact.follow_up_on or "",
        "region": contact.region or "",
        "front_image": contact.images.get("front") or "",
        "back_image": contact.images.get("back") or "",
        "confidence": LIST_SEPARATOR.join(f"{k}={v:.2f}" for k, v in contact.confidence.items()),
        "raw_text_front": contact.raw_text.get("front") or "",
        "raw_text_back": contact.raw_text.get("back") or "",
    }
    for part in ADDRESS_PARTS:
        row[f"address_{part}"] = parts.get(part) or ""
    return row


def write_csv(contacts: Iterable[Contact], out: IO[str]) -> None:
    write_table(out, CSV_COLUMNS, (csv_row(c) for c in contacts))


def write_json(contacts: Iterable[Contact], out: IO[str]) -> None:
    json.dump([c.to_dict() for c in contacts], out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(contacts: Iterable[Contact], out: IO[str]) -> None:
    for contact in contacts:
        out.write(json.dumps(contact.to_dict(), ensure_ascii=False) + "\n")

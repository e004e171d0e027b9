"""The simple writers: cardscan's own CSV, JSON and JSON Lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from cardscan.model import Contact

CSV_COLUMNS = [
    "id", "name", "given_name", "middle_name", "family_name", "title", "department", "company",
    "emails", "phones", "websites", "address", "notes", "event", "met_on", "follow_up_on",
    "region", "front_image", "back_image",
]


def _row(contact: Contact) -> dict[str, str]:
    return {
        "id": contact.id,
        "name": contact.name or "",
        "given_name": contact.given_name or "",
        "middle_name": contact.middle_name or "",
        "family_name": contact.family_name or "",
        "title": contact.title or "",
        "department": contact.department or "",
        "company": contact.company or "",
        "emails": "; ".join(contact.emails),
        "phones": "; ".join(f"{p.kind}:{p.number}" for p in contact.phones),
        "websites": "; ".join(contact.websites),
        "address": contact.address or "",
        "notes": contact.notes or "",
        "event": contact.event or "",
        "met_on": contact.met_on or "",
        "follow_up_on": contact.follow_up_on or "",
        "region": contact.region or "",
        "front_image": contact.images.get("front") or "",
        "back_image": contact.images.get("back") or "",
    }


def write_csv(contacts: Iterable[Contact], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for contact in contacts:
        writer.writerow(_row(contact))


def write_json(contacts: Iterable[Contact], out: IO[str]) -> None:
    json.dump([c.to_dict() for c in contacts], out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(contacts: Iterable[Contact], out: IO[str]) -> None:
    for contact in contacts:
        out.write(json.dumps(contact.to_dict(), ensure_ascii=False) + "\n")

"""A small store for the review page's tests: contacts built by hand (no OCR), with card photos
drawn in the test's folder. Three cards are doubtful, as after a fresh import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cardscan.model import Contact, Phone, image_id
from cardscan.store import Store

SCRIPT_COMPANY = '<script>alert("owned")</script>'
SCRIPT_TITLE = "<img src=x onerror=alert(1)>"


@dataclass
class ReviewFixture:
    db: Path
    folder: Path
    contacts: dict[str, Contact]  # by short name: jane, marco, nordlicht, li, eve

    @property
    def doubtful(self) -> list[Contact]:
        return [self.contacts[k] for k in ("marco", "jane", "nordlicht")]


def draw_card(path: Path, lines: list[str], *, color: str = "white") -> bytes:
    """A card photo with the lines printed on it; returns the file's bytes."""
    image = Image.new("RGB", (640, 360), (90, 96, 104))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 340), fill=color, outline=(40, 40, 40), width=2)
    font = ImageFont.load_default(size=26)
    for i, line in enumerate(lines):
        draw.text((48, 48 + i * 44), line, fill=(20, 20, 30), font=font)
    image.save(path)
    return path.read_bytes()


def _contact(folder: Path, stem: str, lines: list[str], back_lines: list[str] | None = None,
             **fields: object) -> Contact:
    front = folder / f"{stem}.jpg"
    contact = Contact(id=image_id(draw_card(front, lines)), **fields)  # type: ignore[arg-type]
    back = None
    if back_lines:
        back = folder / f"{stem}-back.png"
        draw_card(back, back_lines, color="#f3efe2")
    contact.images = {"front": str(front), "back": str(back) if back else None}
    contact.raw_text = {"front": "\n".join(lines), "back": "\n".join(back_lines) if back_lines else None}
    return contact


def build_review_store(folder: Path) -> ReviewFixture:
    folder.mkdir(parents=True, exist_ok=True)
    contacts = {
        "jane": _contact(
            folder, "jane",
            ["Jane Q. Doe", "Senior Product Manager", "ACME Robotics, Inc.", "jane.doe@acmerobotics.com",
             "T: (415) 555-0132"],
            ["Met at the robotics expo"],
            name="Jane Q. Doe", given_name="Jane", middle_name="Q.", family_name="Doe",
            title="Senior Prodnct Manaqer", company="ACME Robotics, Inc.",
            emails=["jane.doe@acmerobotics.com"],
            phones=[Phone("+14155550132", "work", "T: (415) 555-0132")],
            websites=["www.acmerobotics.com"], notes="Met at the robotics expo", event="Expo 2026",
            region="US", met_on="2026-03-02", follow_up_on="2026-03-09",
            confidence={"name": 0.93, "title": 0.48, "company": 0.9, "emails": 0.97, "phones": 0.95},
        ),
        "marco": _contact(
            folder, "marco",
            ["Marco Rossi", "Direttore Vendite", "Rossi & Figli S.r.l.", "m.rossi@rossifigli.it"],
            name="Marc0 Ross1", title="Direttore Vendite", company="Rossi & Figli S.r.l.",
            emails=["m.rossi@rossifigli.it"], region="IT", event="Expo 2026",
            confidence={"name": 0.31, "title": 0.88, "company": 0.83, "emails": 0.9},
        ),
        "nordlicht": _contact(
            folder, "nordlicht",
            ["Anna Becker", "Nordlicht GmbH", "+49 30 1234567"],
            name="Anna Becker", company="Nordllcht GmbH",
            phones=[Phone("+49301234567", "work", "+49 30 1234567")], region="DE", event="Expo 2026",
            confidence={"name": 0.9, "company": 0.52, "phones": 0.8},
        ),
        "li": _contact(
            folder, "li", ["Li Wei", "CTO", "Bright Harbor Ltd"],
            name="Li Wei", title="CTO", company="Bright Harbor Ltd", region="GB", event="Meetup",
            confidence={"name": 0.97, "title": 0.95, "company": 0.94},
        ),
        "eve": _contact(
            folder, "eve", ["Eve", "<script>"],
            name="Eve Mallory", title=SCRIPT_TITLE, company=SCRIPT_COMPANY, region="US",
            confidence={"name": 0.96, "title": 0.9, "company": 0.91},
        ),
    }
    db = folder / "cardscan.db"
    with Store(db) as store:
        for contact in contacts.values():
            store.put(contact)
    return ReviewFixture(db=db, folder=folder, contacts=contacts)


def test_the_fixture_store_lists_the_doubtful_cards_first(tmp_path: Path) -> None:
    fixture = build_review_store(tmp_path / "cards")
    with Store(fixture.db) as store:
        listed = store.review_list()
        doubtful = store.review_list(needs_review=True)
    assert [item["id"] for item in listed[:3]] == [c.id for c in fixture.doubtful]
    assert [item["id"] for item in doubtful] == [c.id for c in fixture.doubtful]

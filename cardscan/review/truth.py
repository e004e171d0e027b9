"""A reviewed card as a sample-set entry (CONTRACT.md, "A sample set"), so `cardscan eval` reads it.

`DIR/<id><ext>` holds the front photo's bytes (and `DIR/<id>-back<ext>` the back's), and
`DIR/truth/<id>.json` what is printed on the card, as the user confirmed it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardscan.errors import OutputError
from cardscan.model import Contact

_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_SAFE_SUFFIX = re.compile(r"^\.[0-9A-Za-z]{1,5}$")


@dataclass(frozen=True)
class Photo:
    """One side's image bytes and the file extension they were stored under (".jpg")."""

    data: bytes
    suffix: str


def truth_dict(contact: Contact, image: str, back_image: str | None) -> dict[str, Any]:
    """The truth JSON of one card: the contract's keys, with the contact's (corrected) values.

    The contract's `notes` are text printed on the card, which a sample set can only show on a
    back photo; a note typed for a card without one is the user's own and stays out of the truth.
    """
    return {
        "image": image,
        "back_image": back_image,
        "name": contact.name,
        "title": contact.title,
        "company": contact.company,
        "emails": list(contact.emails),
        "phones": [{"number": p.number, "kind": p.kind} for p in contact.phones],
        "websites": list(contact.websites),
        "address": contact.address,
        "notes": contact.notes if back_image else None,
        "region": contact.region,
    }


def write_sample(folder: Path, contact: Contact, front: Photo, back: Photo | None) -> Path:
    """Write the card into the sample set at `folder`; returns the truth file. Rewrites an entry
    saved before for the same card, so the newest correction is the truth."""
    if not _SAFE_ID.match(contact.id):
        raise OutputError(f"contact id {contact.id!r} cannot name a file in a sample set")
    image = contact.id + _suffix(front)
    back_image = f"{contact.id}-back{_suffix(back)}" if back else None
    truth_path = folder / "truth" / f"{contact.id}.json"
    try:
        (folder / "truth").mkdir(parents=True, exist_ok=True)
        _write_atomic(folder / image, front.data)
        if back and back_image:
            _write_atomic(folder / back_image, back.data)
        text = json.dumps(truth_dict(contact, image, back_image), ensure_ascii=False, indent=2) + "\n"
        _write_atomic(truth_path, text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the sample: {exc.strerror or exc}") from exc
    return truth_path


def _suffix(photo: Photo | None) -> str:
    suffix = (photo.suffix if photo else "").lower()
    return suffix if _SAFE_SUFFIX.match(suffix) else ".jpg"


def _write_atomic(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

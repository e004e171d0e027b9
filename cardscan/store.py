"""The SQLite store of contacts, keyed by the content hash of the front photo."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cardscan.errors import OutputError
from cardscan.model import Contact

SCHEMA = [
    # version 1
    """
    CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        front_path TEXT NOT NULL,
        back_path TEXT,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
    # review (cardscan review): the machine's first reading, each correction, reviewed marks
    """
    CREATE TABLE IF NOT EXISTS review_machine (
        contact_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        saved_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE IF NOT EXISTS review_corrections (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id TEXT NOT NULL,
        field TEXT NOT NULL,
        machine TEXT,
        corrected TEXT,
        saved_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE INDEX IF NOT EXISTS review_corrections_contact ON review_corrections (contact_id);
    CREATE TABLE IF NOT EXISTS review_status (
        contact_id TEXT PRIMARY KEY,
        reviewed_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
]


def default_db_path() -> Path:
    env = os.environ.get("CARDSCAN_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cardscan" / "cardscan.db"


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{path}: cannot open the store: {exc}") from exc

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, statement in enumerate(SCHEMA[version:], start=version + 1):
            with self.db:
                self.db.executescript(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, contact_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone() is not None

    def put(self, contact: Contact) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO contacts (id, front_path, back_path, data) VALUES (?, ?, ?, ?)",
                (
                    contact.id,
                    contact.images.get("front") or "",
                    contact.images.get("back"),
                    json.dumps(contact.to_dict(), ensure_ascii=False),
                ),
            )

    def contacts(self) -> Iterator[Contact]:
        for (data,) in self.db.execute("SELECT data FROM contacts ORDER BY created_at, id"):
            yield Contact.from_dict(json.loads(data))

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])

    # --- review --- (cardscan review, issue 11: corrections keep the machine's reading)
    def review_get(self, contact_id: str) -> Contact | None:
        row = self.db.execute("SELECT data FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return Contact.from_dict(json.loads(row[0])) if row else None

    def review_save(self, contact: Contact, corrections: dict[str, tuple[Any, Any]]) -> None:
        """Store the corrected contact and mark it reviewed; each `field: (machine, corrected)` is
        kept as a correction, and the machine's whole first reading is kept once, before any edit."""
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO review_machine (contact_id, data) "
                "SELECT id, data FROM contacts WHERE id = ?",
                (contact.id,),
            )
            self.db.executemany(
                "INSERT INTO review_corrections (contact_id, field, machine, corrected) VALUES (?, ?, ?, ?)",
                [(contact.id, name, json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False))
                 for name, (old, new) in corrections.items()],
            )
            self.db.execute(
                "UPDATE contacts SET data = ?, back_path = ? WHERE id = ?",
                (json.dumps(contact.to_dict(), ensure_ascii=False), contact.images.get("back"), contact.id),
            )
            self.db.execute("INSERT OR REPLACE INTO review_status (contact_id) VALUES (?)", (contact.id,))

    def review_mark(self, contact_id: str) -> None:
        """Mark a contact reviewed as it stands (the user accepted the machine's reading)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO review_status (contact_id) VALUES (?)", (contact_id,))

    def review_machine(self, contact_id: str) -> Contact | None:
        """What the machine read, before the first correction (None when never corrected)."""
        row = self.db.execute(
            "SELECT data FROM review_machine WHERE contact_id = ?", (contact_id,)
        ).fetchone()
        return Contact.from_dict(json.loads(row[0])) if row else None

    def review_corrections(self, contact_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT field, machine, corrected, saved_at FROM review_corrections "
            "WHERE contact_id = ? ORDER BY seq",
            (contact_id,),
        )
        return [{"field": f, "machine": json.loads(m), "corrected": json.loads(c), "saved_at": at}
                for f, m, c, at in rows]

    def review_list(self, event: str | None = None, needs_review: bool = False,
                    threshold: float = 0.6) -> list[dict[str, Any]]:
        """Contacts for the review page, doubtful first: unreviewed before reviewed, then by the
        lowest field confidence (a contact with no confidence at all counts as doubtful).
        `needs_review` keeps the unreviewed ones with a field below `threshold`."""
        rows = self.db.execute(
            """
            SELECT c.id, json_extract(c.data, '$.name'), json_extract(c.data, '$.company'),
                   json_extract(c.data, '$.event'),
                   (SELECT MIN(value) FROM json_each(c.data, '$.confidence')) AS lowest, s.reviewed_at
            FROM contacts c LEFT JOIN review_status s ON s.contact_id = c.id
            WHERE (:event IS NULL OR json_extract(c.data, '$.event') = :event)
            ORDER BY s.reviewed_at IS NOT NULL, COALESCE(lowest, 0), c.created_at, c.id
            """,
            {"event": event},
        )
        items = []
        for contact_id, name, company, event_name, lowest, reviewed_at in rows:
            doubtful = reviewed_at is None and (lowest is None or lowest < threshold)
            if needs_review and not doubtful:
                continue
            items.append({"id": contact_id, "name": name, "company": company, "event": event_name,
                          "lowest_confidence": lowest, "reviewed_at": reviewed_at, "needs_review": doubtful})
        return items

    def review_events(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT json_extract(data, '$.event') AS e FROM contacts WHERE e IS NOT NULL ORDER BY e"
        )
        return [event for (event,) in rows]

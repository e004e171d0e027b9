"""The SQLite store of contacts, keyed by the content hash of the front photo."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

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

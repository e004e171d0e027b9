"""A folder of photos -> Cards: finding the images and pairing fronts with backs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from cardscan.errors import InputError
from cardscan.model import Card

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif", ".gif"}
BACK_RE = re.compile(r"^(?P<stem>.+?)[ ._-]*(?:\(back\)|back)$", re.IGNORECASE)


def find_images(roots: Iterable[Path]) -> list[Path]:
    """Image files under the roots (recursively), sorted; hidden files and folders skipped."""
    found: list[Path] = []
    for root in roots:
        if not root.exists():
            raise InputError(root, "no such file or folder")
        if root.is_file():
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    found.append(path)
    return sorted(found)


def pair(images: list[Path], mode: str = "auto") -> list[Card]:
    """Fronts with their backs: `auto` by name, `sequential` alternating, `none` all fronts."""
    if mode == "none":
        return [Card(front=p) for p in images]
    if mode == "sequential":
        cards = []
        for i in range(0, len(images), 2):
            back = images[i + 1] if i + 1 < len(images) else None
            cards.append(Card(front=images[i], back=back))
        return cards
    by_stem = {(p.parent, p.stem.lower()): p for p in images}
    backs: dict[Path, Path] = {}
    for p in images:
        m = BACK_RE.match(p.stem)
        if m:
            front = by_stem.get((p.parent, m.group("stem").lower()))
            if front is not None:
                backs[front] = p
    paired = set(backs.values())
    return [Card(front=p, back=backs.get(p)) for p in images if p not in paired]

"""A folder of photos -> Cards: finding the images and pairing fronts with backs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cardscan.errors import InputError, UsageError
from cardscan.model import Card

# Words that mark a photo as one side of a card, as in `X-back`, `X_back`, `X back`, `X.back`,
# `X (back)`; matched case-insensitively on the file name without its extension.
BACK_WORDS = ("back", "rear", "reverse", "verso")
FRONT_WORDS = ("front", "recto")
_SEP = r"[-_. ]"
BACK_WORD_RE = re.compile(
    rf"^(?P<key>.+?)(?:{_SEP}+(?:{'|'.join(BACK_WORDS)})|{_SEP}*\((?:{'|'.join(BACK_WORDS)})\))$",
    re.IGNORECASE,
)
FRONT_WORD_RE = re.compile(
    rf"^(?P<key>.+?)(?:{_SEP}+(?:{'|'.join(FRONT_WORDS)})|{_SEP}*\((?:{'|'.join(FRONT_WORDS)})\))$",
    re.IGNORECASE,
)
# `X-1`/`X_2`: a phone's burst or a scanner's "side 2". Only the last separator-plus-number counts,
# so `card-001` is not read as `card-00` + 1.
NUMBERED_RE = re.compile(rf"^(?P<key>.+?){_SEP}(?P<n>\d+)$")
SIDECAR_SUFFIXES = (".txt", ".md")
PAIR_MODES = ("auto", "sequential", "none")


@dataclass
class Pairing:
    """The cards found in a list of photos, and what the user should hear about."""

    cards: list[Card] = field(default_factory=list)
    orphan_backs: list[Path] = field(default_factory=list)  # read as cards of their own
    unpaired: list[Path] = field(default_factory=list)  # `sequential`: a folder's odd last photo


def pair(images: list[Path], mode: str = "auto") -> list[Card]:
    """Fronts with their backs (see `pair_cards`); the cards only."""
    return pair_cards(images, mode).cards


def pair_cards(images: list[Path], mode: str = "auto") -> Pairing:
    """Group photos into cards, folder by folder (a front never pairs with a back elsewhere).

    - `auto`: by name. `X-back`, `X_back`, `X back`, `X.back`, `X (back)` (also rear, reverse,
      verso) is the back of `X`, `X-front` or `X_1`; `X-2`/`X_2` is the back of `X` or `X-1`
      only when that front exists and the numbers stop at 2 (`X-1`…`X-5` are five cards).
      Case-insensitive, any image type. A back with no front is read as a card of its own and
      listed in `orphan_backs`.
    - `sequential`: each folder's photos in natural order alternate front, back (a duplex
      scanner's output); an odd last photo is a front with no back, listed in `unpaired`.
    - `none`: every photo is a card.

    Sidecar notes (`X.txt`/`X.md` beside the front, or beside the back) are attached to each card.
    """
    if mode not in PAIR_MODES:
        raise UsageError(f"unknown pairing {mode!r}; choose one of {', '.join(PAIR_MODES)}")
    result = Pairing()
    by_folder: dict[Path, list[Path]] = {}
    for path in images:
        by_folder.setdefault(path.parent, []).append(path)
    for folder, photos in by_folder.items():
        if mode == "none":
            cards = [Card(front=p) for p in photos]
        elif mode == "sequential":
            cards = _pair_sequential(photos, result)
        else:
            cards = _pair_by_name(photos, result)
        sidecars = _sidecars(folder)
        for card in cards:
            card.sidecar = sidecar_for(card, sidecars)
        result.cards.extend(cards)
    result.cards.sort(key=lambda card: (natural_key(card.front), card.page))
    return result


def natural_key(path: Path) -> tuple[object, ...]:
    """Sort key in which `scan2` comes before `scan10`, folder by folder, case-insensitive."""
    parts = re.split(r"(\d+)", path.name.casefold())
    return (str(path.parent), *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def _pair_sequential(photos: list[Path], result: Pairing) -> list[Card]:
    ordered = sorted(photos, key=natural_key)
    cards = [Card(front=ordered[i], back=ordered[i + 1]) for i in range(0, len(ordered) - 1, 2)]
    if len(ordered) % 2:
        cards.append(Card(front=ordered[-1]))
        result.unpaired.append(ordered[-1])
    return cards


def _pair_by_name(photos: list[Path], result: Pairing) -> list[Card]:
    ordered = sorted(photos, key=natural_key)
    stems: dict[str, Path] = {}
    for photo in ordered:
        stems.setdefault(photo.stem.casefold(), photo)
    numbers: dict[str, set[int]] = {}
    for photo in ordered:
        m = NUMBERED_RE.match(photo.stem)
        if m:
            numbers.setdefault(m.group("key").casefold(), set()).add(int(m.group("n")))

    explicit: dict[str, Path] = {}  # `X-front`, `X (front)` by their key `x`
    for photo in ordered:
        m = FRONT_WORD_RE.match(photo.stem)
        if m:
            explicit.setdefault(m.group("key").casefold(), photo)

    def front_for(key: str, numbered: bool) -> Path | None:
        """The front of the card named `key`: `X-front`, then `X`, then `X-1` (`X-1` first when
        the back is `X-2`). `X-1` counts only when the numbers of `X-n` stop at 2."""
        first = None
        if 1 in numbers.get(key, set()) <= {1, 2}:
            first = next((stems[f"{key}{sep}1"] for sep in "-_. " if f"{key}{sep}1" in stems), None)
        candidates = [explicit.get(key), first, stems.get(key)] if numbered else [
            explicit.get(key), stems.get(key), first]
        return next((c for c in candidates if c is not None), None)

    backs: dict[Path, Path] = {}  # front -> back
    orphans: list[Path] = []
    # Explicit backs first: `X-back` is a back whatever else is in the folder.
    for photo in ordered:
        m = BACK_WORD_RE.match(photo.stem)
        if not m:
            continue
        front = front_for(m.group("key").casefold(), numbered=False)
        if front is None or front in backs or front == photo:
            orphans.append(photo)
        else:
            backs[front] = photo
    # Then `X-2` beside `X` or `X-1`, only where nothing else claimed the front.
    claimed = set(backs.values()) | set(orphans)
    for photo in ordered:
        m = NUMBERED_RE.match(photo.stem)
        if photo in claimed or photo in backs or not m or m.group("n") != "2":
            continue
        key = m.group("key").casefold()
        if not numbers.get(key, set()) <= {1, 2}:
            continue
        front = front_for(key, numbered=True)
        if front is not None and front not in backs and front not in claimed and front != photo:
            backs[front] = photo
    is_back = set(backs.values())
    cards = [Card(front=p, back=backs.get(p)) for p in ordered if p not in is_back]
    result.orphan_backs.extend(orphans)
    return cards


def _sidecars(folder: Path) -> dict[str, Path]:
    """Note files in a folder by lower-case stem (`.txt` preferred over `.md`)."""
    found: dict[str, Path] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for suffix in SIDECAR_SUFFIXES:
        for entry in entries:
            if entry.suffix.lower() == suffix and not entry.name.startswith("."):
                found.setdefault(entry.stem.casefold(), entry)
    return found


def sidecar_for(card: Card, sidecars: dict[str, Path]) -> Path | None:
    """The user's note file for a card: `X.txt`/`X.md` beside its front, else beside its back.

    For `X-front.jpg` (or `X_1.jpg`) with `X-back.jpg`, `X.txt` is the card's note too.
    """
    stems = [card.front.stem]
    m = FRONT_WORD_RE.match(card.front.stem)
    if m:
        stems.append(m.group("key"))
    if card.back is not None:
        stems.append(card.back.stem)
        m = BACK_WORD_RE.match(card.back.stem)
        if m:
            stems.append(m.group("key"))
    m = NUMBERED_RE.match(card.front.stem)
    if card.back is not None and m:
        stems.append(m.group("key"))
    for stem in stems:
        found = sidecars.get(stem.casefold())
        if found is not None and found.is_file():
            return found
    return None


def find_sidecar(card: Card) -> Path | None:
    """`X.txt` or `X.md` beside the card's photos (any case), for a card given by hand."""
    return sidecar_for(card, _sidecars(card.front.parent))


def read_sidecar(path: Path | None) -> str | None:
    """The text of a sidecar note (UTF-8, a BOM allowed), None when empty or absent."""
    if path is None:
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(path, f"cannot read the note file: {exc.strerror or exc}") from None
    return text.strip() or None

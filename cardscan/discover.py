"""Finding card photos: folders walked recursively, images recognised by their content.

What counts as a card photo: a file whose first bytes are an image format cardscan reads (JPEG,
PNG, GIF, BMP, TIFF, WebP, HEIC/HEIF/AVIF) or a PDF, whatever its name; and a file named like
an image (`.jpg`, `.png`, ...) even when its content is not one, so that a broken photo is
reported as a failure instead of vanishing. Hidden files and folders (a leading dot, or the
hidden/system attribute on Windows) and the litter of operating systems and NAS boxes
(`Thumbs.db`, `__MACOSX`, `@eaDir`, ...) are skipped. Symbolic links are followed, each real
folder is walked once (so a link loop ends), and a file reached by two paths is listed once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cardscan.errors import InputError
from cardscan.model import Card
from cardscan.pages import PDF_MAGIC, TIFF_MAGICS, page_count

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif",
     ".avif", ".gif", ".pdf"}
)
SYSTEM_NAMES = frozenset(
    {"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", "__macosx", "@eadir", "$recycle.bin",
     "system volume information", "lost+found", "#recycle", "#snapshot"}
)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_HIDDEN_ATTRIBUTES = 0x2 | 0x4  # FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM (Windows)


def looks_like_image(head: bytes) -> bool:
    """True when the first 16 bytes of a file are those of an image format or a PDF."""
    return (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", PDF_MAGIC))
        or head[:4] in TIFF_MAGICS
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS)
    )


def is_skipped_name(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_NAMES


def _hidden_by_attribute(entry: os.DirEntry[str]) -> bool:
    try:
        attributes = getattr(entry.stat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & _HIDDEN_ATTRIBUTES)


def _is_card_file(path: Path) -> bool:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return looks_like_image(f.read(16))
    except OSError:
        return False


def find_images(roots: Iterable[Path], problems: list[InputError] | None = None) -> list[Path]:
    """Card photo files under the roots (recursively), sorted by path.

    A root that is a file is taken as given. Raises InputError (exit 2) for a root that does
    not exist or is neither a file nor a folder. Folders that cannot be opened are added to
    `problems` (when given), for the caller to list as failures.
    """
    found: dict[Path, None] = {}
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        root = Path(root)
        if not root.exists():
            raise InputError(root, "no such file or folder")
        if root.is_file():
            found[root] = None
        elif root.is_dir():
            for path in _walk(root, seen_dirs, seen_files, problems):
                found[path] = None
        else:
            raise InputError(root, "not a file or a folder")
    return sorted(found)


def _walk(
    folder: Path, seen_dirs: set[tuple[int, int]], seen_files: set[tuple[int, int]],
    problems: list[InputError] | None = None,
) -> list[Path]:
    """Card files under one folder; an explicit stack (no recursion limit), folders in name order."""
    found: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = current.stat()
        except OSError:
            continue
        identity = (info.st_dev, info.st_ino)
        if identity in seen_dirs:  # a symlink loop, or the same folder linked twice
            continue
        seen_dirs.add(identity)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:  # an unreadable folder: said, not silently passed over
            if problems is not None:
                problems.append(InputError(current, f"cannot open the folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            if is_skipped_name(entry.name) or _hidden_by_attribute(entry):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():  # follows symlinks
                    subfolders.append(path)
                    continue
                is_file = entry.is_file()
            except OSError:  # a link to itself (ELOOP), an entry that cannot be examined
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    found.append(path)  # named like a photo: reading it fails with the reason
                continue
            if not is_file:
                if entry.is_symlink() and path.suffix.lower() in IMAGE_SUFFIXES:
                    found.append(path)  # a dangling link named like a photo: reported, not hidden
                continue
            try:
                file_info = entry.stat()
            except OSError:
                continue
            if not stat.S_ISREG(file_info.st_mode):
                continue
            file_identity = (file_info.st_dev, file_info.st_ino)
            if file_identity in seen_files:
                continue
            if _is_card_file(path):
                seen_files.add(file_identity)
                found.append(path)
        stack.extend(reversed(subfolders))
    return found


def expand_pages(cards: Iterable[Card]) -> list[Card]:
    """One card per page of a multi-page TIFF or PDF front; other cards unchanged.

    A page file's back (if pairing gave it one) stays with its first page.
    """
    expanded: list[Card] = []
    for card in cards:
        pages = page_count(card.front)
        if pages <= 1:
            expanded.append(card)
            continue
        for number in range(pages):
            back = card.back if number == 0 else None
            expanded.append(Card(front=card.front, back=back, sidecar=card.sidecar, page=number))
    return expanded

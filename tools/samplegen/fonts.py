"""Font families used by the generator (all from Debian font packages).

``tools/install-fonts.sh`` installs the packages listed in ``PACKAGES``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

TRUETYPE = "/usr/share/fonts/truetype"
OPENTYPE = "/usr/share/fonts/opentype"
GYRE = "/usr/share/texmf/fonts/opentype/public/tex-gyre"


@dataclass(frozen=True)
class Family:
    name: str
    style: str  # serif | sans | condensed | geometric | handwriting
    package: str
    regular: str
    bold: str


PRINT_FAMILIES: tuple[Family, ...] = (
    Family("DejaVu Sans", "sans", "fonts-dejavu-core",
           f"{TRUETYPE}/dejavu/DejaVuSans.ttf", f"{TRUETYPE}/dejavu/DejaVuSans-Bold.ttf"),
    Family("DejaVu Serif", "serif", "fonts-dejavu-core",
           f"{TRUETYPE}/dejavu/DejaVuSerif.ttf", f"{TRUETYPE}/dejavu/DejaVuSerif-Bold.ttf"),
    Family("Liberation Serif", "serif", "fonts-liberation2",
           f"{TRUETYPE}/liberation2/LiberationSerif-Regular.ttf",
           f"{TRUETYPE}/liberation2/LiberationSerif-Bold.ttf"),
    Family("Liberation Sans Narrow", "condensed", "fonts-liberation",
           f"{TRUETYPE}/liberation/LiberationSansNarrow-Regular.ttf",
           f"{TRUETYPE}/liberation/LiberationSansNarrow-Bold.ttf"),
    Family("Lato", "sans", "fonts-lato",
           f"{TRUETYPE}/lato/Lato-Regular.ttf", f"{TRUETYPE}/lato/Lato-Bold.ttf"),
    Family("Open Sans", "sans", "fonts-open-sans",
           f"{TRUETYPE}/open-sans/OpenSans-Regular.ttf", f"{TRUETYPE}/open-sans/OpenSans-Bold.ttf"),
    Family("Roboto Condensed", "condensed", "fonts-roboto-unhinted",
           f"{TRUETYPE}/roboto/unhinted/RobotoCondensed-Regular.ttf",
           f"{TRUETYPE}/roboto/unhinted/RobotoCondensed-Bold.ttf"),
    Family("Carlito", "sans", "fonts-crosextra-carlito",
           f"{TRUETYPE}/crosextra/Carlito-Regular.ttf", f"{TRUETYPE}/crosextra/Carlito-Bold.ttf"),
    Family("Caladea", "serif", "fonts-crosextra-caladea",
           f"{TRUETYPE}/crosextra/Caladea-Regular.ttf", f"{TRUETYPE}/crosextra/Caladea-Bold.ttf"),
    Family("EB Garamond", "serif", "fonts-ebgaramond",
           f"{OPENTYPE}/ebgaramond/EBGaramond12-Regular.otf",
           f"{OPENTYPE}/ebgaramond/EBGaramond12-Bold.otf"),
    Family("Cantarell", "sans", "fonts-cantarell",
           f"{OPENTYPE}/cantarell/Cantarell-Regular.otf", f"{OPENTYPE}/cantarell/Cantarell-Bold.otf"),
    Family("Comfortaa", "geometric", "fonts-comfortaa",
           f"{TRUETYPE}/comfortaa/Comfortaa-Regular.ttf", f"{TRUETYPE}/comfortaa/Comfortaa-Bold.ttf"),
    Family("League Spartan", "geometric", "fonts-league-spartan",
           f"{OPENTYPE}/league-spartan/LeagueSpartan-Regular.otf",
           f"{OPENTYPE}/league-spartan/LeagueSpartan-Bold.otf"),
    Family("TeX Gyre Adventor", "geometric", "fonts-texgyre",
           f"{GYRE}/texgyreadventor-regular.otf", f"{GYRE}/texgyreadventor-bold.otf"),
    Family("TeX Gyre Pagella", "serif", "fonts-texgyre",
           f"{GYRE}/texgyrepagella-regular.otf", f"{GYRE}/texgyrepagella-bold.otf"),
    Family("TeX Gyre Heros Cn", "condensed", "fonts-texgyre",
           f"{GYRE}/texgyreheroscn-regular.otf", f"{GYRE}/texgyreheroscn-bold.otf"),
    Family("TeX Gyre Schola", "serif", "fonts-texgyre",
           f"{GYRE}/texgyreschola-regular.otf", f"{GYRE}/texgyreschola-bold.otf"),
)

# Handwriting fonts that Tesseract reads reliably. Also tried and rejected as
# unreadable for OCR: DkgHandwriting, femkeklaver, Breip, Steve Hand, Delphine,
# Humor Sans (capitals only).
HAND_FAMILIES: tuple[Family, ...] = (
    Family("Comic Neue", "handwriting", "fonts-comic-neue",
           f"{OPENTYPE}/comic-neue/ComicNeue-Regular.otf", f"{OPENTYPE}/comic-neue/ComicNeue-Bold.otf"),
    Family("Comic Neue Italic", "handwriting", "fonts-comic-neue",
           f"{OPENTYPE}/comic-neue/ComicNeue-Italic.otf",
           f"{OPENTYPE}/comic-neue/ComicNeue-BoldItalic.otf"),
)

PACKAGES: tuple[str, ...] = tuple(
    sorted({f.package for f in PRINT_FAMILIES + HAND_FAMILIES})
)


def missing_files() -> list[str]:
    """Font files that are not installed."""
    out = []
    for fam in PRINT_FAMILIES + HAND_FAMILIES:
        for path in (fam.regular, fam.bold):
            if not Path(path).exists():
                out.append(f"{path} ({fam.package})")
    return out


def check_installed() -> None:
    missing = missing_files()
    if missing:
        sys.stderr.write(
            "samplegen: missing fonts; run `sh tools/install-fonts.sh` as root:\n  "
            + "\n  ".join(missing) + "\n"
        )
        raise SystemExit(2)


@lru_cache(maxsize=64)
def characters(path: str) -> frozenset[str]:
    """The characters the font has glyphs for."""
    from fontTools.ttLib import TTFont  # dev dependency: only the generator needs it

    with TTFont(path, lazy=True) as font:
        return frozenset(chr(code) for code in font.getBestCmap())


def covers(path: str, text: str) -> bool:
    """Whether the font draws every character of `text` (else some come out as boxes)."""
    return all(ch.isspace() or ch in characters(path) for ch in text)


@lru_cache(maxsize=512)
def load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=64)
def x_height_ratio(path: str) -> float:
    """x-height of the font as a fraction of its pixel size."""
    font = load(path, 200)
    box = font.getbbox("x", anchor="ls")
    return max(0.3, -box[1] / 200.0)


def sized(path: str, x_height: float) -> ImageFont.FreeTypeFont:
    """Load ``path`` at the pixel size that gives the requested x-height."""
    return load(path, max(8, round(x_height / x_height_ratio(path))))

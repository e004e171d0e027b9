"""The back of a card: what its reading needs beyond the front's image stage.

A handwritten back has no printed layout for the image stage's orientation guess to lean on,
and a card photographed upside down reads as confident-looking garbage only on the back. When
the back's reading is poor, it is read once more the other way up and the reading Tesseract is
surer of is kept. Only poor readings pay for the second pass.

`ink_emphasis` isolates pen colours (blue, red ink) from the printed card; eval on the sample
set showed it does not improve notes (the inks are already dark in grayscale), so the pipeline
does not use it — it stays here, measured, for cards where the note is written over print.
"""

from __future__ import annotations

import cv2
import numpy as np

from cardscan.model import OcrPage
from cardscan.ocr import OcrEngine
from cardscan.options import Options

# Mean word confidence (0..100) under which a back is worth reading the other way up: print
# and clear handwriting read at 85–97, upside-down text at 35–60.
POOR_READING = 75.0
# The turned reading must be this much surer, and sure in absolute terms, to replace the first.
TURN_MARGIN = 15.0
TURN_MIN = 75.0


def reading_confidence(page: OcrPage) -> float:
    """Mean word confidence weighted by word length: long words dominate, specks don't."""
    words = [w for w in page.words if w.text.strip()]
    chars = sum(len(w.text) for w in words)
    if not chars:
        return 0.0
    return sum(w.conf * len(w.text) for w in words) / chars


def read_either_way_up(
    card: np.ndarray, page: OcrPage, engine: OcrEngine, options: Options
) -> tuple[OcrPage, bool]:
    """The back's reading, or the reading of the card turned 180° when that one is clearly
    surer; also whether it was turned. `page` is what the engine read from `card`."""
    first = reading_confidence(page)
    if first >= POOR_READING:
        return page, False
    turned_card = cv2.rotate(card, cv2.ROTATE_180)
    turned = engine.read(turned_card, options)
    second = reading_confidence(turned)
    if second >= max(first + TURN_MARGIN, TURN_MIN):
        return turned, True
    return page, False


# OpenCV hue is 0..179. Blue ballpoint sits around 100–130, red ink wraps around 0.
BLUE_HUES = (95, 135)
RED_HUES = ((0, 8), (160, 179))
MIN_INK_SATURATION = 70


def ink_emphasis(photo: np.ndarray) -> np.ndarray:
    """The photo with blue and red pen strokes made as dark as their darkest channel.

    Luminance turns blue ink (24, 44, 150) into 50 and wood or a coloured print into much the
    same; the darkest channel of a saturated blue or red pixel is near black, so the pen stands
    out from paper and print while everything else keeps its luminance. BGR in, BGR out (the
    three channels equal) so the image stage can still find the card.
    """
    if photo.ndim == 2:
        return photo
    hsv = cv2.cvtColor(photo, cv2.COLOR_BGR2HSV)
    hue, sat = hsv[..., 0], hsv[..., 1]
    pen = (sat >= MIN_INK_SATURATION) & (
        ((hue >= BLUE_HUES[0]) & (hue <= BLUE_HUES[1]))
        | ((hue >= RED_HUES[0][0]) & (hue <= RED_HUES[0][1]))
        | ((hue >= RED_HUES[1][0]) & (hue <= RED_HUES[1][1]))
    )
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    darkest = photo.min(axis=2)
    out = np.where(pen, darkest, gray).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_GRAY2BGR)

"""The back of a card: what its reading needs beyond the front's image stage.

A handwritten back has no printed layout for the image stage's orientation guess to lean on,
so it is sometimes left upside down, and then Tesseract reads low-confidence garbage. When the
back's reading is poor, it is read once more the other way up and the reading Tesseract is
surer of is kept. Only poor readings pay for the second pass.

Isolating the pen colour (blue and red strokes made as dark as their darkest channel) was
measured on the sample set's handwritten backs and changed nothing: the inks are already dark
in grayscale and no sample note is written over print. It is not done.
"""

from __future__ import annotations

import cv2
import numpy as np

from cardscan.model import OcrPage
from cardscan.ocr import OcrEngine, word_confidence
from cardscan.options import Options

# Mean word confidence (0..100) under which a back is worth reading the other way up: print
# and clear handwriting read at 85–97, upside-down text at 35–60.
POOR_READING = 75.0
# The turned reading must be this much surer, and sure in absolute terms, to replace the first.
TURN_MARGIN = 15.0
TURN_MIN = 75.0


def reading_confidence(page: OcrPage) -> float:
    """Mean word confidence weighted by word length: long words dominate, specks don't."""
    return word_confidence(page.words)


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


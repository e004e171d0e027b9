"""Blurred cards are sharpened before OCR; sharp ones are left exactly as they are."""

from __future__ import annotations

import cv2
import numpy as np

from cardscan.imaging.clean import BLURRED_BELOW, sharpen_if_blurred


def text_card() -> np.ndarray:
    card = np.full((300, 900), 245, np.uint8)
    for row, text in enumerate(("Jane Q. Doe", "T: (415) 555-0132", "jane.doe@acme.com")):
        cv2.putText(card, text, (30, 80 + 80 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 20, 3, cv2.LINE_AA)
    return card


def test_a_sharp_card_is_untouched() -> None:
    card = text_card()
    assert cv2.Laplacian(card, cv2.CV_32F).var() >= BLURRED_BELOW
    assert sharpen_if_blurred(card) is card


def test_a_blurred_card_gets_its_edges_back() -> None:
    blurred = cv2.GaussianBlur(text_card(), (0, 0), 4)
    before = float(cv2.Laplacian(blurred, cv2.CV_32F).var())
    assert before < BLURRED_BELOW
    sharpened = sharpen_if_blurred(blurred)
    assert sharpened.dtype == np.uint8 and sharpened.shape == blurred.shape
    assert float(cv2.Laplacian(sharpened, cv2.CV_32F).var()) > 2 * before

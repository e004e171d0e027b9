"""Real-photo failure modes of the image stage: a QR code taken for the card, a QR code's
modules taken for vertical text, and turning a prepared card a quarter turn more."""

from __future__ import annotations

import cv2
import numpy as np

from cardscan import image
from cardscan.imaging import detect, orient


def qr_code(text: str, module: int) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(text)
    return cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)


def test_a_qr_code_on_a_card_filling_the_frame_is_not_the_card() -> None:
    # A light card (the whole frame, as a close-up phone photo) with a QR code in the middle:
    # the code is the one crisp square outline, but it is not the card.
    photo = np.full((1000, 1600, 3), 232, np.uint8)
    code = qr_code("https://www.example.org/jane-doughty", 8)
    h, w = code.shape
    photo[120:120 + h, 600:600 + w] = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)
    cv2.putText(photo, "Jane Doughty", (300, 800), cv2.FONT_HERSHEY_SIMPLEX, 3, (40, 40, 40), 6)
    quad = detect.find_card(photo)
    if quad is not None:  # the photo whole, or the card: anything but the code
        area = float(cv2.contourArea(quad.astype(np.float32)))
        assert area > 0.5 * photo.shape[0] * photo.shape[1]


def test_qr_modules_do_not_vote_for_vertical_text() -> None:
    # A grid of equal squares (a QR code's modules): neighbours as near across as down.
    boxes = np.array([[x * 10, y * 10, 6, 6] for y in range(12) for x in range(12)], np.float64)
    _, margin = orient.text_is_vertical(orient.Letters(boxes, 200, 200))
    assert margin < 0.2


def test_a_line_of_letters_still_reads_as_horizontal() -> None:
    boxes = np.array([[x * 12, y * 40, 9, 14] for y in range(4) for x in range(15)], np.float64)
    vertical, margin = orient.text_is_vertical(orient.Letters(boxes, 200, 200))
    assert not vertical and margin > 0.9
    turned = orient.Letters(boxes, 200, 200).turned(1)
    vertical, margin = orient.text_is_vertical(turned)
    assert vertical and margin > 0.9


def test_turning_a_prepared_card_turns_its_image_rotation_and_corners() -> None:
    card = np.zeros((60, 100), np.uint8)
    card[0, 0] = 255  # the image's top-left pixel
    corners = [[10.0, 10.0], [110.0, 10.0], [110.0, 70.0], [10.0, 70.0]]
    prepared = image.PreparedCard(image=card, corners=corners, rotation=90, found=True)
    turned = image.turn(prepared, 90)  # the text still appears turned 90° clockwise
    assert turned.image.shape == (100, 60)
    assert turned.image[-1, 0] == 255  # turned counter-clockwise: top-left goes bottom-left
    assert turned.rotation == 180
    assert turned.corners == [corners[1], corners[2], corners[3], corners[0]]
    assert prepared.image is card and prepared.rotation == 90  # pure


def test_qr_code_on_a_large_photo_is_decoded_and_a_photo_without_one_gives_nothing() -> None:
    from cardscan.parse.qr import decode

    payload = "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doughty\nEND:VCARD"
    photo = np.full((3000, 4000, 3), 225, np.uint8)  # a phone photo: shrunk before the search
    code = cv2.cvtColor(qr_code(payload, 16), cv2.COLOR_GRAY2BGR)
    photo[900:900 + code.shape[0], 2400:2400 + code.shape[1]] = code
    assert decode(photo) == [payload]
    assert decode(np.full((3000, 4000, 3), 225, np.uint8)) == []


def test_a_turned_card_keeps_its_debug_steps_with_the_new_ocr_input() -> None:
    card = np.zeros((60, 100), np.uint8)
    prepared = image.PreparedCard(image=card, steps={"2-flat": card, "9-ocr-input": card})
    turned = image.turn(prepared, 270)
    assert turned.steps["2-flat"] is card
    assert turned.steps["9-ocr-input"].shape == (100, 60)
    assert image.turn(image.PreparedCard(image=card), 90).steps == {}

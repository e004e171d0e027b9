"""Motion blur and missed focus are measured and undone; a sharp card, native or upscaled, is
left exactly as it is."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cardscan.imaging import deblur as module
from cardscan.imaging.deblur import blur_kernel, blur_to_undo, deblur, measure_blur, sharp_reach
from cardscan.model import OcrPage, OcrWord
from cardscan.ocr import FakeEngine
from cardscan.options import Options
from cardscan.pipeline import read_side


def text_card() -> np.ndarray:
    """A sharp card as a phone photographs it: anti-aliased print, a little lens softness."""
    card = np.full((640, 1100), 245, np.uint8)
    lines = ("Jane Q. Doe", "Head of People, Acme", "T: (415) 555-0132", "jane.doe@acme.com",
             "www.example-co.com", "12 Main Street, Springfield")
    for row, text in enumerate(lines):
        font = cv2.FONT_HERSHEY_SIMPLEX if row % 2 else cv2.FONT_HERSHEY_TRIPLEX
        cv2.putText(card, text, (30, 80 + 95 * row), font, 1.4, 30, 3, cv2.LINE_AA)
    return cv2.GaussianBlur(card, (0, 0), 0.6)


def with_noise(image: np.ndarray, seed: int = 7) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, 1.5, image.shape)
    return np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def smeared(card: np.ndarray, length: int, angle: float) -> np.ndarray:
    """The card smeared by `length` pixels at `angle` degrees, with a little sensor noise."""
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(line, turn, (length, length))
    return with_noise(cv2.filter2D(card.astype(np.float32), -1, kernel / kernel.sum()))


def defocused(card: np.ndarray, sigma: float) -> np.ndarray:
    return with_noise(cv2.GaussianBlur(card.astype(np.float32), (0, 0), sigma))


def error(image: np.ndarray, original: np.ndarray) -> float:
    return float(np.mean((image.astype(np.float32) - original) ** 2))


def reach(image: np.ndarray) -> float:
    """How far the card's edges spread, on average over directions (pixels)."""
    return float(measure_blur(image).widths.mean())


@pytest.mark.parametrize(("length", "angle"), [(9, 0), (11, 0), (11, 150), (7, 30), (9, 100), (7, 60)])
def test_the_smear_is_measured(length: int, angle: float) -> None:
    measured = measure_blur(smeared(text_card(), length, angle))
    assert measured.smeared()
    assert abs((measured.smear.angle - angle + 90) % 180 - 90) <= 12
    assert abs(measured.smear.length - length) <= 1.5


@pytest.mark.parametrize(("length", "angle"), [(9, 0), (7, 30), (11, 0), (9, 100), (11, 150)])
def test_a_smeared_card_comes_closer_to_the_original(length: int, angle: float) -> None:
    card = text_card()
    blurred = smeared(card, length, angle)
    assert blur_to_undo(blurred) is not None
    restored = deblur(blurred)
    assert restored.dtype == np.uint8 and restored.shape == blurred.shape
    assert error(restored, card) < 0.8 * error(blurred, card)
    # measurably sharper: the smear's direction reaches much less far
    assert measure_blur(restored).widths.max() < measure_blur(blurred).widths.max() - 0.5


@pytest.mark.parametrize("sigma", [1.5, 2.5])
def test_a_defocused_card_comes_closer_to_the_original(sigma: float) -> None:
    card = text_card()
    blurred = defocused(card, sigma)
    blur = blur_to_undo(blurred)
    assert blur is not None and blur.length == 0
    # only the blur beyond the sharp card's own softness is undone
    assert sigma * 0.6 < blur.sigma < sigma * 1.15
    restored = deblur(blurred)
    assert error(restored, card) < 0.8 * error(blurred, card)
    assert reach(restored) < reach(blurred) - 0.15  # measurably sharper


def test_a_sharp_card_is_returned_unchanged() -> None:
    card = with_noise(text_card())
    before = card.copy()
    assert blur_to_undo(card) is None
    assert deblur(card) is card and np.array_equal(card, before)


@pytest.mark.parametrize("factor", [2.0, 2.5])
def test_a_sharp_card_upscaled_is_returned_unchanged(factor: float) -> None:
    # A small photo (a little lens softness at its own resolution) that the image stage
    # enlarges to Tesseract's x-height: its edges reach far enough to pass for a blurred
    # native card, but that is the upscaling, not a blur of the photo.
    small = cv2.resize(text_card(), None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    small = with_noise(cv2.GaussianBlur(small, (0, 0), 0.8))
    upscaled = cv2.resize(small, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    assert blur_to_undo(upscaled, 1.0) is not None  # judged as if native: blurred
    assert blur_to_undo(upscaled, factor) is None  # judged at its scale: sharp
    before = upscaled.copy()
    out = deblur(upscaled, factor)
    assert out is upscaled and np.array_equal(out, before)


def test_a_blurred_photo_upscaled_is_still_deblurred() -> None:
    card = text_card()
    blurred = cv2.resize(defocused(card, 2.2), None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    assert blur_to_undo(blurred, 1.5) is not None


def test_a_sharp_card_reaches_further_the_more_it_is_upscaled() -> None:
    assert sharp_reach(0.5) < sharp_reach(1.0) < sharp_reach(2.0)
    # the photo's own softness grows with the scale, on top of sampling's: reach^2 = a^2 + (b s)^2
    floor = sharp_reach(0.0) ** 2
    assert sharp_reach(2.0) ** 2 - floor == pytest.approx(4 * (sharp_reach(1.0) ** 2 - floor))


def test_the_kernel_is_a_normalised_line_along_its_angle() -> None:
    kernel = blur_kernel(0.0, 9.0, 0.0)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    centre = kernel.shape[0] // 2
    assert kernel[centre].sum() > 0.75 and kernel[centre - 2].sum() == 0  # horizontal


class ScoresReadings(FakeEngine):
    """Reads every image as one word, as sure of it as `confidences` says, in turn."""

    def __init__(self, *confidences: float) -> None:
        super().__init__()
        self.confidences = list(confidences)
        self.images: list[np.ndarray] = []

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.images.append(image)
        conf = self.confidences[min(len(self.images), len(self.confidences)) - 1]
        words = [OcrWord("Springfield", 10, 10, 200, 30, conf, block=1, paragraph=1, line=1)]
        return OcrPage(words=words, width=image.shape[1], height=image.shape[0])


@pytest.mark.parametrize(("confidences", "kept"), [
    ((95.0, 70.0, 70.0), 0), ((70.0, 95.0, 70.0), 1), ((70.0, 70.0, 95.0), 2),
], ids=["restored", "filtered", "as it was"])
def test_the_reading_tesseract_is_surer_of_is_kept(confidences: tuple[float, ...], kept: int) -> None:
    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    options = Options(image_steps_off=frozenset({"binarize", "english"}))
    engine = ScoresReadings(*confidences)
    reading = read_side(data, "photo.png", options, engine, side="back")
    # the network's restoration is read first, then the Wiener filter's, then the card as it was
    restored, filtered, plain = engine.images
    assert not np.array_equal(restored, filtered) and not np.array_equal(filtered, plain)
    assert reading.prepared.image is engine.images[kept]
    assert reading.page.words[0].conf == 95.0


class ReadsTwoLines(FakeEngine):
    """Reads the restored card with its first line right and its second rung into a misread,
    the filtered one poorly, the card as it was the other way round, and surer of it on the
    whole."""

    def __init__(self) -> None:
        super().__init__()
        self.readings = [
            [("Springfield", 95.0), ("jane@acrne.corn", 30.0)],  # restored
            [("Sprlngfleld", 40.0), ("jane@acrne.com", 40.0)],  # filtered
            [("Sprlngfield", 50.0), ("jane@acme.com", 92.0)],  # as it was
        ]
        self.images: list[np.ndarray] = []

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.images.append(image)
        lines = self.readings[min(self.calls, len(self.readings) - 1)]
        self.calls += 1
        words = [OcrWord(text, 10, 10 + 50 * n, 200, 30, conf, block=1, paragraph=1, line=n + 1)
                 for n, (text, conf) in enumerate(lines)]
        return OcrPage(words=words, width=image.shape[1], height=image.shape[0])


def test_a_deblurred_card_keeps_each_line_from_the_reading_surer_of_it() -> None:
    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    engine = ReadsTwoLines()
    reading = read_side(data, "photo.png", Options(image_steps_off=frozenset({"binarize"})), engine,
                        side="back")
    assert reading.prepared.image is engine.images[2]  # the card as it was won on the whole ...
    assert reading.page.text.splitlines() == ["Springfield", "jane@acme.com"]  # ... not line by line


def test_a_sharp_card_is_read_once() -> None:
    photo = cv2.copyMakeBorder(with_noise(text_card()), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    engine = ScoresReadings(95.0)
    options = Options(image_steps_off=frozenset({"binarize"}))
    reading = read_side(data, "photo.png", options, engine, side="back")
    assert len(engine.images) == 1 and reading.prepared.alternatives == ()


@pytest.mark.parametrize("level", [0, 255, 128])
def test_a_blank_card_is_returned_unchanged(level: int) -> None:
    blank = np.full((400, 700), level, np.uint8)
    assert blur_to_undo(blank) is None and deblur(blank) is blank
    tiny = np.full((60, 90), level, np.uint8)  # smaller than one analysis tile
    assert deblur(tiny) is tiny


# The quick check: a sharp card is found sharp from the single-precision reach alone; a blurred
# one is always measured in full.


def test_a_sharp_card_is_found_sharp_without_the_full_measurement(monkeypatch: pytest.MonkeyPatch) -> None:
    def full_measurement(*_: object) -> None:
        raise AssertionError("measured in full")

    monkeypatch.setattr(module, "_measure", full_measurement)
    card = with_noise(text_card())
    assert blur_to_undo(card) is None and deblur(card) is card
    upscaled = cv2.resize(card, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    assert blur_to_undo(upscaled, 2.0) is None


@pytest.mark.parametrize("blurred", [
    smeared(text_card(), 9, 0), smeared(text_card(), 7, 30), smeared(text_card(), 7, 60),
    defocused(text_card(), 1.5), defocused(text_card(), 2.5),
])
def test_a_blurred_card_is_never_passed_by_the_quick_check(blurred: np.ndarray) -> None:
    tiles = module._edge_tiles(blurred)
    assert not module._surely_sharp(tiles, 1.0)
    assert blur_to_undo(blurred) is not None and deblur(blurred) is not blurred


@pytest.mark.parametrize("image", [
    with_noise(text_card()), smeared(text_card(), 11, 150), defocused(text_card(), 2.5),
    cv2.resize(with_noise(text_card()), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC),
])
def test_the_quick_reach_is_the_full_one_far_within_the_margin(image: np.ndarray) -> None:
    tiles = module._edge_tiles(image)
    quick, _ = module._quick_reach(tiles)
    full = module._reach(tiles)
    difference = np.abs(module._half_widths(quick) - module._half_widths(full)).max()
    assert difference < 1e-3 * module.QUICK_MARGIN


def test_the_smear_direction_is_lstsqs_best_fit() -> None:
    def every_fit(widths: np.ndarray) -> int:  # the plain search the fast one must reproduce
        phis = np.pi * np.arange(module.ANGLES) / module.ANGLES
        squared = widths.astype(np.float64) ** 2
        best, best_residual = 0, np.inf
        for index in range(module.ANGLES):
            columns = [np.ones(module.ANGLES), np.cos(phis - phis[index]) ** 2, np.cos(4 * phis)]
            design = np.stack(columns, axis=1)
            coef, residual, *_ = np.linalg.lstsq(design, squared, rcond=None)
            error = float(residual[0]) if len(residual) else 0.0
            if coef[1] > 0 and error < best_residual:
                best, best_residual = index, error
        return best

    assert all(np.linalg.matrix_rank(design) == 3 for design in module._DESIGNS)
    rng = np.random.default_rng(3)
    phis = np.pi * np.arange(module.ANGLES) / module.ANGLES
    cases = [np.zeros(module.ANGLES), np.full(module.ANGLES, 1.7), rng.uniform(0, 24, module.ANGLES)]
    for _ in range(40):
        smear = np.sqrt(rng.uniform(1, 4) + rng.uniform(0, 30) * np.cos(phis - rng.uniform(0, np.pi)) ** 2)
        cases.append(smear + rng.normal(0, 0.05, module.ANGLES))
    cases.append(measure_blur(smeared(text_card(), 9, 100)).widths)
    for widths in cases:
        assert module._smear_direction(widths) == every_fit(widths)


def test_wiener_in_strips_equals_the_whole_spectrum_filter_bit_for_bit() -> None:
    # The strips only bound the memory: the filter, element by element, is the textbook one.
    rng = np.random.default_rng(3)
    gray = rng.integers(0, 256, (301, 517), dtype=np.uint8)  # more rows than one strip holds
    kernel = blur_kernel(30.0, 9.0, 1.0)
    radius = max(kernel.shape) // 2 + 2
    ph = cv2.getOptimalDFTSize(gray.shape[0] + 2 * radius)
    pw = cv2.getOptimalDFTSize(gray.shape[1] + 2 * radius)
    top, left = (ph - gray.shape[0]) // 2, (pw - gray.shape[1]) // 2
    padded = cv2.copyMakeBorder(gray, top, ph - gray.shape[0] - top, left, pw - gray.shape[1] - left,
                                cv2.BORDER_REFLECT).astype(np.float32)
    psf = np.zeros((ph, pw), np.float32)
    kh, kw = kernel.shape
    psf[:kh, :kw] = kernel
    psf = np.roll(psf, (-(kh // 2), -(kw // 2)), axis=(0, 1))
    i_f = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT)
    k_f = cv2.dft(psf, flags=cv2.DFT_COMPLEX_OUTPUT)
    wy = 2 * np.pi * np.fft.fftfreq(ph).astype(np.float32)
    wx = 2 * np.pi * np.fft.fftfreq(pw).astype(np.float32)
    laplacian = (4 - 2 * np.cos(wy))[:, None] - 2 * np.cos(wx)[None, :]
    power = k_f[..., 0] ** 2 + k_f[..., 1] ** 2 + module.SMOOTHNESS * laplacian**2
    re = (k_f[..., 0] * i_f[..., 0] + k_f[..., 1] * i_f[..., 1]) / power
    im = (k_f[..., 0] * i_f[..., 1] - k_f[..., 1] * i_f[..., 0]) / power
    restored = cv2.idft(np.dstack([re, im]), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    crop = restored[top: top + gray.shape[0], left: left + gray.shape[1]]
    expected = np.clip(crop, 0, 255).astype(np.uint8)
    assert np.array_equal(module.wiener(gray, kernel), expected)


def plain_edge_tiles(gray: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """_edge_tiles the obvious way: the whole card's float32 gradient and energy at once."""
    gx = cv2.Scharr(gray, cv2.CV_32F, 1, 0)
    gy = cv2.Scharr(gray, cv2.CV_32F, 0, 1)
    rows, cols = gray.shape[0] // module.TILE, gray.shape[1] // module.TILE
    energy = (gx * gx + gy * gy)[: rows * module.TILE, : cols * module.TILE]
    per_tile = energy.reshape(rows, module.TILE, cols, module.TILE).sum(axis=(1, 3))
    best = [i for i in np.argsort(per_tile, axis=None)[::-1][: module.TILES] if per_tile.flat[i] > 0]
    tiles = []
    for index in best:
        r, c = divmod(int(index), cols)
        cut = (slice(r * module.TILE, (r + 1) * module.TILE), slice(c * module.TILE, (c + 1) * module.TILE))
        tiles.append((gx[cut] * module._WINDOW, gy[cut] * module._WINDOW))
    return tiles


@pytest.mark.parametrize("seed", range(3))
def test_edge_tiles_a_row_at_a_time_are_the_whole_cards(seed: int) -> None:
    # The rows of tiles only bound the memory: the same tiles, richest first, to the bit.
    rng = np.random.default_rng(seed)
    card = smeared(text_card(), 7, 30.0 * seed)
    height, width = int(rng.integers(300, 700)), int(rng.integers(500, 1200))
    card = cv2.resize(card, (width, height), interpolation=cv2.INTER_LINEAR)
    got, expected = module._edge_tiles(card), plain_edge_tiles(card)
    assert len(got) == len(expected) > 0
    for (gx, gy), (ex, ey) in zip(got, expected, strict=True):
        assert np.array_equal(gx, ex) and np.array_equal(gy, ey)


class WholePhotoReadsALittleBetter(FakeEngine):
    """Reads the deblurred card (the first image) fairly, the card as it was and its other
    tries poorly, and the whole photo (an image of another size) a little better than the
    deblurred card."""

    def __init__(self) -> None:
        super().__init__()
        self.card_shape: tuple[int, ...] | None = None
        self.card_reads = 0

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        if self.card_shape is None:
            self.card_shape = image.shape
        if image.shape == self.card_shape:
            self.card_reads += 1
            conf = 60.0 if self.card_reads == 1 else 20.0
        else:
            conf = 63.0
        words = [OcrWord(text, 10, 10 + 50 * n, 200, 30, conf, block=1, paragraph=1, line=n + 1)
                 for n, text in enumerate(["Springfield", "jane@acme.com", "+1 555 0100"])]
        return OcrPage(words=words, width=image.shape[1], height=image.shape[0])


def test_the_whole_photo_must_beat_the_deblurred_card_by_the_margin_too() -> None:
    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    reading = read_side(data, "photo.png", Options(image_steps_off=frozenset({"binarize"})),
                        WholePhotoReadsALittleBetter(), side="front")
    # the card as it was fell back to the whole photo, which reads 5% better than the deblurred
    # card: not enough to give up the card's outline
    assert reading.prepared.found and len(reading.prepared.alternatives) == 2
    assert reading.page.words[0].conf == 60.0


def test_the_whole_photo_is_prepared_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from cardscan import image

    steps_off: list[frozenset[str]] = []
    prepare = image.prepare

    def recording(photo: np.ndarray, *args: object, **kwargs: object) -> image.PreparedCard:
        options = kwargs["options"]
        assert isinstance(options, Options)
        steps_off.append(options.image_steps_off)
        return prepare(photo, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(image, "prepare", recording)
    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    read_side(data, "photo.png", Options(image_steps_off=frozenset({"binarize"})),
              WholePhotoReadsALittleBetter(), side="front")
    # the card, restored by the network; then the whole photo, a poor reading's last resort
    assert "network" not in steps_off[0]
    whole = [off for off in steps_off if "detect" in off]
    assert whole and all("network" in off for off in whole)


# The network (tools/deblurnet) that restores a card found blurred.

CARD_TEXT = ("Jane Q. Doe", "Head of People, Acme", "T: (415) 555-0132", "jane.doe@acme.com",
             "www.example-co.com", "12 Main Street, Springfield")


def read_text(image: np.ndarray) -> str:
    from cardscan.ocr import PytesseractEngine

    return PytesseractEngine().read(image, Options(lang="Latin")).text


def small_card() -> np.ndarray:
    """text_card at 0.6x: small print of x-height 14 px."""
    return cv2.resize(text_card(), None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)


@pytest.mark.tesseract
@pytest.mark.parametrize("blurred", [defocused(small_card(), 2.0), smeared(text_card(), 13, 20)],
                         ids=["defocused", "smeared"])
def test_tesseract_reads_the_restored_card_far_better_than_the_blurred_one(blurred: np.ndarray) -> None:
    from cardscan.evaluate import flexible_cer

    truth = "\n".join(CARD_TEXT)
    before = flexible_cer(truth, read_text(blurred))
    by_wiener = flexible_cer(truth, read_text(deblur(blurred, network=False)))
    after = flexible_cer(truth, read_text(deblur(blurred)))
    assert after < 0.5 * before and after <= by_wiener and after < 0.05, (before, by_wiener, after)


def test_the_network_leaves_a_sharp_card_almost_as_it_is() -> None:
    card = with_noise(text_card())
    restored = module.restore(card, card)  # a card the filter left as it was
    assert restored.dtype == np.uint8 and restored.shape == card.shape
    ink = card < 128
    # the letters keep their shapes: few ink pixels turn to ground or ground to ink
    assert np.mean((restored < 128) != ink) < 0.01
    assert error(restored, card) < 0.25 * error(defocused(text_card(), 2.5), card)


def test_the_network_in_tiles_gives_the_whole_card_result(monkeypatch: pytest.MonkeyPatch) -> None:
    blurred = cv2.resize(smeared(text_card(), 9, 30), None, fx=1.3, fy=1.3)  # 3 x 2 tiles
    tiled = deblur(blurred)
    monkeypatch.setattr(module, "TILE_CORE", 4096)
    whole = deblur(blurred)
    assert tiled.shape == whole.shape == blurred.shape
    difference = np.abs(tiled.astype(np.int16) - whole)
    assert difference.mean() < 0.2 and np.percentile(difference, 99.9) <= 6


@pytest.mark.parametrize("shape", [(37, 53), (517, 1030), (1025, 515)])
def test_the_network_takes_any_card_size(shape: tuple[int, int]) -> None:
    card = cv2.resize(defocused(text_card(), 2.0), (shape[1], shape[0]))
    assert module.restore(card, card).shape == shape


def test_the_wiener_filter_remains_for_the_step_table() -> None:
    blurred = smeared(text_card(), 9, 0)
    by_wiener = deblur(blurred, network=False)
    assert not np.array_equal(by_wiener, deblur(blurred))
    assert error(by_wiener, text_card()) < 0.8 * error(blurred, text_card())


# A restored card is measured again: the blur had spread its letters for the preview.


def test_a_restored_card_measures_the_scale_and_skew_it_should_have_had() -> None:
    from cardscan import image

    card = text_card()  # x-height 23 px: Tesseract's size already
    assert image._remeasured(card, 1.0, 1100, 0.0, frozenset()) is None
    half = cv2.resize(card, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    scale, skew, x_height = image._remeasured(half, 1.0, 550, 0.0, frozenset()) or (0, 0, 0)
    assert scale == pytest.approx(2 * image.TARGET_X_HEIGHT / 23, rel=0.1) and skew == 0.0
    assert x_height == pytest.approx(11.5, abs=1.0)
    turn = cv2.getRotationMatrix2D((550, 320), 2.0, 1.0)  # 2 degrees anticlockwise
    tilted = cv2.warpAffine(card, turn, (1100, 640), borderValue=245)
    _, skew, _ = image._remeasured(tilted, 1.0, 1100, 0.5, frozenset()) or (0, 0, 0)
    assert skew == pytest.approx(0.5 - 2.0, abs=0.3)  # on top of the skew already applied
    assert image._remeasured(tilted, 1.0, 1100, 0.0, frozenset({"deskew"})) is None


@pytest.mark.parametrize("blurred", [defocused(text_card(), 2.0), smeared(text_card(), 11, 30)],
                         ids=["defocused", "smeared"])
def test_a_blurred_leaning_photo_comes_out_restored_and_level(blurred: np.ndarray) -> None:
    from cardscan import image
    from cardscan.imaging import clean, orient

    turn = cv2.getRotationMatrix2D((550, 320), 2.0, 1.0)
    tilted = cv2.warpAffine(blurred, turn, (1100, 640), borderValue=245)
    photo = cv2.copyMakeBorder(tilted, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    prepared = image.prepare(photo, options=Options(image_steps_off=frozenset({"binarize", "osd"})))
    assert len(prepared.alternatives) == 2
    assert all(other.shape == prepared.image.shape for other in prepared.alternatives)
    letters = orient.Letters.from_ink(clean.ink_mask(prepared.image))
    assert abs(orient.skew_angle(letters)) <= image.REMEASURE_SKEW
    heights = orient.x_heights(letters)
    assert abs(np.percentile(heights, 30) / image.TARGET_X_HEIGHT - 1) <= 0.3


class ReadsByModel(FakeEngine):
    """Reads one line: misread and unsure by the script model, right and sure by English (or
    raises `missing` when asked for English)."""

    def __init__(self, missing: Exception | None = None) -> None:
        super().__init__()
        self.langs: list[str] = []
        self.missing = missing

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.langs.append(options.lang)
        if options.lang == "eng" and self.missing is not None:
            raise self.missing
        text, conf = ("jane@acme.com", 93.0) if options.lang == "eng" else ("jane@acrne.corn", 45.0)
        words = [OcrWord(text, 40, 300, 420, 30, conf, block=1, paragraph=1, line=1)]
        return OcrPage(words=words, width=image.shape[1], height=image.shape[0])


def test_a_restored_card_is_read_by_the_english_model_too_and_its_surer_line_kept() -> None:
    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    engine = ReadsByModel()
    options = Options(image_steps_off=frozenset({"binarize"}))
    reading = read_side(data, "photo.png", options, engine, side="back")
    assert engine.langs.count("eng") == 1
    assert [w.text for w in reading.page.words] == ["jane@acme.com"]
    # not when English is among the models asked for already, nor when the step is off
    for lang, off in (("Latin+eng", frozenset({"binarize"})), ("Latin", frozenset({"binarize", "english"}))):
        engine = ReadsByModel()
        read_side(data, "photo.png", Options(lang=lang, image_steps_off=off), engine, side="back")
        assert engine.langs.count("eng") == 0


def test_without_the_english_model_the_restored_cards_reading_stands() -> None:
    from cardscan.errors import MissingDependencyError

    photo = cv2.copyMakeBorder(smeared(text_card(), 11, 30), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    engine = ReadsByModel(missing=MissingDependencyError("'eng' is not installed"))
    options = Options(image_steps_off=frozenset({"binarize"}))
    reading = read_side(data, "photo.png", options, engine, side="back")
    assert "eng" in engine.langs and [w.text for w in reading.page.words] == ["jane@acrne.corn"]


def test_a_sharp_card_is_not_read_by_the_english_model() -> None:
    photo = cv2.copyMakeBorder(text_card(), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=90)
    data = cv2.imencode(".png", photo)[1].tobytes()
    engine = ReadsByModel()
    read_side(data, "photo.png", Options(image_steps_off=frozenset({"binarize"})), engine, side="back")
    assert engine.langs and "eng" not in engine.langs

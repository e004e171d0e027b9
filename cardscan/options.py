"""One options object handed to every stage (OCRmyPDF's OcrOptions habit)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# Latin (one model for every Latin-script language) rather than eng, by eval on 2026-11-23:
# samples --limit 40 macro F1 0.979 vs 0.908 (name F1 0.958 vs 0.722), realdev's 25 real
# photos 0.684 vs 0.609 (1 vs 2 failed cards). eng costs ~10% less CPU per card and ~160 MB
# less peak memory (a 4 MB model against Latin's 89 MB, mostly its word list), so `--lang eng`
# remains an option for English-only cards on a small machine.
DEFAULT_LANG = "Latin"
# A card is a sparse page of short lines in no particular order: psm 11 ("sparse text")
# finds them all but loses line grouping, psm 3 keeps blocks; eval favours 3 on cards with a
# layout, so it is the default (11 is the pipeline's second try on a front that reads poorly).
DEFAULT_PSM = 3
SPARSE_PSM = 11
# The image steps that ship switched off (see _steps_off_from_env).
SHIPPED_STEPS_OFF = frozenset({"binarize", "osd"})


def _steps_off_from_env() -> frozenset[str]:
    # A developer's knob for eval's step on/off table (CARDSCAN_IMAGE_STEPS_OFF=deskew,invert).
    # Off unless asked for, each by eval:
    # - binarisation hurts (macro F1 0.968 -> 0.938);
    # - Tesseract's OSD as the orientation step's second opinion is a tie (samples 0.9681 both
    #   ways, realdev 0.7706 with it, 0.7709 without) and costs ~75 ms a call: on the 39 fronts
    #   of both sets where the letters were unsure it never changed the rotation, and a front
    #   turned wrong still reads poorly and is read again with OSD's answer (pipeline).
    # Deblurring ('sharpen': deconvolution of a blur measured beyond a sharp photo's at the
    # card's scale, the plainer reading kept when Tesseract is surer of it) ships on, by eval on
    # 2026-11-23: samples macro F1 0.9681 -> 0.9784 (blur class 0.808 -> 0.923, no class lower),
    # realdev 0.7706 -> 0.7706 (it fires on one real card, whose plain reading is kept).
    # The network that restores blurred cards ('network', tools/deblurnet) ships on since
    # 2026-12-08: alone it lowered the blur class's any-order CER (0.0239 -> 0.0159) but no
    # field; with a restored card read by the English model too ('english', pipeline) the blur
    # class reads 0.0239 -> 0.0102 and macro F1 0.972 -> 0.981 (without the network, English
    # costs fields: 0.961). It costs ~3 s more per blurred card on one core: make bench fell
    # from 1.01x to 0.63x plain tesseract (1 worker), peak 296 -> 399 MB (sharp cards never pay).
    raw = os.environ.get("CARDSCAN_IMAGE_STEPS_OFF")
    if raw is None:
        return SHIPPED_STEPS_OFF
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Options:
    lang: str = DEFAULT_LANG
    engine: str = "auto"  # auto | pytesseract | tesserocr | fake
    region: str | None = None  # default country for numbers without +CC; None = infer per card
    psm: int = DEFAULT_PSM  # Tesseract's page segmentation mode
    timeout: float = 60.0  # seconds per card side before the OCR is abandoned
    debug_dir: Path | None = None
    event: str | None = None
    follow_up_days: int = 3
    image_steps_off: frozenset[str] = field(default_factory=_steps_off_from_env)

"""Drawing a card (front or back) at ~300 dpi: 1050 x 600 px (3.5 x 2 in).

Every layout places :class:`~tools.samplegen.content.Line` objects into
rectangular regions; lines that do not fit are dropped by priority and the
caller builds the truth from :attr:`Rendered.lines` (what was really drawn).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import fonts
from .content import Card, Line
from .fonts import Family

W, H = 1050, 600
RGB = tuple[int, int, int]

LAYOUTS = ("left", "centered", "two_column", "right", "band", "logo")

ROLE_XH = {"company": 24.0, "name": 28.0, "title": 17.0, "department": 15.5, "tagline": 15.5,
           "contact": 15.5, "address": 15.5, "social": 15.5, "service": 17.0}
ROLE_MIN = {"company": 15.0, "name": 17.0, "title": 13.0, "department": 12.5, "tagline": 12.5,
            "contact": 12.5, "address": 12.5, "social": 12.5, "service": 13.0}
HEADER_ROLES = ("company", "name", "title", "department", "tagline")

LIGHT_BG: list[RGB] = [(255, 255, 255), (251, 250, 246), (247, 244, 236), (240, 241, 243),
                       (238, 243, 249), (249, 244, 236), (237, 242, 236)]
DARK_BG: list[RGB] = [(22, 26, 34), (16, 16, 18), (18, 40, 72), (24, 58, 44), (68, 20, 30),
                      (44, 44, 50), (10, 52, 64)]
DARK_FG: list[RGB] = [(24, 24, 28), (38, 40, 48), (28, 36, 64), (48, 48, 48)]
LIGHT_FG: list[RGB] = [(246, 246, 246), (242, 236, 222), (232, 238, 246)]
ACCENTS: list[RGB] = [(20, 56, 120), (168, 30, 42), (0, 108, 118), (30, 108, 60),
                      (200, 92, 16), (88, 40, 120), (150, 112, 30), (40, 40, 40)]
LIGHT_ACCENTS: list[RGB] = [(216, 186, 110), (130, 200, 220), (240, 150, 110),
                            (170, 220, 170), (255, 255, 255)]
BAND_COLOURS: list[RGB] = [(20, 40, 80), (30, 30, 36), (120, 24, 36), (14, 80, 90),
                           (28, 70, 44), (60, 40, 90)]


@dataclass
class Style:
    family: Family
    bg: RGB
    fg: RGB
    accent: RGB
    dark: bool
    radius: int
    name_bold: bool
    upper_company: bool = False


@dataclass
class Region:
    box: tuple[float, float, float, float]
    align: str  # l | m | r
    valign: str  # t | m | b
    lines: list[Line]
    spring: bool = False  # extra space goes between the header and the contact lines
    colour: RGB | None = None  # text colour override (bands)


@dataclass
class Rendered:
    image: Image.Image  # RGB
    mask: np.ndarray  # float32 HxW, card shape (rounded corners)
    lines: list[Line] = field(default_factory=list)  # printed, reading order
    qr_box: tuple[int, int, int, int] | None = None
    min_x_height: float = 0.0  # smallest x-height (card px) among non-header lines


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def make_style(rng: random.Random, family: Family, dark: bool) -> Style:
    if dark:
        bg = rng.choice(DARK_BG)
        fg = rng.choice(LIGHT_FG)
        accent = rng.choice(LIGHT_ACCENTS)
    else:
        bg = rng.choice(LIGHT_BG)
        fg = rng.choice(DARK_FG)
        accent = rng.choice(ACCENTS)
    radius = 0 if rng.random() < 0.55 else rng.randint(14, 40)
    return Style(family, bg, fg, accent, dark, radius, rng.random() < 0.75)


def _font_path(style: Style, line: Line) -> str:
    """The bold face for the company and a bold name, unless it lacks a letter of the line:
    the Debian EB Garamond bold has no Č, Ć, ü, ß, é, Œ... and drew them as boxes (card-030's
    "M□ller-L□denscheidt", "□OLI□"), as a designer would see and a reader could not read."""
    bold = line.role == "company" or (line.role == "name" and style.name_bold)
    if bold and fonts.covers(style.family.bold, line.text):
        return style.family.bold
    return style.family.regular


def _colour(style: Style, line: Line) -> RGB:
    if line.role == "company":
        return style.accent
    if line.role == "name":
        return style.fg
    if line.role in ("title", "department", "tagline"):
        return mix(style.fg, style.bg, 0.22)
    return mix(style.fg, style.bg, 0.08)


@dataclass
class _Placed:
    line: Line
    path: str
    size: int
    height: float
    gap_before: float


def _measure(region: Region, style: Style, lines: list[Line], scale: float) -> tuple[
        list[_Placed], Line | None]:
    """Sizes and gaps of ``lines`` at ``scale``; also a line too wide to fit (or None)."""
    avail_w = region.box[2] - region.box[0]
    placed: list[_Placed] = []
    too_wide: Line | None = None
    prev: str | None = None
    for ln in lines:
        path = _font_path(style, ln)
        xh = max(ROLE_XH[ln.role] * scale, ROLE_MIN[ln.role])
        font = fonts.sized(path, xh)
        width = font.getlength(ln.text)
        if width > avail_w:
            xh = xh * avail_w / width * 0.985
            if xh < ROLE_MIN[ln.role] * 0.9 and too_wide is None and ln.priority < 100:
                too_wide = ln
            font = fonts.sized(path, xh)
            while font.getlength(ln.text) > avail_w and font.size > 8:
                font = fonts.load(path, font.size - 1)
        size = font.size
        lh = 1.16 if ln.role in HEADER_ROLES else 1.3
        gap = 0.0
        if prev is not None:
            if prev == "company" and ln.role != "company":
                gap = size * 0.55
            elif prev in HEADER_ROLES and ln.role not in HEADER_ROLES:
                gap = size * 0.6
            elif prev not in HEADER_ROLES and ln.role in HEADER_ROLES:
                gap = size * 0.5
            elif prev == "name" and ln.role == "title":
                gap = size * 0.1
            elif (prev == "address") != (ln.role == "address"):
                gap = size * 0.35
        placed.append(_Placed(ln, path, int(size), size * lh, gap))
        prev = ln.role
    return placed, too_wide


def _split_wide(region: Region, style: Style, lines: list[Line]) -> list[Line]:
    """Print joined lines ("T … | F …") as separate lines where they would not fit."""
    avail_w = region.box[2] - region.box[0]
    out: list[Line] = []
    for ln in lines:
        font = fonts.sized(_font_path(style, ln), ROLE_MIN[ln.role] + 1.5)
        if ln.parts and font.getlength(ln.text) > avail_w:
            out += ln.parts
        else:
            out.append(ln)
    return out


def fit_region(region: Region, style: Style, scale: float = 1.0) -> list[_Placed]:
    """Shrink the region's text until it fits; drop low-priority lines if it cannot."""
    lines = _split_wide(region, style, list(region.lines))
    y0, y1 = region.box[1], region.box[3]
    while True:
        s = scale
        too_wide: Line | None = None
        while s >= 0.62:
            placed, too_wide = _measure(region, style, lines, s)
            total = sum(p.height + p.gap_before for p in placed)
            if too_wide is None and total <= (y1 - y0):
                return placed
            if too_wide is not None:
                break
            s *= 0.96
        if too_wide is not None and too_wide.priority < 100:
            lines = [ln for ln in lines if ln.group != too_wide.group]
            continue
        droppable = [ln for ln in lines if ln.priority < 100]
        if not droppable:
            placed, _ = _measure(region, style, lines, 0.62)
            return placed
        low = min(ln.priority for ln in droppable)
        group = next(ln.group for ln in droppable if ln.priority == low)
        lines = [ln for ln in lines if not (ln.priority == low and ln.group == group)]


def draw_region(draw: ImageDraw.ImageDraw, region: Region, style: Style,
                placed: list[_Placed]) -> list[Line]:
    x0, y0, x1, y1 = region.box
    total = sum(p.height + p.gap_before for p in placed)
    extra = max(0.0, (y1 - y0) - total)
    split = next((i for i, p in enumerate(placed) if p.line.role not in HEADER_ROLES), None)
    if region.spring and split:
        y, spring_extra = y0, extra
    else:
        y = {"t": y0, "m": y0 + extra / 2, "b": y0 + extra}[region.valign]
        spring_extra = 0.0
    for i, p in enumerate(placed):
        if i == split:
            y += spring_extra
        y += p.gap_before
        font = fonts.load(p.path, p.size)
        baseline = y + p.size * 0.93
        x, anchor = {"l": (x0, "ls"), "m": ((x0 + x1) / 2, "ms"), "r": (x1, "rs")}[region.align]
        colour = region.colour or _colour(style, p.line)
        draw.text((x, baseline), p.line.text, font=font, fill=colour, anchor=anchor)
        y += p.height
    return [p.line for p in placed]


def _min_xh(placed: list[_Placed]) -> float:
    sizes = [p.size * fonts.x_height_ratio(p.path) for p in placed
             if p.line.role not in HEADER_ROLES]
    return min(sizes, default=0.0)


def _mask(radius: int) -> np.ndarray:
    img = Image.new("L", (W, H), 0)
    ImageDraw.Draw(img).rounded_rectangle((0, 0, W - 1, H - 1), radius=max(radius, 0), fill=255)
    return np.asarray(img, dtype=np.float32) / 255.0


def draw_logo(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[float, float, float, float],
              colour: RGB, second: RGB) -> None:
    x0, y0, x1, y1 = box
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    kind = rng.choice(["circle", "ring", "triangle", "diamond", "hexagon", "circles", "bars",
                       "squares"])
    if kind == "circle":
        draw.ellipse(box, fill=colour)
        draw.ellipse((cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45), fill=second)
    elif kind == "ring":
        draw.ellipse(box, outline=colour, width=max(6, int(r * 0.28)))
    elif kind == "triangle":
        draw.polygon([(cx, y0), (x1, y1), (x0, y1)], fill=colour)
        draw.polygon([(cx, cy), (cx + r * 0.4, y1), (cx - r * 0.4, y1)], fill=second)
    elif kind == "diamond":
        draw.polygon([(cx, y0), (x1, cy), (cx, y1), (x0, cy)], fill=colour)
    elif kind == "hexagon":
        pts = [(cx + r * math.cos(math.pi / 3 * k + math.pi / 6),
                cy + r * math.sin(math.pi / 3 * k + math.pi / 6)) for k in range(6)]
        draw.polygon(pts, fill=colour)
        draw.polygon([((px - cx) * 0.5 + cx, (py - cy) * 0.5 + cy) for px, py in pts], fill=second)
    elif kind == "circles":
        draw.ellipse((x0, y0 + r * 0.3, x0 + r * 1.3, y0 + r * 1.6), fill=colour)
        draw.ellipse((x1 - r * 1.3, y0 + r * 0.3, x1, y0 + r * 1.6), outline=colour,
                     width=max(5, int(r * 0.16)))
    elif kind == "bars":
        for k in range(4):
            h = r * 2 * (0.35 + 0.2 * k)
            bx = x0 + k * r * 0.5
            draw.rectangle((bx, y1 - h, bx + r * 0.36, y1), fill=colour)
    else:
        draw.rectangle((x0, y0, cx - 3, cy - 3), fill=colour)
        draw.rectangle((cx + 3, cy + 3, x1, y1), fill=colour)
        draw.rectangle((cx + 3, y0, x1, cy - 3), fill=second)


def _qr_image(payload: str, size: int, fg: RGB, bg: RGB) -> Image.Image:
    enc = cv2.QRCodeEncoder.create()
    q = enc.encode(payload)
    n = q.shape[0]
    scale = max(3, size // n)
    big = cv2.resize(q, (n * scale, n * scale), interpolation=cv2.INTER_NEAREST)
    rgb = np.where(big[..., None] > 127, np.array(bg, np.uint8), np.array(fg, np.uint8))
    return Image.fromarray(rgb.astype(np.uint8))


def render_front(card: Card, layout: str, style: Style, rng: random.Random) -> Rendered:
    img = Image.new("RGB", (W, H), style.bg)
    draw = ImageDraw.Draw(img)
    m = rng.randint(54, 70)
    header = [ln for ln in card.header if ln.text]
    contacts = list(card.contacts)
    regions: list[Region] = []
    qr_size = rng.randint(245, 255) if card.qr else 0
    qr_box: tuple[int, int, int, int] | None = None

    if layout in ("left", "right", "centered"):
        align = {"left": "l", "right": "r", "centered": "m"}[layout]
        if layout != "centered" and rng.random() < 0.4 and header[0].role == "company" and len(
                header) > 1:
            header = header[1:] + header[:1]  # name first, company after title
        x0, x1 = float(m), float(W - m)
        if card.qr and layout == "left":
            x1 -= qr_size + 30
            qr_box = (W - m - qr_size, H - m - qr_size, W - m, H - m)
        elif card.qr and layout == "right":
            x0 += qr_size + 30
            qr_box = (m, H - m - qr_size, m + qr_size, H - m)
        regions.append(Region((x0, m, x1, H - m), align, "t", header + contacts, True))
        if layout != "centered" and rng.random() < 0.35:
            bar_x = 22 if layout == "left" else W - 32
            draw.rectangle((bar_x, m, bar_x + 10, H - m), fill=style.accent)
    elif layout == "two_column":
        d = W * rng.uniform(0.44, 0.5)
        left_align = rng.choice(["l", "r"])
        regions.append(Region((m, m, d - 34, H - m), left_align, "m", header))
        right_box_x1 = W - m
        if card.qr:
            qr_box = (W - m - qr_size, H - m - qr_size, W - m, H - m)
            right_box_x1 -= qr_size + 24
        regions.append(Region((d + 34, m, right_box_x1, H - m), "l", "m", contacts))
        draw.line((d, H * 0.18, d, H * 0.82), fill=style.accent, width=3)
    elif layout == "band":
        band_col = rng.choice(BAND_COLOURS)
        light = rng.choice(LIGHT_FG)
        if rng.random() < 0.5:  # top band
            bh = H * rng.uniform(0.28, 0.34)
            draw.rectangle((0, 0, W, bh), fill=band_col)
            band_lines = header[:1]
            regions.append(Region((m, 20, W - m, bh - 20), rng.choice(["l", "m"]), "m",
                                  band_lines, colour=light))
            rest = header[1:]
            body_top = bh + 36
            if rest:
                regions.append(Region((m, body_top, W * 0.47, H - m + 10), "l", "t", rest))
                regions.append(Region((W * 0.5, body_top, W - m, H - m + 10), "l", "t", contacts))
            else:
                regions.append(Region((m, body_top, W - m, H - m + 10), "l", "t", contacts))
        else:  # left band with company + name + title
            bw = W * rng.uniform(0.38, 0.43)
            draw.rectangle((0, 0, bw, H), fill=band_col)
            regions.append(Region((m - 14, m, bw - 30, H - m), "l", "m", header, colour=light))
            regions.append(Region((bw + 44, m, W - m + 10, H - m), "l", "m", contacts))
    elif layout == "logo":
        size = rng.randint(96, 124)
        second = style.bg
        if card.qr or rng.random() < 0.5:  # logo + company in a row, rest below
            lbox: tuple[float, float, float, float] = (m, m, m + size, m + size)
            draw_logo(draw, rng, lbox, style.accent, second)
            top = header[:1]
            regions.append(Region((m + size + 28, m, W - m, m + size), "l", "m", top))
            x1 = float(W - m)
            if card.qr:
                x1 -= qr_size + 30
                qr_box = (W - m - qr_size, H - m - qr_size, W - m, H - m)
            regions.append(Region((m, m + size + 26, x1, H - m), "l", "t",
                                  header[1:] + contacts, True))
        else:  # logo centred above company, centred text
            lbox = (W / 2 - size / 2 * 0.8, m - 18, W / 2 + size / 2 * 0.8, m - 18 + size * 0.8)
            draw_logo(draw, rng, lbox, style.accent, second)
            regions.append(Region((m, lbox[3] + 14, W - m, H - m + 8), "m", "t",
                                  header + contacts, True))
    else:
        raise ValueError(layout)

    printed: list[Line] = []
    min_xh = 0.0
    for reg in regions:
        placed = fit_region(reg, style)
        printed += draw_region(draw, reg, style, placed)
        xh = _min_xh(placed)
        if xh:
            min_xh = min(min_xh, xh) if min_xh else xh
    if card.qr and qr_box:
        q = _qr_image(card.qr, qr_box[2] - qr_box[0], (10, 10, 10), (255, 255, 255))
        x, y = qr_box[2] - q.width, qr_box[3] - q.height
        if layout == "right":
            x = qr_box[0]
        img.paste(q, (x, y))
    return Rendered(_paper(img, rng), _mask(style.radius), printed, qr_box, min_xh)


def _paper(img: Image.Image, rng: random.Random) -> Image.Image:
    """Very light paper grain and print softness."""
    arr = np.asarray(img, dtype=np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    grain = cv2.GaussianBlur(nrng.standard_normal(arr.shape[:2], dtype=np.float32) * 3.0, (0, 0),
                             0.8)
    soft = cv2.GaussianBlur(arr + grain[..., None], (0, 0), 0.5)
    return Image.fromarray(np.clip(soft, 0, 255).astype(np.uint8))


def render_back_printed(card: Card, style: Style, rng: random.Random) -> Rendered:
    bg = style.accent if (not style.dark and rng.random() < 0.5) else style.bg
    img = Image.new("RGB", (W, H), bg)
    draw = ImageDraw.Draw(img)
    back_dark = sum(bg) < 300
    fg = rng.choice(LIGHT_FG) if back_dark else rng.choice(DARK_FG)
    bstyle = Style(style.family, bg, fg, fg, back_dark, style.radius, True)
    lines = card.back_lines
    m = 70
    if rng.random() < 0.5:
        size = 90
        draw_logo(draw, rng, (W / 2 - size / 2, m - 10, W / 2 + size / 2, m - 10 + size), fg, bg)
        reg = Region((m, m + size + 10, W - m, H - m), "m", "t", lines)
    else:
        reg = Region((m, m, W - m, H - m), "m", "m", lines)
    placed = fit_region(reg, bstyle, 1.2)
    printed = draw_region(draw, reg, bstyle, placed)
    return Rendered(_paper(img, rng), _mask(style.radius), printed)


INKS: dict[str, RGB] = {"blue": (24, 44, 150), "black": (22, 22, 28), "dark red": (128, 18, 28)}


def render_back_note(card: Card, style: Style, rng: random.Random, hand: Family,
                     ink: str) -> Rendered:
    bg = rng.choice(LIGHT_BG[:4]) if style.dark or rng.random() < 0.6 else style.bg
    img = Image.new("RGB", (W, H), bg)
    if rng.random() < 0.3:  # small printed logo mark in a corner (no text)
        d = ImageDraw.Draw(img)
        draw_logo(d, rng, (W - 110, H - 110, W - 50, H - 50), mix(style.accent, bg, 0.3), bg)
    colour = INKS[ink]
    xh = rng.uniform(23, 27)
    path = hand.bold if rng.random() < 0.4 else hand.regular
    lines = card.back_lines
    left = rng.randint(60, 120)
    max_w = W - left - 60
    font = fonts.sized(path, xh)
    while max(font.getlength(ln.text) for ln in lines) > max_w and font.size > 30:
        font = fonts.load(path, font.size - 2)
    step = font.size * rng.uniform(1.45, 1.75)
    block = step * len(lines)
    y = rng.uniform(H * 0.12, max(H * 0.14, H - block - H * 0.12))
    base = np.asarray(img, dtype=np.float32)
    for ln in lines:
        tw = int(font.getlength(ln.text)) + 40
        th = int(font.size * 1.6)
        layer = Image.new("L", (tw, th), 0)
        ImageDraw.Draw(layer).text((20, font.size * 1.1), ln.text, font=font, fill=255,
                                   anchor="ls")
        layer = layer.rotate(rng.uniform(-2.5, 2.5), resample=Image.Resampling.BICUBIC,
                             expand=True)
        alpha = cv2.GaussianBlur(np.asarray(layer, dtype=np.float32) / 255.0 * rng.uniform(
            0.85, 0.97), (0, 0), 0.6)
        x = int(left + rng.uniform(-14, 24))
        yy = int(y + rng.uniform(-6, 6))
        hh = min(alpha.shape[0], H - yy)
        ww = min(alpha.shape[1], W - x)
        if hh > 0 and ww > 0:
            a = alpha[:hh, :ww, None]
            region = base[yy:yy + hh, x:x + ww]
            base[yy:yy + hh, x:x + ww] = region * (1 - a) + np.array(colour, np.float32) * a
        y += step
    out = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    return Rendered(_paper(out, rng), _mask(style.radius), list(lines))

"""Hostile inputs, made at test time (nothing binary is committed): the files people's folders
really hold beside their card photos — broken, empty, huge, animated, unreadable, oddly named.

`bad_files(folder)` writes one of each and returns {path: the reason cardscan must give}; the
reasons are fragments of the one line cardscan prints per failed file.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# The reason cardscan gives for each kind of bad file (a fragment of its one line).
NO_TEXT = "no text found on the card"
REASONS = {
    "empty": "empty file (0 bytes)",
    "truncated": "image file is truncated",
    "not-image": "not an image file",
    "too-small": "image too small (1×1 pixels)",
    "bomb": "image too large",
    "blank": NO_TEXT,
    "no-pages": "not a readable PDF",
    "link-loop": "cannot read",
}


def card_like(width: int = 640, height: int = 400, seed: int = 1) -> Image.Image:
    """A light card with dark strokes where text would be (no real words: fast to make)."""
    rng = random.Random(seed)
    im = Image.new("RGB", (width, height), (245, 242, 235))
    draw = ImageDraw.Draw(im)
    y = 40
    while y < height - 40:
        x = 40
        while x < width - 80:
            w = rng.randint(20, 90)
            draw.rectangle([x, y, x + w, y + 14], fill=(30, 30, 40))
            x += w + rng.randint(10, 30)
        y += rng.randint(30, 50)
    return im


def encoded(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, format=fmt, **params)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = encoded(card_like(), "JPEG", quality=90)
    return data[: len(data) * 2 // 3]


def one_pixel_png() -> bytes:
    return encoded(Image.new("RGB", (1, 1), (200, 10, 10)), "PNG")


def plain_jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> bytes:
    return encoded(Image.new("RGB", size, colour), "JPEG", quality=90)


def bomb_png(side: int = 30000) -> bytes:
    """A real decompression bomb: a valid side×side PNG (1-bit, all black) of ~100 kB that would
    decode to side² pixels. Made by streaming zlib over rows, never holding the image."""
    row = b"\x00" + bytes((side + 7) // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    chunks.append(compressor.compress(row * (side % 1000)))
    chunks.append(compressor.flush())
    idat = b"".join(chunks)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def animated_gif(frames: list[Image.Image]) -> bytes:
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def multipage_tiff(pages: list[Image.Image]) -> bytes:
    return encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")


def blank_pdf() -> bytes:
    """A PDF of one white page: no images, no text (what a scanner saves with the lid open)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(252, 144)  # 3.5 × 2 inches, a card's size
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def empty_pdf() -> bytes:
    """A valid PDF with no pages at all."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def landscape_jpeg(seed: int = 3) -> bytes:
    """A photo with no card in it: sky, hills, a sun, some blurred shapes — no letters."""
    rng = np.random.default_rng(seed)
    height, width = 900, 1200
    sky = np.linspace(200, 120, height)[:, None, None] * np.array([0.55, 0.75, 1.0])
    pixels = np.broadcast_to(sky, (height, width, 3)).copy()
    ground = (np.arange(height)[:, None] > 560 + 60 * np.sin(np.arange(width) / 150.0)[None, :])
    pixels[ground] = (60, 120, 50)
    pixels += rng.normal(0, 6, pixels.shape)
    im = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(im)
    draw.ellipse([900, 90, 1020, 210], fill=(255, 230, 120))
    for _ in range(6):
        x, y = int(rng.integers(0, width - 200)), int(rng.integers(600, height - 80))
        draw.ellipse([x, y, x + int(rng.integers(60, 200)), y + int(rng.integers(30, 80))], fill=(40, 90, 35))
    return encoded(im, "JPEG", quality=85)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def bad_files(folder: Path, *, blank_images: bool = True) -> dict[Path, str]:
    """Every kind of bad file, written under `folder`: {path: the reason cardscan must give}.

    With `blank_images` the files that decode but hold no text (all white, all black, an
    animated GIF of plain frames, a blank PDF page, a landscape photo) are included too; only an
    engine that reads real pixels (Tesseract) can find that they hold no text.
    """
    made = {
        write(folder / "empty.jpg", b""): REASONS["empty"],
        write(folder / "truncated.jpg", truncated_jpeg()): REASONS["truncated"],
        # Seeded: os.urandom's bytes now and then begin like some image format (Pillow then
        # calls the file truncated), which made the expected reason flaky.
        write(folder / "random bytes.jpg", random.Random(4096).randbytes(4096)): REASONS["not-image"],
        write(folder / "notes-really-text.png", b"Met Jane at the expo\n" * 20): REASONS["not-image"],
        write(folder / "pixel.png", one_pixel_png()): REASONS["too-small"],
        write(folder / "bomb.png", bomb_png()): REASONS["bomb"],
        write(folder / "no-pages.pdf", empty_pdf()): REASONS["no-pages"],
    }
    loop = folder / "self-loop.jpg"
    loop.symlink_to(loop.name)  # a link to itself: ELOOP when opened
    made[loop] = REASONS["link-loop"]
    (folder / "loop").symlink_to(".", target_is_directory=True)  # a folder loop: walked once
    # Files that are not photos at all are not cards: skipped without a word.
    write(folder / "clip.mp4", b"\x00\x00\x00\x18ftypmp42" + os.urandom(200))
    write(folder / "readme.txt.bak", b"nothing")
    if blank_images:
        made[write(folder / "all-white.jpg", plain_jpeg((255, 255, 255)))] = NO_TEXT
        made[write(folder / "all-black.jpg", plain_jpeg((0, 0, 0)))] = NO_TEXT
        colours = ((250, 250, 250), (10, 10, 10), (128, 0, 0))
        frames = [Image.new("RGB", (600, 400), colour) for colour in colours]
        made[write(folder / "animated.gif", animated_gif(frames))] = NO_TEXT
        made[write(folder / "lid-open scan.pdf", blank_pdf())] = NO_TEXT
        # Tesseract finds nothing here, or at most a few stray marks (no text / no contact details).
        made[write(folder / "holiday.jpg", landscape_jpeg())] = "found on the card"
    return made


def scanner_and_odd_names(folder: Path, card_photo: Path) -> dict[str, str]:
    """A multi-page TIFF from a scanner (a real card, then a blank page fed by mistake) and bad
    files with hostile names: {the failure's label: its reason}. The TIFF's first page is a card
    to store; only its second page fails, listed as `file#page2`."""
    card = Image.open(card_photo).convert("RGB")
    blank = Image.new("RGB", card.size, (255, 255, 255))
    tiff = write(folder / "scanner batch.tif", multipage_tiff([card, blank]))
    made = {f"{tiff}#page2": NO_TEXT}
    for name in ("broken\nname.jpg", 'it\'s "quoted" $(rm -rf ~).jpg', "名刺 Zoë.png"):
        made[str(write(folder / name, b""))] = REASONS["empty"]
    return made


# A stand-in for the `tesseract` command, put first on PATH: answers --version and --list-langs
# like Tesseract 5, refuses OSD ("too few characters"), and for recognition writes a TSV of a
# plain card (a different person each call) — except for the calls FAKE_TESSERACT_BAD names
# (1-based, comma-separated; "all" for every call), where it does FAKE_TESSERACT_MODE: `crash`
# (garbage on stderr, then SIGSEGV: exit 139 from a shell), `garbage` (exit 0 with a TSV of
# random bytes), `no-output` (exit 0, writes nothing) or `hang` (sleeps for ten minutes).
FAKE_TESSERACT = r'''
import os, signal, sys, time
args = sys.argv[1:]
if "--version" in args:
    print("tesseract 5.3.0\n leptonica-1.82.0"); sys.exit(0)
if "--list-langs" in args:
    print('List of available languages in "/fake/tessdata/" (3):\neng\nLatin\nosd'); sys.exit(0)
if "0" in args and "--psm" in args and args[args.index("--psm") + 1] == "0":
    sys.stderr.write("Too few characters. Skipping this page\n"); sys.exit(1)
state = os.environ["FAKE_TESSERACT_STATE"]
with open(state, "a+") as f:
    f.seek(0); call = len(f.read().splitlines()) + 1; f.write(f"{call}\n")
bad = os.environ.get("FAKE_TESSERACT_BAD", "")
mode = os.environ.get("FAKE_TESSERACT_MODE", "crash")
out = args[1] + ".tsv"
if bad == "all" or str(call) in bad.split(","):
    if mode == "crash":
        sys.stderr.write("\x00\xff garbage \x1b[2J Segmentation fault\n"); sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    if mode == "garbage":
        open(out, "wb").write(os.urandom(500)); sys.exit(0)
    if mode == "no-output":
        sys.exit(0)
    if mode == "hang":
        time.sleep(600)
names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson"]
given, family = names[(call - 1) % len(names)].split()
rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t600\t-1\t"]
words = [(1, 100, 100, given), (1, 300, 100, family),
         (2, 100, 200, f"{given.lower()}.{family.lower()}@example.com"),
         (3, 100, 260, "Tel"), (3, 180, 260, f"+1415555{call:04d}")]
for block, left, top, text in words:
    rows.append(f"5\t1\t{block}\t1\t1\t1\t{left}\t{top}\t{20 * len(text)}\t30\t95\t{text}")
open(out, "w").write("\n".join(rows) + "\n")
'''


def install_fake_tesseract(bin_dir: Path, python: str) -> Path:
    """Writes `tesseract` (the fake above, run by `python`) into bin_dir; returns its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "tesseract"
    fake.write_text(f"#!{python}\n{FAKE_TESSERACT}")
    fake.chmod(0o755)
    return fake

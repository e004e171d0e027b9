"""Files that hold several cards: multi-page TIFF and PDF files from scanners, one card a page.

`page_count` says how many cards a file holds; `render_pdf_page` turns one PDF page into the
same upright BGR array `image.decode` gives for a photo (pypdfium2 renders it).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

from cardscan.errors import InputError

if TYPE_CHECKING:
    import numpy as np

PDF_MAGIC = b"%PDF-"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
# A scanner's card page is read at 300 dpi, like a flatbed scan; an A4 page at 300 dpi is
# 8.7 MP, well inside image.MAX_PIXELS, which still caps an oversized page.
PDF_DPI = 300
MAX_PDF_PIXELS = 60_000_000


def is_pdf(head: bytes) -> bool:
    return head.startswith(PDF_MAGIC)


def page_count(path: Path) -> int:
    """Pages in a multi-page TIFF or PDF; 1 for every other file, and for one that can't be read
    (reading it fails later, with the reason, as that card's failure)."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if is_pdf(head):
                return _pdf_page_count(path)
            if head[:4] in TIFF_MAGICS:
                from PIL import Image

                f.seek(0)
                with Image.open(f) as im:
                    return max(1, int(getattr(im, "n_frames", 1)))
    except Exception:  # a broken file is one card that fails with its reason, not a crash here
        return 1
    return 1


def _pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return max(1, len(pdf))
    finally:
        pdf.close()


def render_pdf_page(data: bytes, path: Path | str = "<bytes>", page: int = 0) -> np.ndarray:
    """One page of a PDF as an 8-bit BGR array at 300 dpi (less when that would pass the pixel
    limit). Raises InputError naming the file for a broken PDF or a missing page."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium's own words are no help here ("Failed to load document (PDFium: Success)").
        why = "password-protected" if getattr(exc, "err_code", None) == 4 else "damaged, or it has no pages"
        raise InputError(path, f"not a readable PDF ({why})") from None
    try:
        if page >= len(pdf):
            raise InputError(path, f"no page {page + 1} in this PDF ({len(pdf)} pages)")
        pdf_page = pdf[page]
        width_pt, height_pt = pdf_page.get_size()
        scale = PDF_DPI / 72.0
        pixels = width_pt * height_pt * scale * scale
        if pixels > MAX_PDF_PIXELS:
            scale *= math.sqrt(MAX_PDF_PIXELS / pixels)
        bitmap = pdf_page.render(scale=scale)
        rgb = np.asarray(bitmap.to_pil().convert("RGB"))
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    except pdfium.PdfiumError as exc:
        raise InputError(path, f"cannot render PDF page {page + 1} ({exc})") from None
    finally:
        pdf.close()


def pdf_bytes_with_pages(images: list[bytes]) -> bytes:
    """A PDF holding each image as one page (for tests and for tools that make sample scans)."""
    from PIL import Image

    pages = [Image.open(io.BytesIO(data)).convert("RGB") for data in images]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=300)
    return out.getvalue()

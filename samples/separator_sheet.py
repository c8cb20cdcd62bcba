"""Renders the separator sheet the mailroom prints and puts between documents of a scan batch.

    .venv/bin/python samples/separator_sheet.py [--text INTAKE-SEPARATOR] [--out FILE.png]

An A4 page at 300 dpi: a large QR code carrying the separator text (what `ocr.batches` looks
for), the text itself in clear, and a line telling people what the sheet is for. Print it at
100% on white paper; a copy of a copy still works while the QR code's squares stay sharp.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr.separator import DEFAULT_SEPARATOR, qr_code  # noqa: E402

DPI = 300
A4_PIXELS = (2480, 3508)  # 210 x 297 mm at 300 dpi
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
OUT = Path(__file__).resolve().parent / "separator-sheet.png"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size)


def render_separator_sheet(text: str = DEFAULT_SEPARATOR) -> np.ndarray:
    """The sheet as 8-bit grayscale pixels (height x width)."""
    width, height = A4_PIXELS
    sheet = Image.new("L", (width, height), 255)
    code = Image.fromarray(qr_code(text))
    sheet.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    draw = ImageDraw.Draw(sheet)
    _centred(draw, "SEPARATOR SHEET", top=400, size=140, width=width)
    _centred(draw, "Put this page between two documents of a scan batch.", 650, 60, width)
    _centred(draw, text, top=(height + code.height) // 2 + 80, size=70, width=width)
    return np.asarray(sheet)


def _centred(draw: ImageDraw.ImageDraw, line: str, top: int, size: int, width: int) -> None:
    font = _font(size)
    left, _, right, _ = draw.textbbox((0, 0), line, font=font)
    draw.text(((width - (right - left)) // 2, top), line, fill=0, font=font)


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the separator sheet as a PNG.")
    parser.add_argument("--text", default=DEFAULT_SEPARATOR, help="what the QR code carries")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    Image.fromarray(render_separator_sheet(args.text)).save(args.out, dpi=(DPI, DPI))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

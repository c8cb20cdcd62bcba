"""Renders a mailroom scan batch: three documents in one multi-page TIFF, split by separator sheets.

    .venv/bin/python samples/scan_batch.py [--out samples/batches/mailroom_batch_01.tif]

What a duplex scanner in black-and-white mode writes when staff put a stack through it: a one-page
letter with its empty back (a blank page to drop), a separator sheet, a two-page letter, another
separator sheet, and a loyalty coupon. `ingest` or the hot folder turn it into three contacts.
The pages come from the sample contacts' own renderers, so the documents read like the demo's.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SAMPLES_DIR = Path(__file__).resolve().parent
if str(SAMPLES_DIR) not in sys.path:
    sys.path.insert(0, str(SAMPLES_DIR))

from generate_samples import (  # noqa: E402
    numpy_rng,
    pick_scan_look,
    render_coupon,
    render_letter,
    scanned,
    seeded,
)
from sample_contacts import contact_by_id  # noqa: E402
from separator_sheet import A4_PIXELS, render_separator_sheet  # noqa: E402

DPI = 300
OUT = SAMPLES_DIR / "batches" / "mailroom_batch_01.tif"
# A black-and-white scanner cuts at a fixed grey level (not Otsu's, which would turn the grain
# of an empty page into half-black speckle).
THRESHOLD = 128
BATCH_ID = "mailroom_batch_01"


@dataclass(frozen=True)
class BatchLayout:
    """Which batch pages make which document, and which pages belong to none."""

    documents: tuple[tuple[str, tuple[int, ...]], ...]  # (sample contact id, batch pages)
    separator_pages: tuple[int, ...]
    blank_pages: tuple[int, ...]


LAYOUT = BatchLayout(
    documents=(
        ("en_complaint_letter_01", (1,)),
        ("pl_claim_letter_01", (4, 5)),
        ("en_loyalty_coupon_02", (7,)),
    ),
    separator_pages=(3, 6),
    blank_pages=(2,),
)


def render_batch() -> list[Image.Image]:
    """The batch's pages in scan order, as black-and-white A4 pages at 300 dpi."""
    (first, _), (second, _), (coupon, _) = LAYOUT.documents
    pages = [
        *_letter_pages(first, 1),
        _blank_back(),
        _separator(),
        *_letter_pages(second, 2),
        _separator(),
        # The scanner crops each sheet to its paper: the coupon card keeps its own size.
        _scan(render_coupon(contact_by_id(coupon)), coupon),
    ]
    return [_black_and_white(page) for page in pages]


def _letter_pages(contact_id: str, count: int) -> list[Image.Image]:
    pages = render_letter(contact_by_id(contact_id), DPI, pages_wanted=count)
    return [_scan(page, f"{contact_id}-{number}") for number, page in enumerate(pages, 1)]


def _scan(page: Image.Image, key: str) -> Image.Image:
    look = pick_scan_look(seeded(key, BATCH_ID))
    return scanned(page, look, numpy_rng(key, BATCH_ID))


def _separator() -> Image.Image:
    sheet = Image.fromarray(render_separator_sheet()).convert("RGB")
    return _scan(sheet, "separator")


def _blank_back() -> Image.Image:
    """The empty back of a duplex page: paper grain and a few specks of dust, no ink."""
    page = Image.new("RGB", A4_PIXELS, (255, 255, 255))
    draw = ImageDraw.Draw(page)
    rng = random.Random(f"{BATCH_ID}-dust")
    for _ in range(12):
        x, y = rng.randrange(100, A4_PIXELS[0] - 100), rng.randrange(100, A4_PIXELS[1] - 100)
        draw.ellipse((x, y, x + 2, y + 2), fill=(40, 40, 40))
    return _scan(page, "blank")


def _black_and_white(page: Image.Image) -> Image.Image:
    gray = np.asarray(page.convert("L"))
    return Image.fromarray(np.where(gray >= THRESHOLD, 255, 0).astype(np.uint8)).convert("1")


def write_batch(path: Path = OUT) -> Path:
    pages = render_batch()
    path.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(
        path,
        "TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="group4",
        dpi=(DPI, DPI),
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    print(f"wrote {write_batch(args.out)}")


if __name__ == "__main__":
    main()

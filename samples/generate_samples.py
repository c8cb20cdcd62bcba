"""Renders the sample contacts as files the intake channels read, and writes their manifest.

    .venv/bin/python samples/generate_samples.py [--out DIR]

Writes `email/*.eml` (RFC 5322 messages built with the stdlib `email` package), `scans/*`
(letters and loyalty coupons rendered with Pillow and degraded to look scanned) and
`manifest.csv` with the expected labels. Output is deterministic (every random choice comes from
a generator seeded with the sample's id) and the run is idempotent: the generated files are
removed and rewritten.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import random
import sys
import textwrap
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SAMPLES_DIR = Path(__file__).resolve().parent
if str(SAMPLES_DIR) not in sys.path:
    sys.path.insert(0, str(SAMPLES_DIR))

from coupon_layout import COUPON_LAYOUT, Box  # noqa: E402
from sample_contacts import (  # noqa: E402
    SAMPLE_CONTACTS,
    SERVICE_ADDRESS_EN,
    SERVICE_ADDRESS_PL,
    Attachment,
    SampleContact,
    contact_by_id,
)

SEED = "vistula-2026"
WARSAW = ZoneInfo("Europe/Warsaw")
MANIFEST_HEADER = ("path", "channel", "kind", "language", "topic", "sentiment", "unit")
SCAN_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}
GENERATED_SUFFIXES = {".eml", ".png", ".jpg", ".tif", ".pdf"}
A4_INCHES = (8.27, 11.69)
ATTACHMENT_DPI = 150
# Pillow writes the current time into PDFs unless told otherwise; a fixed stamp keeps reruns
# byte-identical.
PDF_TIMESTAMP = time.strptime("2026-10-20 12:00:00", "%Y-%m-%d %H:%M:%S")

COMPANY_NAME = "Vistula Home Electronics sp. z o.o."
COMPANY_STREET = "Al. Jerozolimskie 179"
COMPANY_TOWN = "02-222 Warszawa"
COMPANY_NIP = "NIP 527-300-12-45"
INK = (28, 28, 34)
PEN_BLUE = (24, 38, 120)
BRAND = (0, 92, 98)

PL_MONTHS = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

FONT_FILES = {
    "serif": ("liberation2/LiberationSerif-Regular.ttf", "dejavu/DejaVuSerif.ttf"),
    "serif_bold": ("liberation2/LiberationSerif-Bold.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "sans": ("liberation2/LiberationSans-Regular.ttf", "dejavu/DejaVuSans.ttf"),
    "sans_bold": ("liberation2/LiberationSans-Bold.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "mono_bold": ("dejavu/DejaVuSansMono-Bold.ttf", "liberation2/LiberationMono-Bold.ttf"),
    "dejavu": ("dejavu/DejaVuSans.ttf",),
    "dejavu_bold": ("dejavu/DejaVuSans-Bold.ttf",),
}
FONT_ROOTS = (Path("/usr/share/fonts/truetype"),)


# --------------------------------------------------------------------------------------------
# Shared helpers: seeded randomness, fonts, text layout
# --------------------------------------------------------------------------------------------


def seeded(sample_id: str, purpose: str) -> random.Random:
    return random.Random(f"{SEED}:{sample_id}:{purpose}")


def numpy_rng(sample_id: str, purpose: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{SEED}:{sample_id}:{purpose}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


@cache
def font(family: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font; the second file of a family is the fallback (DejaVu ships everywhere)."""
    for relative in FONT_FILES[family]:
        for root in FONT_ROOTS:
            path = root / relative
            if path.exists():
                return ImageFont.truetype(str(path), size)
    tried = ", ".join(str(root / rel) for rel in FONT_FILES[family] for root in FONT_ROOTS)
    raise FileNotFoundError(
        f"no TrueType font for {family!r}: tried {tried}; install fonts-dejavu-core"
    )


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and face.getlength(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def local_time(contact: SampleContact) -> datetime:
    return datetime.strptime(contact.sent, "%Y-%m-%d %H:%M").replace(tzinfo=WARSAW)


def long_date(moment: datetime, language: str) -> str:
    if language == "pl":
        return f"{moment.day} {PL_MONTHS[moment.month - 1]} {moment.year} r."
    return f"{moment.day} {EN_MONTHS[moment.month - 1]} {moment.year}"


def needs_signature_line(contact: SampleContact) -> bool:
    """Some bodies already end with the sender's name; the others get it added below."""
    first_name = contact.sender_name.split()[0]
    return first_name not in contact.paragraphs[-1]


def points(size_pt: float, dpi: int) -> int:
    return round(size_pt * dpi / 72)


# --------------------------------------------------------------------------------------------
# Scan look: what a flatbed scanner and slightly yellowed paper do to a clean page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanLook:
    angle: float
    tint: tuple[int, int, int]
    blur: float
    noise: float
    shade: float


def pick_scan_look(rng: random.Random) -> ScanLook:
    return ScanLook(
        angle=rng.uniform(0.3, 2.5) * rng.choice((-1, 1)),
        tint=(rng.randint(242, 252), rng.randint(237, 248), rng.randint(220, 238)),
        blur=rng.uniform(0.45, 0.85),
        noise=rng.uniform(3.0, 7.0),
        shade=rng.uniform(0.02, 0.07),
    )


def look_for_format(look: ScanLook, fmt: str) -> ScanLook:
    """Lossless PNG scans come from the cleaner scanner: less sensor noise, smaller files."""
    return replace(look, noise=min(look.noise, 2.5)) if fmt == "png" else look


def scanned(page: Image.Image, look: ScanLook, noise_rng: np.random.Generator) -> Image.Image:
    """Tints, shades, rotates, blurs and adds sensor noise to a clean RGB page."""
    clean = np.asarray(page.convert("RGB"), dtype=np.float32) / 255.0
    paper = np.array(look.tint, dtype=np.float32)
    ink_floor = 26.0
    tinted = ink_floor + clean * (paper - ink_floor)
    height, width = tinted.shape[:2]
    # Uneven lamp light: one side of the page is a little darker than the other.
    ramp = np.linspace(1.0, 1.0 - look.shade, width, dtype=np.float32)[None, :, None]
    tinted *= ramp
    image = Image.fromarray(np.clip(tinted, 0, 255).astype(np.uint8), "RGB")
    image = image.rotate(
        look.angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(214, 214, 210)
    )
    image = image.filter(ImageFilter.GaussianBlur(look.blur))
    noisy = np.asarray(image, dtype=np.float32)
    noisy += noise_rng.normal(0.0, look.noise, size=(height, width, 1)).astype(np.float32)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def binarised(page: Image.Image) -> Image.Image:
    """Black-and-white scanner mode (Otsu threshold), as fax-style TIFFs are stored."""
    gray = np.asarray(page.convert("L"))
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(bw).convert("1", dither=Image.Dither.NONE)


def save_scan(pages: Sequence[Image.Image], path: Path, fmt: str, dpi: int, quality: int) -> None:
    if fmt == "png":
        # 16 grey levels, as document scanners store greyscale PNGs to keep them small.
        grey = pages[0].convert("L").point(lambda v: min(255, (v // 16) * 17))
        grey.save(path, "PNG", dpi=(dpi, dpi), optimize=True)
    elif fmt == "jpeg":
        pages[0].save(path, "JPEG", dpi=(dpi, dpi), quality=quality)
    elif fmt == "tiff":
        bw = [binarised(p) for p in pages]
        bw[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=bw[1:],
            compression="group4",
            dpi=(dpi, dpi),
        )
    elif fmt == "pdf":
        gray = [p.convert("L") for p in pages]
        gray[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=gray[1:],
            resolution=float(dpi),
            quality=quality,
            title=path.stem,
            creationDate=PDF_TIMESTAMP,
            modDate=PDF_TIMESTAMP,
        )
    else:
        raise ValueError(f"{path.name}: unknown scan format {fmt!r}")


def pdf_bytes(pages: Sequence[Image.Image], dpi: int, title: str, quality: int = 78) -> bytes:
    buffer = io.BytesIO()
    gray = [p.convert("L") for p in pages]
    gray[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=gray[1:],
        resolution=float(dpi),
        quality=quality,
        title=title,
        creationDate=PDF_TIMESTAMP,
        modDate=PDF_TIMESTAMP,
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Letters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterStyle:
    body_family: str
    body_pt: float
    bold_family: str


def pick_letter_style(rng: random.Random) -> LetterStyle:
    if rng.random() < 0.5:
        return LetterStyle("serif", rng.choice((12.0, 12.5, 13.0)), "serif_bold")
    return LetterStyle("sans", rng.choice((11.5, 12.0)), "sans_bold")


class PageWriter:
    """Lays lines of text onto A4 pages, starting a new page when one is full."""

    def __init__(self, dpi: int, header: str) -> None:
        self.dpi = dpi
        self.width = round(A4_INCHES[0] * dpi)
        self.height = round(A4_INCHES[1] * dpi)
        self.left = round(1.0 * dpi)
        self.right = self.width - round(0.9 * dpi)
        self.top = round(0.8 * dpi)
        self.bottom = self.height - round(0.9 * dpi)
        self.header = header
        self.pages: list[Image.Image] = []
        self.new_page()

    @property
    def text_width(self) -> int:
        return self.right - self.left

    def new_page(self) -> None:
        self.page = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.page)
        self.pages.append(self.page)
        self.y = self.top
        if len(self.pages) > 1:
            small = font("sans", points(9, self.dpi))
            self.draw.text((self.left, self.top), self.header, font=small, fill=INK)
            self.y = self.top + round(small.size * 2.5)

    def ensure_room(self, needed: int) -> None:
        if self.y + needed > self.bottom:
            self.new_page()

    def line(self, text: str, face: ImageFont.FreeTypeFont, align: str = "left") -> None:
        step = round(face.size * 1.38)
        self.ensure_room(step)
        x = self.left if align == "left" else self.right - round(face.getlength(text))
        self.draw.text((x, self.y), text, font=face, fill=INK)
        self.y += step

    def paragraph(self, text: str, face: ImageFont.FreeTypeFont) -> None:
        for row in wrap(text, face, self.text_width):
            self.line(row, face)
        self.y += round(face.size * 0.6)

    def skip(self, lines: float, face: ImageFont.FreeTypeFont) -> None:
        self.y += round(face.size * 1.38 * lines)


def recipient_lines(language: str) -> list[str]:
    department = "Dział Obsługi Klienta" if language == "pl" else "Customer Service Department"
    return [COMPANY_NAME, department, COMPANY_STREET, COMPANY_TOWN]


def draw_signature(page: Image.Image, x: int, y: int, width: int, rng: random.Random) -> None:
    """A pen scribble: a tall initial, then cursive loops (a prolate cycloid) whose height
    wanders, slanted to the right, and a quick underline."""
    draw = ImageDraw.Draw(page)
    height = width * 0.3
    loops = rng.randint(5, 8)
    reach = rng.uniform(1.4, 1.9)  # > 1 makes the cycloid curl into loops
    envelope = [rng.uniform(0.35, 1.0) for _ in range(loops + 2)]
    steps = loops * 28
    span = loops * 2 * np.pi
    path: list[tuple[float, float]] = []
    for step in range(steps + 1):
        t = span * step / steps
        loop = t / (2 * np.pi)
        low = envelope[int(loop)]
        high = envelope[int(loop) + 1]
        scale = low + (high - low) * (loop % 1.0)
        cx = t - reach * np.sin(t)
        cy = reach * np.cos(t) * scale
        px = x + width * 0.12 + cx / span * width * 0.85
        py = y + height * 0.55 - cy / reach * height * 0.45
        path.append((px + (y + height - py) * 0.25, py))
    stroke = max(2, width // 90)
    initial_top = (x + width * 0.1, y - height * 0.1)
    draw.line([path[0], initial_top, (x, y + height * 0.8), path[0]], fill=PEN_BLUE, width=stroke)
    draw.line(path, fill=PEN_BLUE, width=stroke, joint="curve")
    underline_y = y + height * 1.1
    draw.line(
        [
            (x - width * 0.02, underline_y),
            (x + width * rng.uniform(0.8, 1.0), underline_y - height * 0.2),
        ],
        fill=PEN_BLUE,
        width=stroke,
    )


def render_letter(contact: SampleContact, dpi: int, pages_wanted: int = 1) -> list[Image.Image]:
    """Clean A4 pages of a customer's letter: sender block, recipient, date, subject, body,
    closing and signature. With two pages wanted, the body breaks in the middle."""
    if contact.postal_address is None:
        raise ValueError(f"{contact.id}: a letter needs a postal address")
    rng = seeded(contact.id, "letter")
    style = pick_letter_style(rng)
    body = font(style.body_family, points(style.body_pt, dpi))
    bold = font(style.bold_family, points(style.body_pt, dpi))
    small = font("sans", points(10.5, dpi))
    small_bold = font("sans_bold", points(10.5, dpi))
    header = f"{contact.sender_name} – {contact.subject}"
    writer = PageWriter(dpi, header[:90])

    address = contact.postal_address
    writer.line(contact.sender_name, small_bold)
    writer.line(address.street, small)
    writer.line(f"{address.postcode} {address.town}", small)
    writer.line(contact.sender_email, small)
    writer.skip(1.2, small)
    for text in recipient_lines(contact.language):
        writer.line(text, small, align="right")
    writer.skip(1.0, small)
    writer.line(
        f"{address.town}, {long_date(local_time(contact), contact.language)}", body, "right"
    )
    writer.skip(1.0, body)
    for row in wrap(contact.subject, bold, writer.text_width):
        writer.line(row, bold)
    writer.skip(0.8, body)

    paragraphs = contact.paragraphs
    break_before = (len(paragraphs) + 1) // 2 if pages_wanted > 1 else len(paragraphs) + 1
    for index, text in enumerate(paragraphs):
        if index == break_before and len(writer.pages) < pages_wanted:
            writer.new_page()
        writer.paragraph(text, body)

    signature_width = round(1.9 * dpi)
    writer.ensure_room(round(signature_width * 0.45) + body.size * 2)
    draw_signature(writer.page, writer.left + round(0.1 * dpi), writer.y, signature_width, rng)
    writer.y += round(signature_width * 0.4)
    writer.line(contact.sender_name, body)

    if len(writer.pages) > 1:
        number_font = font("sans", points(9, dpi))
        for number, page in enumerate(writer.pages, start=1):
            label = f"{number}/{len(writer.pages)}"
            ImageDraw.Draw(page).text(
                (writer.width // 2, writer.height - round(0.6 * dpi)),
                label,
                font=number_font,
                fill=INK,
                anchor="mm",
            )
    return writer.pages


def write_letter(contact: SampleContact, scans_dir: Path) -> Path:
    fmt = contact.scan_format or "png"
    dpi = contact.scan_dpi or 200
    pages = render_letter(contact, dpi, pages_wanted=2 if fmt == "tiff" else 1)
    rng = seeded(contact.id, "scan")
    noise = numpy_rng(contact.id, "noise")
    looks = [scanned(p, look_for_format(pick_scan_look(rng), fmt), noise) for p in pages]
    path = scans_dir / f"{contact.id}{SCAN_SUFFIXES[fmt]}"
    save_scan(looks, path, fmt, dpi, quality=rng.randint(72, 85))
    return path


# --------------------------------------------------------------------------------------------
# Coupons
# --------------------------------------------------------------------------------------------


def coupon_texts(contact: SampleContact) -> dict[str, str]:
    fields = contact.coupon
    if fields is None:
        raise ValueError(f"{contact.id}: a coupon sample needs coupon fields")
    return {
        "first_name": fields.first_name,
        "last_name": fields.last_name,
        "street": fields.street,
        "postcode": fields.postcode,
        "town": fields.town,
        "email": fields.email,
        "phone": fields.phone,
        "card_number": fields.card_number,
    }


def coupon_ticks(contact: SampleContact) -> dict[str, bool]:
    fields = contact.coupon
    assert fields is not None
    return {
        "newsletter": fields.newsletter,
        "prize_draw": fields.prize_draw,
        "consent": fields.consent,
    }


def draw_printed_coupon(language: str) -> Image.Image:
    """The blank printed card: title, instructions, labelled boxes, checkboxes, footer."""
    layout = COUPON_LAYOUT
    card = Image.new("RGB", (layout.width, layout.height), "white")
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle(
        (30, 30, layout.width - 30, layout.height - 30), 40, outline=BRAND, width=6
    )
    title = layout.title_box
    draw.rectangle(title.as_tuple(), fill=BRAND)
    draw.text(
        ((title.left + title.right) // 2, (title.top + title.bottom) // 2),
        layout.title(language),
        font=font("dejavu_bold", 74),
        fill="white",
        anchor="mm",
    )
    hint = (
        "Prosimy wypełnić DRUKOWANYMI LITERAMI"
        if language == "pl"
        else "Please fill in using BLOCK CAPITALS"
    )
    draw.text((title.left, title.bottom + 30), hint, font=font("sans", 40), fill=(70, 70, 70))
    label_font = font("sans", 44)
    for field_box in layout.fields:
        box = field_box.box
        draw.text(
            (box.left, box.top - layout.label_gap),
            field_box.label(language),
            font=label_font,
            fill=(40, 40, 40),
            anchor="ld",
        )
        draw.rectangle(box.as_tuple(), outline=BRAND, width=4)
    for checkbox in layout.checkboxes:
        box = checkbox.box
        draw.rectangle(box.as_tuple(), outline=BRAND, width=5)
        draw.text(
            (box.right + 30, (box.top + box.bottom) // 2),
            checkbox.label(language),
            font=label_font,
            fill=(40, 40, 40),
            anchor="lm",
        )
    footer = layout.footer_box
    draw.text(
        (footer.left, footer.top),
        f"{COMPANY_NAME} · {COMPANY_STREET}, {COMPANY_TOWN} · vistula-electronics.pl",
        font=font("sans", 32),
        fill=(90, 90, 90),
    )
    return card


def fill_box(draw: ImageDraw.ImageDraw, box: Box, text: str, rng: random.Random) -> None:
    """Hand-printed capitals: one letter at a time, each slightly off the line."""
    size = 76
    face = font("mono_bold", size)
    while face.getlength(text) * 1.08 > box.width - 50 and size > 40:
        size -= 4
        face = font("mono_bold", size)
    x = box.left + 28 + rng.uniform(0, 14)
    baseline = (box.top + box.bottom) // 2
    for char in text:
        draw.text(
            (x, baseline + rng.uniform(-4, 4)),
            char,
            font=face,
            fill=PEN_BLUE,
            anchor="lm",
        )
        x += face.getlength(char) * rng.uniform(1.02, 1.12)


def tick_box(draw: ImageDraw.ImageDraw, box: Box, rng: random.Random, style: str) -> None:
    def jitter(value: float) -> float:
        return value + rng.uniform(-6, 6)

    width = 9
    if style == "cross":
        draw.line(
            [
                (jitter(box.left + 8), jitter(box.top + 6)),
                (jitter(box.right - 6), jitter(box.bottom - 8)),
            ],
            fill=PEN_BLUE,
            width=width,
        )
        draw.line(
            [
                (jitter(box.right - 8), jitter(box.top + 8)),
                (jitter(box.left + 6), jitter(box.bottom - 6)),
            ],
            fill=PEN_BLUE,
            width=width,
        )
    else:
        draw.line(
            [
                (jitter(box.left + 6), jitter(box.top + box.height * 0.55)),
                (jitter(box.left + box.width * 0.4), jitter(box.bottom - 4)),
                (jitter(box.right + 22), jitter(box.top - 26)),
            ],
            fill=PEN_BLUE,
            width=width,
            joint="curve",
        )


def render_coupon(contact: SampleContact) -> Image.Image:
    rng = seeded(contact.id, "coupon")
    card = draw_printed_coupon(contact.language)
    draw = ImageDraw.Draw(card)
    for name, text in coupon_texts(contact).items():
        fill_box(draw, COUPON_LAYOUT.field(name).box, text, rng)
    tick_style = rng.choice(("cross", "check"))
    for name, ticked in coupon_ticks(contact).items():
        if ticked:
            tick_box(draw, COUPON_LAYOUT.checkbox(name).box, rng, tick_style)
    return card


def write_coupon(contact: SampleContact, scans_dir: Path) -> Path:
    fmt = contact.scan_format or "jpeg"
    rng = seeded(contact.id, "scan")
    look = look_for_format(pick_scan_look(rng), fmt)
    page = scanned(render_coupon(contact), look, numpy_rng(contact.id, "noise"))
    path = scans_dir / f"{contact.id}{SCAN_SUFFIXES[fmt]}"
    save_scan([page], path, fmt, COUPON_LAYOUT.dpi, quality=rng.randint(74, 85))
    return path


# --------------------------------------------------------------------------------------------
# Attachments: an invoice, a scanned letter, a photo of a parcel, a screenshot
# --------------------------------------------------------------------------------------------


def money(amount: float) -> str:
    """Polish notation: a space between thousands and a decimal comma (1 299,00)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def render_invoice(attachment: Attachment, language: str) -> Image.Image:
    number, issued, buyer, *items = attachment.lines
    dpi = ATTACHMENT_DPI
    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    regular, bold = font("sans", points(10, dpi)), font("sans_bold", points(10, dpi))
    big = font("sans_bold", points(16, dpi))
    left, right = round(0.8 * dpi), width - round(0.8 * dpi)
    y = round(0.8 * dpi)
    for text, face in (
        (COMPANY_NAME, bold),
        (COMPANY_STREET, regular),
        (COMPANY_TOWN, regular),
        (COMPANY_NIP, regular),
    ):
        draw.text((left, y), text, font=face, fill=INK)
        y += round(face.size * 1.4)
    title = "FAKTURA VAT / VAT INVOICE" if language == "en" else "FAKTURA VAT"
    draw.text((right, round(0.8 * dpi)), title, font=big, fill=BRAND, anchor="ra")
    draw.text((right, round(1.2 * dpi)), f"Nr {number}", font=bold, fill=INK, anchor="ra")
    draw.text(
        (right, round(1.45 * dpi)),
        f"Data wystawienia: {issued}",
        font=regular,
        fill=INK,
        anchor="ra",
    )
    y += round(0.4 * dpi)
    draw.text((left, y), "Nabywca / Buyer:", font=bold, fill=INK)
    draw.text((left + round(1.8 * dpi), y), buyer, font=regular, fill=INK)
    y += round(0.6 * dpi)
    columns = (left, left + round(0.45 * dpi), right - round(2.6 * dpi), right - round(1.7 * dpi))
    headers = ("Lp.", "Nazwa towaru / Item", "Ilość", "Cena brutto")
    draw.rectangle((left, y - 8, right, y + round(regular.size * 1.6)), fill=(225, 232, 232))
    for x, text in zip(columns, headers, strict=True):
        draw.text((x + 6, y), text, font=bold, fill=INK)
    draw.text((right - 6, y), "Wartość", font=bold, fill=INK, anchor="ra")
    y += round(regular.size * 2.0)
    total = 0.0
    for index, item in enumerate(items, start=1):
        name, quantity, price = item.split("|")
        value = int(quantity) * float(price)
        total += value
        for x, text in zip(
            columns, (f"{index}.", name, quantity, money(float(price))), strict=True
        ):
            draw.text((x + 6, y), text, font=regular, fill=INK)
        draw.text((right - 6, y), money(value), font=regular, fill=INK, anchor="ra")
        y += round(regular.size * 1.8)
        draw.line((left, y - 6, right, y - 6), fill=(170, 170, 170), width=1)
    net = total / 1.23
    y += round(0.3 * dpi)
    for label, amount in (("Netto", net), ("VAT 23%", total - net), ("Razem brutto", total)):
        draw.text((right - round(2.0 * dpi), y), label, font=regular, fill=INK)
        draw.text((right - 6, y), f"{money(amount)} PLN", font=regular, fill=INK, anchor="ra")
        y += round(regular.size * 1.6)
    y += round(0.3 * dpi)
    draw.text((left, y), "Sposób zapłaty: karta płatnicza – zapłacono", font=regular, fill=INK)
    draw.text(
        (left, height - round(1.0 * dpi)),
        "Dokument wygenerowany elektronicznie.",
        font=font("sans", points(8, dpi)),
        fill=(90, 90, 90),
    )
    return page


def render_parcel_photo(attachment: Attachment, sample_id: str) -> Image.Image:
    """A phone photo of a crushed cardboard box standing on a wooden floor."""
    rng = seeded(sample_id, "photo")
    width, height = 1600, 1200
    photo = Image.new("RGB", (width, height), (222, 216, 204))
    draw = ImageDraw.Draw(photo)
    floor_top = 430
    for plank, y in enumerate(range(floor_top, height, 95)):
        shade = rng.randint(-14, 14)
        base = (150 + shade, 108 + shade, 72 + shade)
        draw.rectangle((0, y, width, y + 95), fill=base)
        draw.line((0, y, width, y), fill=(96, 66, 42), width=3)
        offset = (plank * 530) % width
        draw.line((offset, y, offset, y + 95), fill=(104, 72, 46), width=3)
    shadow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(shadow).ellipse((330, 930, 1390, 1090), fill=150)
    shadow = shadow.filter(ImageFilter.GaussianBlur(40))
    photo.paste((40, 30, 20), (0, 0), shadow)
    front = [(400, 520), (1120, 520), (1120, 1000), (400, 1000)]
    top = [(400, 520), (1120, 520), (1290, 390), (570, 390)]
    side = [(1120, 520), (1290, 390), (1290, 860), (1120, 1000)]
    draw.polygon(front, fill=(194, 152, 106))
    draw.polygon(top, fill=(214, 176, 128))
    draw.polygon(side, fill=(158, 120, 80))
    draw.polygon([(835, 390), (905, 390), (735, 520), (665, 520)], fill=(200, 186, 150))
    # The crushed corner and a tear down the front face.
    draw.polygon(
        [(1010, 520), (1120, 520), (1290, 390), (1290, 520), (1120, 660), (1065, 600)],
        fill=(128, 94, 60),
    )
    draw.line([(1010, 520), (1065, 600), (1120, 660)], fill=(84, 60, 38), width=6)
    tear = [(520, 640)]
    for _ in range(9):
        last_x, last_y = tear[-1]
        tear.append((last_x + rng.randint(10, 30), last_y + rng.randint(15, 35)))
    draw.line(tear, fill=(70, 50, 32), width=9, joint="curve")
    label = (620, 720, 960, 900)
    draw.rectangle(label, fill=(236, 236, 230))
    warning, *rest = attachment.lines or ("FRAGILE",)
    draw.text((640, 735), warning, font=font("dejavu_bold", 44), fill=(190, 30, 30))
    for index, text in enumerate(rest):
        draw.text((640, 795 + index * 40), text, font=font("sans", 30), fill=(30, 30, 30))
    for bar in range(40):
        x = 640 + bar * 7
        if rng.random() < 0.6:
            draw.rectangle((x, 845, x + rng.randint(2, 4), 885), fill=(20, 20, 20))
    arr = np.asarray(photo, dtype=np.float32)
    yy, xx = np.mgrid[0:height, 0:width]
    vignette = 1.0 - 0.35 * (((xx - width / 2) / width) ** 2 + ((yy - height / 2) / height) ** 2)
    arr *= vignette[..., None]
    arr += numpy_rng(sample_id, "photo-noise").normal(0, 6, size=arr.shape)
    photo = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    # A hand-held phone is never level; cropping after the turn hides the empty corners.
    tilted = photo.rotate(rng.uniform(-4, 4), resample=Image.Resampling.BICUBIC)
    margin_x, margin_y = width // 16, height // 16
    cropped = tilted.crop((margin_x, margin_y, width - margin_x, height - margin_y))
    return cropped.resize((width, height), Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(1.1)
    )


def render_error_screenshot(attachment: Attachment) -> Image.Image:
    """A TV settings screen with an error dialog on top."""
    width, height = 1280, 720
    top_colour, bottom_colour = np.array([18, 32, 58]), np.array([6, 10, 20])
    ramp = np.linspace(0, 1, height)[:, None, None]
    gradient = top_colour * (1 - ramp) + bottom_colour * ramp
    shot = Image.fromarray(np.repeat(gradient, width, axis=1).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(shot)
    title, headline, *details = attachment.lines
    draw.text((60, 40), title, font=font("dejavu_bold", 34), fill=(230, 230, 235))
    draw.line((60, 95, width - 60, 95), fill=(80, 95, 120), width=2)
    for index, item in enumerate(("Network", "Picture", "Sound", "Support")):
        draw.text((60, 130 + index * 50), item, font=font("dejavu", 26), fill=(150, 160, 180))
    dialog = (250, 200, 1030, 560)
    draw.rounded_rectangle(dialog, 18, fill=(44, 46, 54), outline=(120, 124, 136), width=2)
    draw.ellipse((290, 240, 350, 300), fill=(206, 48, 48))
    draw.text((320, 270), "!", font=font("dejavu_bold", 44), fill="white", anchor="mm")
    draw.text((380, 250), headline, font=font("dejavu_bold", 30), fill="white")
    for index, text in enumerate(details):
        draw.text((380, 310 + index * 40), text, font=font("dejavu", 24), fill=(215, 215, 222))
    draw.rectangle((380, 420, 980, 440), outline=(150, 150, 160), width=2)
    draw.rectangle((382, 422, 382 + int(596 * 0.63), 438), fill=(70, 140, 220))
    draw.text((990, 430), "63%", font=font("dejavu", 20), fill=(200, 200, 210), anchor="rm")
    draw.rounded_rectangle((580, 480, 700, 530), 10, fill=(70, 140, 220))
    draw.text((640, 505), "OK", font=font("dejavu_bold", 26), fill="white", anchor="mm")
    return shot


def attachment_file(contact: SampleContact) -> tuple[bytes, str, str, str]:
    """The attached file as (bytes, maintype, subtype, filename)."""
    attachment = contact.attachment
    assert attachment is not None
    if attachment.kind == "invoice_pdf":
        page = render_invoice(attachment, contact.language)
        look = pick_scan_look(seeded(contact.id, "invoice"))
        page = scanned(page, replace(look, angle=look.angle / 3), numpy_rng(contact.id, "inv"))
        data = pdf_bytes([page], ATTACHMENT_DPI, Path(attachment.filename).stem)
        return data, "application", "pdf", attachment.filename
    if attachment.kind == "letter_pdf":
        heading, *paragraphs = attachment.lines
        closing = "Yours sincerely," if contact.language == "en" else "Z poważaniem"
        letter = replace(
            contact,
            subject=heading,
            body="\n\n".join([*paragraphs, closing]),
        )
        pages = render_letter(letter, ATTACHMENT_DPI)
        rng = seeded(contact.id, "attachment-scan")
        looks = [scanned(p, pick_scan_look(rng), numpy_rng(contact.id, "att")) for p in pages]
        data = pdf_bytes(looks, ATTACHMENT_DPI, Path(attachment.filename).stem)
        return data, "application", "pdf", attachment.filename
    if attachment.kind == "parcel_photo_jpeg":
        buffer = io.BytesIO()
        render_parcel_photo(attachment, contact.id).save(buffer, "JPEG", quality=80)
        return buffer.getvalue(), "image", "jpeg", attachment.filename
    if attachment.kind == "error_screenshot_png":
        buffer = io.BytesIO()
        render_error_screenshot(attachment).save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "image", "png", attachment.filename
    raise ValueError(f"{contact.id}: unknown attachment kind {attachment.kind!r}")


# --------------------------------------------------------------------------------------------
# E-mails
# --------------------------------------------------------------------------------------------

# Old mail clients writing ISO-8859-2 replace typographic punctuation that the charset lacks.
LATIN2_SUBSTITUTES = str.maketrans({"„": '"', "”": '"', "“": '"', "–": "-", "’": "'", "…": "..."})


def message_id(contact: SampleContact) -> str:
    digest = hashlib.sha1(f"{SEED}:{contact.id}".encode()).hexdigest()
    domain = contact.sender_email.split("@", 1)[1]
    return f"<{digest[:12]}.{digest[12:24]}@{domain}>"


def service_address(contact: SampleContact) -> tuple[str, str]:
    if contact.language == "pl":
        return "Vistula Home Electronics – Obsługa Klienta", SERVICE_ADDRESS_PL
    return "Vistula Home Electronics Customer Service", SERVICE_ADDRESS_EN


def mailer(contact: SampleContact) -> tuple[str, str] | None:
    rng = seeded(contact.id, "mailer")
    choices = (
        (
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.3.1",
        ),
        ("X-Mailer", "Apple Mail (2.3776.700.51)"),
        ("X-Mailer", "Microsoft Outlook 16.0"),
        None,
        None,
    )
    return rng.choice(choices)


def plain_paragraphs(contact: SampleContact) -> list[str]:
    paragraphs = list(contact.paragraphs)
    if contact.details and contact.email_format != "html":
        paragraphs.insert(-1, "\n".join(f"{key}: {value}" for key, value in contact.details))
    if needs_signature_line(contact):
        paragraphs.append(contact.sender_name)
    return paragraphs


def plain_text(contact: SampleContact) -> str:
    blocks = []
    for paragraph in plain_paragraphs(contact):
        if "\n" in paragraph:
            blocks.append(paragraph)
        else:
            blocks.append(textwrap.fill(paragraph, 72))
    text = "\n\n".join(blocks)
    if contact.reply_to:
        text += "\n\n" + quoted(contact_by_id(contact.reply_to), contact.language)
    return text + "\n"


def quoted(original: SampleContact, language: str) -> str:
    moment = local_time(original)
    if language == "pl":
        intro = (
            f"W dniu {moment:%d.%m.%Y} o {moment:%H:%M}, {original.sender_name} "
            f"<{original.sender_email}> pisze:"
        )
    else:
        intro = (
            f"On {moment.day} {EN_MONTHS[moment.month - 1][:3]} {moment.year}, at {moment:%H:%M}, "
            f"{original.sender_name} <{original.sender_email}> wrote:"
        )
    original_text = "\n\n".join(textwrap.fill(p, 70) for p in plain_paragraphs(original))
    lines = [f"> {line}".rstrip() for line in original_text.splitlines()]
    return intro + "\n" + "\n".join(lines)


def html_body(contact: SampleContact) -> str:
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in contact.paragraphs]
    table = ""
    if contact.details:
        rows = "\n".join(
            f'<tr><th align="left" style="background:#eef3f3;padding:6px 10px">'
            f"{html.escape(key)}</th>"
            f'<td style="padding:6px 10px">{html.escape(value)}</td></tr>'
            for key, value in contact.details
        )
        table = (
            '<table border="1" cellspacing="0" style="border-collapse:collapse;'
            f'border-color:#c8d3d3;margin:12px 0">\n{rows}\n</table>'
        )
    signature = (
        '<div class="signature" style="margin-top:18px;color:#555;font-size:13px">'
        f"-- <br><b>{html.escape(contact.sender_name)}</b><br>"
        f'<a href="mailto:{contact.sender_email}">{html.escape(contact.sender_email)}</a></div>'
    )
    reply = ""
    if contact.reply_to:
        original = contact_by_id(contact.reply_to)
        inner = "".join(f"<p>{html.escape(p)}</p>" for p in original.paragraphs)
        reply = (
            '<blockquote style="border-left:2px solid #ccc;margin:12px 0;padding-left:10px">'
            f"{inner}</blockquote>"
        )
    charset = contact.charset
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f"<title>{html.escape(contact.subject)}</title>\n</head>\n"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">\n'
        + "\n".join(paragraphs)
        + f"\n{table}\n{signature}\n{reply}\n</body>\n</html>\n"
    )


def build_utf8_email(contact: SampleContact) -> EmailMessage:
    msg = EmailMessage()
    add_common_headers_utf8(msg, contact)
    # Mail clients differ in how they carry UTF-8: raw 8-bit, quoted-printable or base64.
    cte = seeded(contact.id, "cte").choice(("8bit", "quoted-printable", "base64"))
    if contact.email_format == "html":
        msg.set_content(html_body(contact), subtype="html", charset="utf-8", cte=cte)
    else:
        msg.set_content(plain_text(contact), charset="utf-8", cte=cte)
        if contact.email_format == "alternative":
            msg.add_alternative(html_body(contact), subtype="html", charset="utf-8", cte=cte)
    if contact.attachment:
        data, maintype, subtype, filename = attachment_file(contact)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def add_common_headers_utf8(msg: EmailMessage, contact: SampleContact) -> None:
    local, domain = contact.sender_email.split("@", 1)
    service_name, service_email = service_address(contact)
    msg["From"] = Address(contact.sender_name, local, domain)
    to_local, to_domain = service_email.split("@", 1)
    msg["To"] = Address(service_name, to_local, to_domain)
    msg["Date"] = format_datetime(local_time(contact))
    msg["Subject"] = contact.subject
    msg["Message-ID"] = message_id(contact)
    add_thread_headers(msg, contact)
    header = mailer(contact)
    if header:
        msg[header[0]] = header[1]


def add_thread_headers(msg: Message, contact: SampleContact) -> None:
    if contact.reply_to:
        parent = message_id(contact_by_id(contact.reply_to))
        msg["In-Reply-To"] = parent
        msg["References"] = parent


def latin2(text: str, contact: SampleContact) -> str:
    converted = text.translate(LATIN2_SUBSTITUTES)
    try:
        converted.encode("iso-8859-2")
    except UnicodeEncodeError as error:
        bad = converted[error.start : error.end]
        raise ValueError(f"{contact.id}: {bad!r} cannot be written in ISO-8859-2") from error
    return converted


def build_latin2_email(contact: SampleContact) -> Message:
    """A message as an older Polish mail client writes it: ISO-8859-2 parts and RFC 2047
    encoded words in ISO-8859-2, built with the compat32 MIME classes."""
    text_part = MIMEText(latin2(plain_text(contact), contact), "plain", "iso-8859-2")
    html_part = MIMEText(latin2(html_body(contact), contact), "html", "iso-8859-2")
    body: Message
    if contact.email_format == "html":
        body = html_part
    elif contact.email_format == "alternative":
        body = MIMEMultipart("alternative", _subparts=[text_part, html_part])
    else:
        body = text_part
    msg: Message = body
    if contact.attachment:
        data, maintype, subtype, filename = attachment_file(contact)
        part = (
            MIMEImage(data, _subtype=subtype)
            if maintype == "image"
            else MIMEApplication(data, _subtype=subtype)
        )
        part.add_header("Content-Disposition", "attachment", filename=filename)
        msg = MIMEMultipart("mixed", _subparts=[body, part])
    service_name, service_email = service_address(contact)
    msg["From"] = formataddr(
        (latin2(contact.sender_name, contact), contact.sender_email), "iso-8859-2"
    )
    msg["To"] = formataddr((latin2(service_name, contact), service_email), "iso-8859-2")
    msg["Date"] = format_datetime(local_time(contact))
    msg["Subject"] = Header(latin2(contact.subject, contact), "iso-8859-2")
    msg["Message-ID"] = message_id(contact)
    add_thread_headers(msg, contact)
    header = mailer(contact)
    if header:
        msg[header[0]] = header[1]
    return msg


def fix_boundaries(msg: Message, contact: SampleContact) -> None:
    """The email package draws MIME boundaries at random; fixed ones keep reruns identical."""
    for number, part in enumerate(msg.walk()):
        if part.is_multipart():
            digest = hashlib.sha1(f"{contact.id}:{number}".encode()).hexdigest()[:20]
            part.set_boundary(f"----=_Part_{number}_{digest}")


def email_bytes(contact: SampleContact) -> bytes:
    if contact.charset == "iso-8859-2":
        msg = build_latin2_email(contact)
    else:
        msg = build_utf8_email(contact)
    fix_boundaries(msg, contact)
    return msg.as_bytes()


# --------------------------------------------------------------------------------------------
# Manifest and the run
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestRow:
    path: str
    channel: str
    kind: str
    language: str
    topic: str
    sentiment: str
    unit: str


def manifest_row(contact: SampleContact, path: Path, out_dir: Path) -> ManifestRow:
    return ManifestRow(
        path=path.relative_to(out_dir).as_posix(),
        channel="email" if contact.kind == "email" else "scan",
        kind=contact.kind,
        language=contact.language,
        topic=contact.topic,
        sentiment=contact.sentiment,
        unit=contact.unit,
    )


def write_manifest(rows: Iterable[ManifestRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_HEADER)
        for row in rows:
            writer.writerow([getattr(row, name) for name in MANIFEST_HEADER])


def clear_generated(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_file() and path.suffix in GENERATED_SUFFIXES:
            path.unlink()


def check_unique_ids(contacts: Sequence[SampleContact]) -> None:
    seen: set[str] = set()
    for contact in contacts:
        if contact.id in seen:
            raise ValueError(f"sample id {contact.id!r} is used twice in sample_contacts.py")
        seen.add(contact.id)


def generate(
    out_dir: Path, contacts: Sequence[SampleContact] = SAMPLE_CONTACTS
) -> list[ManifestRow]:
    check_unique_ids(contacts)
    email_dir, scans_dir = out_dir / "email", out_dir / "scans"
    clear_generated(email_dir)
    clear_generated(scans_dir)
    rows = []
    for contact in contacts:
        if contact.kind == "email":
            path = email_dir / f"{contact.id}.eml"
            path.write_bytes(email_bytes(contact))
        elif contact.kind == "letter":
            path = write_letter(contact, scans_dir)
        else:
            path = write_coupon(contact, scans_dir)
        rows.append(manifest_row(contact, path, out_dir))
        print(f"  {path.relative_to(out_dir)}", flush=True)
    write_manifest(rows, out_dir / "manifest.csv")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="folder to write into")
    args = parser.parse_args(argv)
    rows = generate(args.out)
    total = sum((args.out / row.path).stat().st_size for row in rows)
    print(f"wrote {len(rows)} samples ({total / 1e6:.1f} MB) and {args.out / 'manifest.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

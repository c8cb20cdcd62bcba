"""`intake ocr FILE`: what OCR read on each page, how sure it was, what a person should check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.config import ConfigError, Settings, load_settings
from ocr import (
    DocumentText,
    PageText,
    TesseractFailed,
    TesseractMissing,
    UnreadableDocument,
    read_document,
)
from ocr.preprocess import PreprocessOptions

console = Console()

# Tesseract's word confidence under which a word is worth a second look: misreadings cluster
# below 60, while clean print reads at 85-96.
DEFAULT_THRESHOLD = 60.0
LOW_STYLE = "bold black on yellow"


def register(app: typer.Typer) -> None:
    app.command("ocr")(ocr_command)


def ocr_command(
    file: Annotated[Path, typer.Argument(help="A scan: PDF, TIFF, PNG, JPEG, ...")],
    languages: Annotated[
        str | None,
        typer.Option("--languages", "-l", help="Tesseract languages (default: ocr_languages)."),
    ] = None,
    borders: Annotated[bool, typer.Option(help="Paint out dark scanner borders.")] = True,
    denoise: Annotated[bool, typer.Option(help="Smooth grain on noisy scans.")] = True,
    upscale: Annotated[bool, typer.Option(help="Enlarge pages with small print.")] = True,
    orientation: Annotated[bool, typer.Option(help="Turn pages on their side or head.")] = True,
    deskew: Annotated[bool, typer.Option(help="Level tilted text lines.")] = True,
    binarise: Annotated[bool, typer.Option(help="Adaptive black-and-white threshold.")] = False,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write the searchable PDF to this file.")
    ] = None,
    threshold: Annotated[
        float, typer.Option(min=0, max=100, help="Highlight words below this confidence (%).")
    ] = DEFAULT_THRESHOLD,
    config: ConfigOption = None,
) -> None:
    """Read a scan and print, page by page, the preprocessing, the text and its confidence."""
    settings = _settings(config)
    options = PreprocessOptions(
        borders=borders,
        denoise=denoise,
        upscale=upscale,
        orientation=orientation,
        deskew=deskew,
        binarise=binarise,
    )
    document = _read(file, settings, languages or settings.ocr_languages, options, pdf)
    for page in document.pages:
        print_page(page, threshold)
    console.print(
        f"{file.name}: {len(document.pages)} page(s), mean confidence {document.confidence:.1f}%"
    )
    if pdf is not None and document.pdf is not None:
        pdf.write_bytes(document.pdf)
        console.print(f"searchable PDF written to {escape(str(pdf))}")


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None


def _read(
    file: Path,
    settings: Settings,
    languages: str,
    options: PreprocessOptions,
    pdf: Path | None,
) -> DocumentText:
    try:
        data = file.read_bytes()
    except OSError as error:
        raise _fail(f"{file}: cannot read the file: {error.strerror or error}") from None
    try:
        return read_document(
            data,
            filename=file.name,
            languages=languages,
            max_pixels=settings.max_image_pixels,
            max_pages=settings.max_pages,
            options=options,
            want_pdf=pdf is not None,
        )
    except UnreadableDocument as error:
        raise _fail(f"{file}: {error.reason}") from None
    except (TesseractMissing, TesseractFailed) as error:
        raise _fail(f"{file}: {error}") from None


def print_page(page: PageText, threshold: float) -> None:
    size = f"{page.width}x{page.height} px" + (f", {page.dpi} dpi" if page.dpi else "")
    origin = "text layer" if page.source == "text_layer" else "OCR"
    console.rule(f"Page {page.number} ({origin}, {size})")
    if page.steps:
        console.print(steps_table(page))
    console.print(highlighted_text(page, threshold))
    low = [word for word in page.words if word.confidence < threshold]
    console.print(f"mean confidence {page.confidence:.1f}%, {len(page.words)} words")
    if low:
        listed = ", ".join(f"{word.text} ({word.confidence:.0f}%)" for word in low)
        console.print(f"{len(low)} word(s) below {threshold:.0f}% to check: ", end="")
        console.print(Text(listed, style=LOW_STYLE))


def steps_table(page: PageText) -> Table:
    table = Table("step", "applied", "seconds", "what it found and did", box=None)
    for step in page.steps:
        table.add_row(
            step.name, "yes" if step.applied else "no", f"{step.seconds:.2f}", escape(step.detail)
        )
    return table


def highlighted_text(page: PageText, threshold: float) -> Text:
    """The page text with its doubtful words marked. OCR text is built from the words in order
    with whitespace between them, so its tokens and the words line up one to one."""
    tokens = re.split(r"(\s+)", page.text)
    words = [token for token in tokens if token and not token.isspace()]
    text = Text()
    if len(words) != len(page.words):  # a text layer: no per-word confidence to show
        text.append(page.text)
        return text
    confidences = iter(page.words)
    for token in tokens:
        if not token or token.isspace():
            text.append(token)
            continue
        word = next(confidences)
        text.append(token, style=LOW_STYLE if word.confidence < threshold else "")
    return text

"""Forms on paper (coupons): which template a scan is, and its fields stored on the contact.

Templates and postal data load once per process; a site without postal data still reads its
letters, and says once in the log why coupons are not read field by field.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from intake.app import App
from ocr.forms import (
    Box,
    FormReading,
    FormTemplate,
    PostalDataError,
    PostalDirectory,
    TemplateError,
    load_templates,
    match_form,
    read_form,
)
from ocr.limits import Limits
from ocr.page_image import PageImage
from ocr.pages import load_pages
from workflow.models import Contact, ContactField, FieldStatus

log = logging.getLogger(__name__)
# Coupons are single cards; a longer document is a letter and not worth aligning.
MAX_FORM_PAGES = 2
_lock = threading.Lock()


@dataclass(frozen=True)
class FormKit:
    templates: tuple[FormTemplate, ...]
    postal: PostalDirectory


@cache
def _load_kit(forms_dir: Path, postal_dir: Path) -> FormKit | None:
    try:
        templates = load_templates(forms_dir)
    except (TemplateError, OSError) as error:
        log.warning("forms are not read field by field: %s", error)
        return None
    if not templates:
        return None
    countries = sorted({c for t in templates for c in t.countries})
    try:
        postal = PostalDirectory.from_folder(postal_dir, countries)
    except (PostalDataError, OSError) as error:
        log.warning("forms are not read field by field: %s", error)
        return None
    return FormKit(templates, postal)


def form_kit(app: App) -> FormKit | None:
    settings = app.settings
    if not settings.forms_dir.is_dir():
        return None
    with _lock:
        return _load_kit(settings.forms_dir.resolve(), settings.postal_data_dir.resolve())


def read_if_form(app: App, data: bytes, media_type: str) -> FormReading | None:
    """The form reading of a scan that matches a template, or None for a letter."""
    kit = form_kit(app)
    if kit is None:
        return None
    limits = Limits(max_pixels=app.settings.max_image_pixels, max_pages=MAX_FORM_PAGES)
    pages = []
    for page in load_pages(data, media_type, limits):
        if not isinstance(page, PageImage):
            return None
        pages.append(page.pixels)
        if len(pages) > MAX_FORM_PAGES:
            return None
    match = match_form(pages, kit.templates)
    if match is None:
        return None
    return read_form(pages[match.page_index], match.template, kit.postal, alignment=match.alignment)


def store_fields(app: App, contact: Contact, reading: FormReading) -> list[ContactField]:
    """One row per field, with its crop in the blob store for the verification screen."""
    threshold = app.settings.field_confidence_threshold
    contact.form = reading.template
    rows = []
    for field in reading.fields:
        rows.append(
            ContactField(
                contact_id=contact.id,
                name=field.name,
                kind=field.kind,
                value=field.value,
                read_value=field.read_value,
                confidence=round(field.confidence, 4),
                valid=field.valid,
                problem=field.problem,
                status=(
                    FieldStatus.CONFIDENT
                    if field.confident(threshold)
                    else FieldStatus.NEEDS_VERIFICATION
                ),
                suggestions=list(field.suggestions),
                box=_box(field.box),
                crop_sha256=app.blobs.put(field.crop_png) if field.crop_png else None,
            )
        )
    return rows


def _box(box: Box) -> dict[str, int]:
    return {"left": box.left, "top": box.top, "right": box.right, "bottom": box.bottom}


def form_text(reading: FormReading) -> str:
    """What the fields say, as lines a person (and the classifier) reads."""
    return "\n".join(f"{field.name}: {field.value}" for field in reading.fields if field.value)

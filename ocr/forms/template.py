"""Form templates: a reference image and the boxes to read, loaded from YAML with precise errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from PIL import Image

FieldKind = Literal["text", "digits", "postcode", "email", "phone", "date", "checkbox"]
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)
TEMPLATE_KEYS = {
    "name",
    "language",
    "ocr_language",
    "reference_image",
    "page",
    "countries",
    "fields",
}
FIELD_KEYS = {
    "name",
    "box",
    "type",
    "whitelist",
    "pattern",
    "town_field",
    "name_fields",
    "ocr_language",
}
# Digits and at most this many letters (the "VC" of a card number): a number field.
NUMBER_FIELD_LETTERS = 2
PAGE_KEYS = {"width", "height", "dpi"}


class TemplateError(ValueError):
    """A template that cannot be used; the message names the file, the field and the problem."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of the reference image; right and bottom lie just outside it."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def inset(self, margin: int) -> Box:
        return Box(self.left + margin, self.top + margin, self.right - margin, self.bottom - margin)


@dataclass(frozen=True)
class FieldSpec:
    """One box of a form and how to read and check what is written in it."""

    name: str
    box: Box
    kind: FieldKind
    whitelist: str  # characters Tesseract may answer with; empty for checkboxes
    pattern: str = ""  # a regular expression the whole value must match, when given
    town_field: str = ""  # for a postcode: the field holding its town
    ocr_language: str = ""  # Tesseract language for this field; empty: the form's
    # For an e-mail: the fields holding the writer's names, which most addresses are made of.
    name_fields: tuple[str, ...] = ()

    @property
    def is_number(self) -> bool:
        """Written in digits (a phone, a card number): read from a black-and-white crop."""
        if self.kind in ("phone", "digits"):
            return True
        letters = sum(character.isalpha() for character in self.whitelist)
        digits = set("0123456789") <= set(self.whitelist)
        return self.kind == "text" and digits and letters <= NUMBER_FIELD_LETTERS


@dataclass(frozen=True)
class FormTemplate:
    name: str
    language: str  # the form's language, e.g. "en"
    ocr_language: str  # Tesseract's name for it, e.g. "eng"
    reference_image: Path
    width: int
    height: int
    dpi: int
    countries: tuple[str, ...]  # ISO codes whose postcodes the form may carry
    fields: tuple[FieldSpec, ...]
    source: Path

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"template {self.name!r} has no field {name!r}")


def load_templates(folder: Path) -> tuple[FormTemplate, ...]:
    """Every `*.yaml` template of a folder, in name order."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise TemplateError(folder, "", "no form templates (*.yaml) in this folder")
    return tuple(load_template(path) for path in paths)


def load_template(path: Path) -> FormTemplate:
    """Load and check one template; raises TemplateError naming the file, field and problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(path, "", f"cannot be read: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise TemplateError(path, where, f"not valid YAML: {problem}") from error
    if not isinstance(data, dict):
        raise TemplateError(path, "", "must be a mapping with name, reference_image, page, fields")
    _no_unknown_keys(path, "", data, TEMPLATE_KEYS)
    page = _mapping(path, "page", data.get("page"))
    _no_unknown_keys(path, "page", page, PAGE_KEYS)
    width = _positive_int(path, "page.width", page.get("width"))
    height = _positive_int(path, "page.height", page.get("height"))
    dpi = _positive_int(path, "page.dpi", page.get("dpi", 300))
    reference = _reference_image(path, data.get("reference_image"), width, height)
    fields = _fields(path, data.get("fields"), width, height)
    countries = data.get("countries", [])
    if not isinstance(countries, list) or not all(
        isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code) for code in countries
    ):
        raise TemplateError(path, "countries", "must be a list of two-letter codes like [PL]")
    if any(spec.kind == "postcode" for spec in fields) and not countries:
        raise TemplateError(path, "countries", "a form with a postcode field must name countries")
    return FormTemplate(
        name=_text(path, "name", data.get("name")),
        language=_text(path, "language", data.get("language")),
        ocr_language=_text(path, "ocr_language", data.get("ocr_language", "eng")),
        reference_image=reference,
        width=width,
        height=height,
        dpi=dpi,
        countries=tuple(countries),
        fields=fields,
        source=path,
    )


def _fields(path: Path, raw: object, width: int, height: int) -> tuple[FieldSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise TemplateError(path, "fields", "must be a non-empty list of fields")
    specs: list[FieldSpec] = []
    for index, item in enumerate(raw):
        where = f"fields[{index}]"
        if not isinstance(item, dict):
            raise TemplateError(path, where, "must be a mapping with name, box and type")
        if isinstance(item.get("name"), str):
            where = f"fields[{index}] {item['name']!r}"
        specs.append(_field(path, where, item, width, height))
    names = [spec.name for spec in specs]
    for index, spec in enumerate(specs):
        if names.index(spec.name) != index:
            raise TemplateError(path, f"fields[{index}] {spec.name!r}", "the name is used twice")
        if spec.town_field and spec.town_field not in names:
            raise TemplateError(
                path,
                f"fields[{index}] {spec.name!r}",
                f"town_field {spec.town_field!r} is not a field of this form",
            )
        for named in spec.name_fields:
            if named not in names:
                raise TemplateError(
                    path,
                    f"fields[{index}] {spec.name!r}",
                    f"name_fields: {named!r} is not a field of this form",
                )
    return tuple(specs)


def _field(path: Path, where: str, item: Mapping[str, Any], width: int, height: int) -> FieldSpec:
    _no_unknown_keys(path, where, item, FIELD_KEYS)
    name = _text(path, f"{where}.name", item.get("name"))
    kind = item.get("type")
    if kind not in FIELD_KINDS:
        raise TemplateError(path, where, f"type {kind!r} is not one of {', '.join(FIELD_KINDS)}")
    box = _box(path, where, item.get("box"), width, height)
    whitelist = item.get("whitelist", "")
    if kind != "checkbox" and (not isinstance(whitelist, str) or not whitelist.strip()):
        raise TemplateError(path, where, "whitelist must list the characters the field may hold")
    pattern = item.get("pattern", "")
    if not isinstance(pattern, str):
        raise TemplateError(path, where, "pattern must be a regular expression in quotes")
    try:
        re.compile(pattern)
    except re.error as error:
        raise TemplateError(path, where, f"pattern is not a regular expression: {error}") from error
    town_field = item.get("town_field", "")
    if town_field and kind != "postcode":
        raise TemplateError(path, where, "only a postcode field can name a town_field")
    name_fields = item.get("name_fields", [])
    if not isinstance(name_fields, list) or not all(isinstance(n, str) for n in name_fields):
        raise TemplateError(path, where, "name_fields must be a list of field names")
    if name_fields and kind != "email":
        raise TemplateError(path, where, "only an email field can name name_fields")
    ocr_language = item.get("ocr_language", "")
    if not isinstance(ocr_language, str):
        raise TemplateError(path, where, "ocr_language must be a Tesseract language like eng")
    return FieldSpec(
        name=name,
        box=box,
        kind=kind,
        whitelist=str(whitelist),
        pattern=pattern,
        town_field=str(town_field),
        ocr_language=ocr_language,
        name_fields=tuple(name_fields),
    )


def _box(path: Path, where: str, raw: object, width: int, height: int) -> Box:
    if not (
        isinstance(raw, list)
        and len(raw) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in raw)
    ):
        raise TemplateError(
            path, where, f"box must be four integers [left, top, right, bottom], got {raw!r}"
        )
    box = Box(*raw)
    if box.width <= 0 or box.height <= 0:
        raise TemplateError(path, where, f"box {raw} is empty (right <= left or bottom <= top)")
    if box.left < 0 or box.top < 0 or box.right > width or box.bottom > height:
        raise TemplateError(path, where, f"box {raw} lies outside the {width}x{height} page")
    return box


def _reference_image(path: Path, raw: object, width: int, height: int) -> Path:
    name = _text(path, "reference_image", raw)
    image = (path.parent / name).resolve()
    if not image.is_file():
        raise TemplateError(path, "reference_image", f"{name!r} not found next to the template")
    try:
        with Image.open(image) as opened:
            size = opened.size
    except (OSError, Image.DecompressionBombError) as error:
        raise TemplateError(path, "reference_image", f"{name!r} is no image: {error}") from error
    if size != (width, height):
        raise TemplateError(
            path,
            "reference_image",
            f"{name!r} is {size[0]}x{size[1]} pixels but the page is {width}x{height}",
        )
    return image


def _no_unknown_keys(path: Path, where: str, data: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise TemplateError(
            path,
            where,
            f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})",
        )


def _mapping(path: Path, where: str, raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise TemplateError(path, where, "must be a mapping")
    return raw


def _text(path: Path, where: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise TemplateError(path, where, "must be a non-empty text")
    return raw


def _positive_int(path: Path, where: str, raw: object) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw <= 0:
        raise TemplateError(path, where, f"must be a positive integer, got {raw!r}")
    return raw

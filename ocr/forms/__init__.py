"""Forms such as loyalty coupons: templates, alignment, field-by-field reading, validation.

Pure: grayscale page arrays and template files in, frozen dataclasses out.
"""

from ocr.forms.align import Alignment, align
from ocr.forms.field_ocr import FieldOcrUnavailable
from ocr.forms.match import MIN_MATCH_SCORE, match_form
from ocr.forms.models import DEFAULT_CONFIDENCE_THRESHOLD, FieldReading, FormMatch, FormReading
from ocr.forms.postal import PostalDataError, PostalDirectory
from ocr.forms.reading import FormNotAligned, read_form
from ocr.forms.template import (
    Box,
    FieldSpec,
    FormTemplate,
    TemplateError,
    load_template,
    load_templates,
)

__all__ = [
    "DEFAULT_CONFIDENCE_THRESHOLD",
    "MIN_MATCH_SCORE",
    "Alignment",
    "Box",
    "FieldOcrUnavailable",
    "FieldReading",
    "FieldSpec",
    "FormMatch",
    "FormNotAligned",
    "FormReading",
    "FormTemplate",
    "PostalDataError",
    "PostalDirectory",
    "TemplateError",
    "align",
    "load_template",
    "load_templates",
    "match_form",
    "read_form",
]

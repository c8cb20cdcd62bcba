"""Is a page a known form, and which one? The best alignment score over all templates tells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ocr.forms.align import align
from ocr.forms.models import FormMatch
from ocr.forms.template import FormTemplate

# Measured: a sample coupon scores 0.985-0.997 against its own template and
# 0.958-0.968 against the other language's; letters never align at all.
MIN_MATCH_SCORE = 0.75


def match_form(
    pages: Sequence[np.ndarray],
    templates: Sequence[FormTemplate],
    *,
    min_score: float = MIN_MATCH_SCORE,
) -> FormMatch | None:
    """The best (page, template) pair scoring at least `min_score`, or None for a letter."""
    best: FormMatch | None = None
    for index, page in enumerate(pages):
        for template in templates:
            alignment = align(page, template)
            if alignment is None or alignment.score < min_score:
                continue
            if best is None or alignment.score > best.score:
                best = FormMatch(page_index=index, template=template, alignment=alignment)
    return best

"""Images and PDFs in, text with words, boxes and confidences out. Knows nothing else."""

from ocr.models import DocumentText, PageText, UnreadableDocument, Word
from ocr.read import read_document
from ocr.sniff import sniff_media_type
from ocr.tesseract import TesseractFailed, TesseractMissing, tesseract_available

__all__ = [
    "DocumentText",
    "PageText",
    "TesseractFailed",
    "TesseractMissing",
    "UnreadableDocument",
    "Word",
    "read_document",
    "sniff_media_type",
    "tesseract_available",
]

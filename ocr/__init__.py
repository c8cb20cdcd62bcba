"""Images and PDFs in, text with words, boxes and confidences out. Knows nothing else."""

from ocr.batch_files import SPLITTABLE, BatchPart, BatchSplit, split_batch_file
from ocr.batches import SeparatedDocument, split_batch
from ocr.blank_page import is_blank
from ocr.models import DocumentText, PageText, StepRecord, UnreadableDocument, Word
from ocr.page_image import PageImage
from ocr.preprocess import PreprocessOptions
from ocr.read import read_document
from ocr.searchable_pdf import searchable_pdf
from ocr.separator import DEFAULT_SEPARATOR, is_separator
from ocr.sniff import sniff_media_type
from ocr.tesseract import TesseractFailed, TesseractMissing, tesseract_available

__all__ = [
    "DEFAULT_SEPARATOR",
    "SPLITTABLE",
    "BatchPart",
    "BatchSplit",
    "DocumentText",
    "PageImage",
    "PageText",
    "PreprocessOptions",
    "SeparatedDocument",
    "StepRecord",
    "TesseractFailed",
    "TesseractMissing",
    "UnreadableDocument",
    "Word",
    "is_blank",
    "is_separator",
    "read_document",
    "searchable_pdf",
    "sniff_media_type",
    "split_batch",
    "split_batch_file",
    "tesseract_available",
]

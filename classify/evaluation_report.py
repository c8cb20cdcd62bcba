"""An evaluation written to files: the confusion matrix as CSV and as a PNG heat map, and the
calibration table as CSV. Drawn with Pillow, which Intake has anyway, rather than a plotting
library."""

import csv
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from classify.evaluation import Evaluation

_CELL = 22
_MAX_LABEL_CHARS = 28


def write_confusion_csv(evaluation: Evaluation, path: Path) -> Path:
    """Rows are the gold labels, columns the predicted ones."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gold \\ predicted", *evaluation.labels])
        for label, row in zip(evaluation.labels, evaluation.matrix, strict=True):
            writer.writerow([label, *row])
    return path


def write_calibration_csv(evaluation: Evaluation, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "count", "mean_confidence", "accuracy"])
        for b in evaluation.calibration:
            writer.writerow(
                [f"{b.low:.1f}", f"{b.high:.1f}", b.count, f"{b.mean_confidence:.4f}",
                 f"{b.accuracy:.4f}"]
            )  # fmt: skip
    return path


def draw_confusion_png(evaluation: Evaluation, path: Path) -> Path:
    """A heat map of the row-normalised matrix (the share of each gold label predicted as each
    label), so a rare label's confusions show as clearly as a frequent one's."""
    font = _font()
    labels = [label[:_MAX_LABEL_CHARS] for label in evaluation.labels]
    margin = max(int(font.getlength(label)) for label in labels) + 12
    size = len(labels) * _CELL
    image = Image.new("RGB", (margin + size + 10, margin + size + 10), "white")
    draw = ImageDraw.Draw(image)
    for i, row in enumerate(evaluation.matrix):
        total = sum(row) or 1
        for j, count in enumerate(row):
            share = count / total
            # White through orange to dark red.
            colour = (255 - int(80 * share), int(255 * (1 - share) ** 1.5), int(255 * (1 - share)))
            x, y = margin + j * _CELL, margin + i * _CELL
            draw.rectangle([x, y, x + _CELL - 1, y + _CELL - 1], fill=colour, outline="#dddddd")
            if count and len(labels) <= 40:
                draw.text((x + 3, y + 5), str(count), fill="black", font=font)
    for i, label in enumerate(labels):
        draw.text((4, margin + i * _CELL + 5), label, fill="black", font=font)
    # Predicted labels along the top, written upwards.
    column = Image.new("RGB", (margin, size), "white")
    column_draw = ImageDraw.Draw(column)
    for j, label in enumerate(labels):
        column_draw.text((4, j * _CELL + 5), label, fill="black", font=font)
    image.paste(column.rotate(90, expand=True), (margin, 0))
    image.save(path, format="PNG")
    return path


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", 11)
    except OSError:
        return ImageFont.load_default()

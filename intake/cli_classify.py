"""`intake classify train|evaluate|retrain|versions`: the classifiers, for whoever trains them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from classify import (
    Evaluation,
    ExampleFileError,
    ModelLoadError,
    TextClassifier,
    TrainingReport,
    load_examples,
    train_text_classifier,
)
from classify.evaluation import evaluate_classifier
from classify.evaluation_report import (
    draw_confusion_png,
    write_calibration_csv,
    write_confusion_csv,
)
from intake.app import open_app
from intake.classifiers import retrain, versions
from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.config import ConfigError, Settings, load_settings
from intake.corrections import correction_examples

console = Console()
classify_app = typer.Typer(help="Train, evaluate and version the topic and sentiment models.")

DataOption = Annotated[Path, typer.Option("--data", help="Labelled examples: .csv or .jsonl.")]
TextColumn = Annotated[str, typer.Option("--text-column", help="Column (or key) of the text.")]
LabelColumn = Annotated[str, typer.Option("--label-column", help="Column (or key) of the label.")]


def register(app: typer.Typer) -> None:
    app.add_typer(classify_app, name="classify")


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None


@classify_app.command("train")
def train(
    data: DataOption,
    text_column: TextColumn,
    label_column: LabelColumn,
    out: Annotated[Path, typer.Option("--out", help="Folder the model is saved to.")],
    language: Annotated[
        str, typer.Option(help="spaCy language of the tokenizer: en, pl, ... or xx (any).")
    ] = "xx",
    seed: Annotated[int, typer.Option(help="Seed: the same data and seed, the same model.")] = 0,
    target_precision: Annotated[
        float, typer.Option(help="Precision the per-label thresholds are chosen for.")
    ] = 0.9,
    max_epochs: Annotated[int, typer.Option(help="Epochs at most (early stopping).")] = 30,
    sentence_vectors: Annotated[
        bool, typer.Option(help="Also read a sentence encoder's vector (slower, more accurate).")
    ] = True,
) -> None:
    """Train a classifier on any labelled CSV or JSONL file and save it to --out."""
    try:
        examples = load_examples(data, text_column, label_column)
    except ExampleFileError as error:
        raise _fail(str(error)) from None
    console.print(f"{len(examples)} examples from {escape(str(data))}; training...")

    def epoch_done(epoch: int, accuracy: float | None) -> None:
        shown = "-" if accuracy is None else f"{accuracy:.2%}"
        console.print(f"  epoch {epoch}: dev accuracy {shown}")

    try:
        report = train_text_classifier(
            examples,
            out,
            seed=seed,
            lang=language,
            target_precision=target_precision,
            max_epochs=max_epochs,
            on_epoch=epoch_done,
            sentence_vectors=sentence_vectors,
        )
    except ValueError as error:
        raise _fail(f"{data}: {error}") from None
    print_training(str(out), report)


def print_training(name: str, report: TrainingReport) -> None:
    accuracy = "n/a" if report.dev_accuracy is None else f"{report.dev_accuracy:.2%}"
    console.print(
        f"Saved {escape(name)}: {len(report.labels)} labels, {report.train_size} train / "
        f"{report.dev_size} dev examples, dev accuracy {accuracy} at epoch {report.best_epoch}, "
        f"weights learnt from {report.trained_on} examples, {report.seconds:.1f} s"
    )
    vector_loss, ngram_loss = report.vector_dev_log_loss, report.ngram_dev_log_loss
    if vector_loss is not None and ngram_loss is not None:
        # The same rule as training's: the vectors stay when they lower the dev log loss.
        kept = vector_loss < ngram_loss
        console.print(
            f"  dev log loss (accuracy) with sentence vectors {vector_loss:.4f} "
            f"({report.vector_dev_accuracy:.2%}), n-grams alone {ngram_loss:.4f} "
            f"({report.ngram_dev_accuracy:.2%}): "
            + ("vectors kept, for the texts the n-grams are unsure of" if kept else "n-grams only")
        )


@classify_app.command("evaluate")
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="A model folder (from train).")],
    data: DataOption,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    report_dir: Annotated[
        Path | None,
        typer.Option(help="Where the CSV and PNG files go (default: <model>/evaluation)."),
    ] = None,
) -> None:
    """Accuracy, macro-F1, per-label P/R/F1, confusion matrix (CSV, PNG), calibration table."""
    try:
        classifier = TextClassifier.load(model)
        examples = load_examples(data, text_column, label_column)
    except (ModelLoadError, ExampleFileError) as error:
        raise _fail(str(error)) from None
    if not examples:
        raise _fail(f"{data}: no examples")
    evaluation = evaluate_classifier(
        classifier, [e.text for e in examples], [e.label for e in examples]
    )
    folder = report_dir or model / "evaluation"
    folder.mkdir(parents=True, exist_ok=True)
    print_evaluation(evaluation, len(examples))
    for path in (
        write_confusion_csv(evaluation, folder / "confusion.csv"),
        draw_confusion_png(evaluation, folder / "confusion.png"),
        write_calibration_csv(evaluation, folder / "calibration.csv"),
    ):
        console.print(f"Wrote {escape(str(path))}")


def print_evaluation(evaluation: Evaluation, count: int) -> None:
    console.print(
        f"{count} examples: accuracy {evaluation.accuracy:.2%}, macro-F1 {evaluation.macro_f1:.4f}"
    )
    table = Table("label", "precision", "recall", "F1", "support")
    for s in evaluation.per_label:
        table.add_row(
            escape(s.label), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    console.print(table)
    calibration = Table("confidence", "count", "mean confidence", "accuracy", title="Calibration")
    for b in evaluation.calibration:
        calibration.add_row(
            f"{b.low:.1f}-{b.high:.1f}",
            str(b.count),
            f"{b.mean_confidence:.3f}",
            f"{b.accuracy:.3f}",
        )
    console.print(calibration)


@classify_app.command("retrain")
def retrain_command(config: ConfigOption = None) -> None:
    """Train a new model version on the training files plus the corrections people made."""
    settings = _settings(config)
    application = open_app(settings)
    try:
        with application.sessions() as session:
            corrections = correction_examples(session, settings.language_list)
    finally:
        application.close()
    count = sum(len(examples) for examples in corrections.values())
    console.print(f"{count} stored correction(s); training a new version...")
    version = retrain(
        settings, corrections, on_train=lambda name, report: print_training(name, report)
    )
    console.print(f"Trained version {version} in {settings.resolved_model_dir}.")
    if settings.classifier_version:
        console.print(
            f"The configuration pins classifier_version = {settings.classifier_version!r}; "
            f"set it to {version!r} (or empty, for the newest) to use the new version."
        )
    else:
        console.print("classifier_version is empty, so the newest version is active from now on.")


@classify_app.command("versions")
def versions_command(config: ConfigOption = None) -> None:
    """The model versions, and which one is active."""
    settings = _settings(config)
    known = versions(settings.resolved_model_dir)
    active = settings.classifier_version or (known[-1] if known else "")
    for version in known:
        console.print(f"{'*' if version == active else ' '} {version}")
    if not known:
        console.print("No versions yet: `intake init` trains the first one.")

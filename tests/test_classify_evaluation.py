"""Evaluation figures against a confusion matrix worked out by hand, thresholds for a target
precision, and the `intake classify train|evaluate` commands on a CSV they have never seen."""

import csv
from pathlib import Path

import pytest
from PIL import Image

from classify import evaluate_predictions
from classify.thresholds import UNTRUSTED, choose_thresholds, is_trusted
from tests.cli_runner import run_intake
from tests.conftest import SHARED_DATA

# Gold and predicted labels of nine examples. By hand, rows gold, columns predicted:
#            billing claim delivery
# billing       2      1      0
# claim         0      3      1
# delivery      1      0      1
GOLD = ["billing"] * 3 + ["claim"] * 4 + ["delivery"] * 2
PREDICTED = ["billing", "billing", "claim", "claim", "claim", "claim", "delivery"]
PREDICTED += ["billing", "delivery"]
SCORES = [0.95, 0.85, 0.55, 0.9, 0.8, 0.75, 0.45, 0.35, 0.65]


def test_evaluation_agrees_with_the_hand_computed_confusion_matrix() -> None:
    evaluation = evaluate_predictions(GOLD, PREDICTED, SCORES)
    assert evaluation.labels == ("billing", "claim", "delivery")
    assert evaluation.matrix == ((2, 1, 0), (0, 3, 1), (1, 0, 1))
    assert evaluation.accuracy == pytest.approx(6 / 9)
    billing, claim, delivery = evaluation.per_label
    # billing: 2 right of 3 predicted, 2 found of 3 gold.
    assert (billing.precision, billing.recall, billing.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    # claim: 3 of 4 predicted, 3 of 4 gold; delivery: 1 of 2 predicted, 1 of 2 gold.
    assert (claim.precision, claim.recall, claim.f1) == pytest.approx((0.75, 0.75, 0.75))
    assert (delivery.precision, delivery.recall, delivery.f1) == pytest.approx((0.5, 0.5, 0.5))
    assert [s.support for s in evaluation.per_label] == [3, 4, 2]
    assert evaluation.macro_f1 == pytest.approx((2 / 3 + 0.75 + 0.5) / 3)


def test_the_calibration_table_groups_predictions_by_confidence() -> None:
    evaluation = evaluate_predictions(GOLD, PREDICTED, SCORES)
    table = {(round(b.low, 1), b.count, round(b.accuracy, 4)) for b in evaluation.calibration}
    # 0.3-0.4: 0.35 wrong; 0.4-0.5: 0.45 wrong; 0.5-0.6: 0.55 wrong; 0.6-0.7: 0.65 right;
    # 0.7-0.8: 0.75 right; 0.8-0.9: 0.85, 0.8 right; 0.9-1.0: 0.95, 0.9 right.
    assert table == {
        (0.3, 1, 0.0), (0.4, 1, 0.0), (0.5, 1, 0.0), (0.6, 1, 1.0), (0.7, 1, 1.0),
        (0.8, 2, 1.0), (0.9, 2, 1.0),
    }  # fmt: skip


def test_thresholds_are_the_lowest_scores_that_keep_the_target_precision() -> None:
    thresholds = choose_thresholds(
        ["billing", "claim", "delivery"], PREDICTED, SCORES, GOLD, target=0.9
    )
    # billing predictions by score: 0.95 right, 0.85 right, 0.35 wrong -> precision holds to 0.85.
    # claim: 0.9, 0.8, 0.75 right, 0.55 wrong -> 0.75. delivery: 0.65 right, 0.45 wrong -> 0.65.
    assert thresholds == {"billing": 0.85, "claim": 0.75, "delivery": 0.65}
    assert is_trusted("claim", 0.75, thresholds) and not is_trusted("claim", 0.74, thresholds)
    # A label whose best prediction is already wrong can never reach the target.
    assert choose_thresholds(["x", "y"], ["x"], [0.99], ["y"], 0.9)["x"] == UNTRUSTED


@pytest.mark.slow
def test_train_and_evaluate_a_csv_the_trainer_has_never_seen(tmp_path: Path) -> None:
    # The CFPB complaints with the organisation's own column names and a semicolon-free header.
    source = SHARED_DATA / "text" / "cfpb_complaints_sample"
    for split in ("train", "test"):
        with (source / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
            rows = [(r["text"], r["product"]) for r in csv.DictReader(handle)]
        with (tmp_path / f"{split}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Beschwerde", "Produktgruppe"])
            writer.writerows(rows[:400] if split == "train" else rows[:120])
    model = tmp_path / "model"
    columns = ["--text-column", "Beschwerde", "--label-column", "Produktgruppe"]
    trained = run_intake(
        tmp_path, "classify", "train", "--data", str(tmp_path / "train.csv"), *columns,
        "--out", str(model), "--max-epochs", "8",
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert "400 examples" in trained.stdout and "dev accuracy" in trained.stdout
    evaluated = run_intake(
        tmp_path, "classify", "evaluate", "--model", str(model),
        "--data", str(tmp_path / "test.csv"), *columns,
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stderr
    assert "120 examples: accuracy" in evaluated.stdout and "macro-F1" in evaluated.stdout
    assert "Credit reporting" in evaluated.stdout and "Calibration" in evaluated.stdout
    with (model / "evaluation" / "confusion.csv").open(encoding="utf-8") as handle:
        matrix = list(csv.reader(handle))
    assert sum(int(cell) for row in matrix[1:] for cell in row[1:]) == 120
    with Image.open(model / "evaluation" / "confusion.png") as image:
        assert image.format == "PNG" and image.width > 100
    assert (model / "evaluation" / "calibration.csv").read_text().startswith("from,to,count")


@pytest.mark.slow
def test_training_on_a_file_without_the_named_column_says_which_is_missing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "mail.csv"
    data.write_text("body,category\nwhere is my parcel,delivery\n", encoding="utf-8")
    result = run_intake(
        tmp_path, "classify", "train", "--data", str(data), "--text-column", "text",
        "--label-column", "category", "--out", str(tmp_path / "m"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "mail.csv: missing column 'text'" in result.stderr

"""Classification benchmark: Intake's classifier beside a TF-IDF + logistic regression baseline.

For each data set of `../shared/data/text/` the classifier is trained through the same function
as `intake classify train` and scored as `intake classify evaluate` scores it; the baseline
(scikit-learn, word 1-2-grams + character 2-5-grams, from the `dev` extra) is trained and scored
in the same run on the same split. Then the production path is timed: language detection, topic,
sentiment and entities together, with the models `intake init` trains from `samples/training/`.

    .venv/bin/python benchmarks/classify.py                 # all three data sets
    .venv/bin/python benchmarks/classify.py --only clinc150 --train-limit 3000
    .venv/bin/python benchmarks/classify.py --production-only
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classify import (  # noqa: E402
    Example,
    TextClassifier,
    detect_language,
    evaluate_predictions,
    find_entities,
    load_examples,
    train_text_classifier,
)
from classify.evaluation import evaluate_classifier  # noqa: E402
from classify.sentence_embedding import forget_vectors  # noqa: E402
from intake.classifiers import ensure_classifiers, training_files  # noqa: E402
from intake.config import Settings  # noqa: E402

TEXT = REPO.parent / "shared" / "data" / "text"


@dataclass(frozen=True)
class DataSet:
    name: str
    folder: str
    label: str
    language: str
    # The official validation split, when the data set has one: then it is the dev set.
    dev_file: str | None = None


DATA_SETS = (
    DataSet("clinc150", "clinc150", "intent", "en", "val.csv"),
    DataSet("clothing-sentiment", "womens_clothing_reviews_sentiment", "label", "en"),
    DataSet("cfpb-product", "cfpb_complaints_sample", "product", "en"),
)


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float
    train_seconds: float
    # CPU time of training: on a shared machine it moves less than the wall time.
    train_cpu_seconds: float
    per_second: float


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_intake(data: DataSet, train: list[Example], dev: list[Example] | None, test) -> Scores:
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        train_text_classifier(train, Path(folder), lang=data.language, dev_examples=dev)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        loading = time.perf_counter()
        model = TextClassifier.load(folder)
        print(f"  intake model load {time.perf_counter() - loading:.2f} s")
        started = time.perf_counter()
        evaluation = evaluate_classifier(model, [e.text for e in test], [e.label for e in test])
        per_second = len(test) / (time.perf_counter() - started)
    return Scores(evaluation.accuracy, evaluation.macro_f1, seconds, cpu, per_second)


def run_baseline(train: list[Example], test: list[Example]) -> Scores:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    started, cpu = time.perf_counter(), time.process_time()
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    model = make_pipeline(features, LogisticRegression(C=10, max_iter=2000))
    model.fit([e.text for e in train], [e.label for e in train])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    probabilities = model.predict_proba([e.text for e in test])
    per_second = len(test) / (time.perf_counter() - started)
    classes = list(model.classes_)
    predicted = [classes[row.argmax()] for row in probabilities]
    evaluation = evaluate_predictions(
        [e.label for e in test], predicted, [float(row.max()) for row in probabilities]
    )
    return Scores(evaluation.accuracy, evaluation.macro_f1, seconds, cpu, per_second)


def benchmark_data_set(data: DataSet, train_limit: int | None) -> tuple[Scores, Scores, float]:
    folder = TEXT / data.folder
    train = load_examples(folder / "train.csv", "text", data.label)[:train_limit]
    test = load_examples(folder / "test.csv", "text", data.label)
    dev = load_examples(folder / data.dev_file, "text", data.label) if data.dev_file else None
    print(f"{data.name}: {len(train)} train, {len(dev or [])} dev, {len(test)} test", flush=True)
    baseline = run_baseline(train, test)
    ours = run_intake(data, train, dev, test)
    return ours, baseline, peak_mb()


def production_throughput(rounds: int, sentence_vectors: bool) -> tuple[float, float, float]:
    """Contacts/s for language + topic + sentiment + entities, the load time of a model
    version, and the process's peak memory (MB)."""
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(
            home=Path(home),
            training_dir=REPO / "samples" / "training",
            classifier_sentence_vectors=sentence_vectors,
        )
        settings = replace(settings, org_dir=REPO / "samples" / "org")
        ensure_classifiers(settings)
        started = time.perf_counter()
        models = ensure_classifiers(settings)
        # The sentence encoder loads once per process, on the first text it embeds.
        models.topic.predict(["warm-up"], ["en"])
        load_seconds = time.perf_counter() - started
        texts = []
        for path in training_files(settings.training_dir):
            texts += [e.text for e in load_examples(path, "text", "topic")]
        seconds = 0.0
        for _ in range(rounds):
            # Each contact arrives once: no round may find its sentence vectors cached.
            forget_vectors()
            started = time.perf_counter()
            languages = [detect_language(t, settings.language_list).code for t in texts]
            models.topic.predict(texts, languages)
            models.sentiment.predict(texts, languages)
            for text in texts:
                find_entities(text, models.references)
            seconds += time.perf_counter() - started
        per_second = len(texts) * rounds / seconds
    return per_second, load_seconds, peak_mb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=[d.name for d in DATA_SETS], action="append")
    parser.add_argument("--train-limit", type=int, default=None, help="first N training rows")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the sample corpus")
    parser.add_argument(
        "--production-only", action="store_true", help="skip the data sets (a quick check)"
    )
    args = parser.parse_args()
    # First, while the process holds nothing else: its peak memory is then the production path's.
    per_second, load_seconds, production_memory = production_throughput(args.rounds, True)
    print(f"production path measured, peak {production_memory:.0f} MB", flush=True)
    # The same without the sentence encoder (`classifier_sentence_vectors = false`).
    ngrams_per_second, ngrams_load_seconds, _ = production_throughput(args.rounds, False)
    rows = []
    for data in DATA_SETS:
        if args.production_only or (args.only and data.name not in args.only):
            continue
        ours, baseline, memory = benchmark_data_set(data, args.train_limit)
        rows.append((data.name, ours, baseline, memory))
        print(
            f"  intake   {ours}\n  baseline {baseline}\n  peak memory {memory:.0f} MB", flush=True
        )
    print()
    print("| data set | Intake accuracy | baseline accuracy | Intake macro-F1 | baseline macro-F1 "
          "| training s (ratio to baseline) | training CPU s (ratio) | predictions/s (ratio) "
          "| peak MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, ours, baseline, memory_mb in rows:
        print(
            f"| {name} | {ours.accuracy:.2%} | {baseline.accuracy:.2%} | {ours.macro_f1:.4f} | "
            f"{baseline.macro_f1:.4f} | {ours.train_seconds:.0f} "
            f"({ours.train_seconds / baseline.train_seconds:.2f}) | {ours.train_cpu_seconds:.0f} "
            f"({ours.train_cpu_seconds / baseline.train_cpu_seconds:.2f}) | {ours.per_second:.0f} "
            f"({ours.per_second / baseline.per_second:.2f}) | {memory_mb:.0f} |"
        )
    print()
    print(
        f"Production path (language + topic + sentiment + entities, models of samples/training): "
        f"{per_second:.0f} contacts/s; loading a version (6 models) {load_seconds:.2f} s; "
        f"peak memory of the process {production_memory:.0f} MB (Python, spaCy, models, batch)."
    )
    print(
        f"Without sentence vectors: {ngrams_per_second:.0f} contacts/s "
        f"({per_second / ngrams_per_second:.2f} of it with them); "
        f"loading a version {ngrams_load_seconds:.2f} s."
    )


if __name__ == "__main__":
    main()

"""Classification benchmark: Intake's classifier beside a TF-IDF + logistic regression baseline.

For each data set of `../shared/data/text/` the classifier is trained through the same function
as `intake classify train` and scored as `intake classify evaluate` scores it; the baseline
(scikit-learn, word 1-2-grams + character 2-5-grams, from the `dev` extra) is trained and scored
in the same run on the same split. Then the production path is timed: language detection, topic,
sentiment and entities together, with the models `intake init` trains from `samples/training/`,
on one sentence-encoder thread beside `classifier_threads` in the same run.

    .venv/bin/python benchmarks/classify.py                 # all three data sets
    .venv/bin/python benchmarks/classify.py --only clinc150 --train-limit 3000
    .venv/bin/python benchmarks/classify.py --production-only
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classify import (  # noqa: E402
    Evaluation,
    Example,
    Prediction,
    TextClassifier,
    detect_language,
    evaluate_predictions,
    find_entities,
    load_examples,
    train_text_classifier,
)
from classify.sentence_embedding import (  # noqa: E402
    embed_texts,
    forget_vectors,
    use_encoder_threads,
)
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
    # Intake only: the full model answering every text (no cascade), beside the cascade above,
    # and the share of test texts the cascade had to embed.
    full_accuracy: float | None = None
    full_macro_f1: float | None = None
    full_per_second: float | None = None
    vector_share: float | None = None


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
        texts, gold = [e.text for e in test], [e.label for e in test]
        forget_vectors()
        started = time.perf_counter()
        predictions = model.predict(texts)
        per_second = len(test) / (time.perf_counter() - started)
        forget_vectors()
        started = time.perf_counter()
        full = model.predict(texts, full_model=True)
        full_per_second = len(test) / (time.perf_counter() - started)
    cascade, alone = _evaluate(gold, predictions), _evaluate(gold, full)
    print(f"  intake sentence vectors {model.sentence_vectors}, cascade {model.cascade}")
    return Scores(
        cascade.accuracy,
        cascade.macro_f1,
        seconds,
        cpu,
        per_second,
        full_accuracy=alone.accuracy,
        full_macro_f1=alone.macro_f1,
        full_per_second=full_per_second,
        vector_share=sum(p.sentence_vector for p in predictions) / len(predictions),
    )


def _evaluate(gold: list[str], predictions: list[Prediction]) -> Evaluation:
    return evaluate_predictions(
        gold, [p.label for p in predictions], [p.score for p in predictions]
    )


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


@dataclass(frozen=True)
class Production:
    per_second: float
    # Process CPU time per contact: on a shared machine it moves less than the wall rate.
    cpu_ms_per_contact: float
    load_seconds: float
    peak_mb: float
    # Contacts whose topic or sentiment needed the sentence vector.
    vector_share: float


def production_throughput(
    rounds: int, sentence_vectors: bool, held_out: bool, threads: Sequence[int] = (1,)
) -> dict[int, Production]:
    """Language + topic + sentiment + entities with the models `intake init` trains from
    `samples/training/`: on the corpus they learnt from, or (`held_out`) on every fifth line
    of it, left out of training, so that the cascade meets texts it has not seen. Timed for
    each count of encoder `threads`, their rounds taking turns so that a busy spell of the
    machine falls on all of them."""
    with tempfile.TemporaryDirectory() as home:
        training_dir = REPO / "samples" / "training"
        texts = _corpus_texts(training_dir)
        if held_out:
            training_dir = Path(home) / "training"
            texts = _split_corpus(REPO / "samples" / "training", training_dir)
        settings = Settings(
            home=Path(home),
            training_dir=training_dir,
            classifier_sentence_vectors=sentence_vectors,
        )
        settings = replace(settings, org_dir=REPO / "samples" / "org")
        ensure_classifiers(settings)
        started = time.perf_counter()
        models = ensure_classifiers(settings)
        if sentence_vectors:
            # The encoder loads once per process, on the first text it embeds (which, with the
            # cascade, need not be the first text predicted).
            embed_texts(["warm-up"])
        load_seconds = time.perf_counter() - started
        seconds = dict.fromkeys(threads, 0.0)
        cpu = dict.fromkeys(threads, 0.0)
        embedded = 0
        for _, count in itertools.product(range(rounds), threads):
            use_encoder_threads(count)
            # Each contact arrives once: no round may find its sentence vectors cached.
            forget_vectors()
            started, cpu_started = time.perf_counter(), time.process_time()
            languages = [detect_language(t, settings.language_list).code for t in texts]
            topics = models.topic.predict(texts, languages)
            sentiments = models.sentiment.predict(texts, languages)
            for text in texts:
                find_entities(text, models.references)
            seconds[count] += time.perf_counter() - started
            cpu[count] += time.process_time() - cpu_started
            embedded += sum(
                t.prediction.sentence_vector or s.prediction.sentence_vector
                for t, s in zip(topics, sentiments, strict=True)
            )
        contacts = len(texts) * rounds
    share = embedded / (contacts * len(threads))
    return {
        count: Production(
            contacts / seconds[count],
            cpu[count] / contacts * 1000,
            load_seconds,
            peak_mb(),
            share,
        )
        for count in threads
    }


def _corpus_texts(training_dir: Path) -> list[str]:
    texts = []
    for path in training_files(training_dir):
        texts += [e.text for e in load_examples(path, "text", "topic")]
    return texts


def _split_corpus(source: Path, target: Path) -> list[str]:
    """Copy the training files to `target` without every fifth line; return those lines' texts."""
    target.mkdir(parents=True)
    held_out = []
    for path in training_files(source):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for number, line in enumerate(lines) if number % 5]
        held_out += [json.loads(line)["text"] for n, line in enumerate(lines) if not n % 5]
        (target / path.name).write_text("".join(kept), encoding="utf-8")
    return held_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=[d.name for d in DATA_SETS], action="append")
    parser.add_argument("--train-limit", type=int, default=None, help="first N training rows")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the sample corpus")
    parser.add_argument(
        "--production-only", action="store_true", help="skip the data sets (a quick check)"
    )
    args = parser.parse_args()
    # The encoder on one thread beside the configured count (`classifier_threads`, 0: per core).
    setting = Settings().classifier_threads or os.cpu_count() or 1
    counts = sorted({1, setting})
    # First, while the process holds nothing else: its peak memory is then the production path's.
    production = production_throughput(args.rounds, True, held_out=False, threads=counts)
    print(f"production path measured, peak {production[setting].peak_mb:.0f} MB", flush=True)
    # The same without the sentence encoder (`classifier_sentence_vectors = false`).
    ngrams = production_throughput(args.rounds, False, held_out=False)[1]
    # On texts the models have not learnt from (more of them need the vector), both ways.
    unseen = production_throughput(args.rounds * 5, True, held_out=True, threads=counts)
    unseen_ngrams = production_throughput(args.rounds * 5, False, held_out=True)[1]
    # The data sets train on one encoder thread, as `intake classify train` does, so their
    # figures compare with earlier runs.
    use_encoder_threads(1)
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
    print("| data set | Intake accuracy: cascade (full model) | baseline accuracy "
          "| Intake macro-F1: cascade (full model) | baseline macro-F1 | texts embedded "
          "| training s (ratio to baseline) | training CPU s (ratio) "
          "| predictions/s: cascade (full model) (cascade's ratio to baseline) "
          "| peak MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, ours, baseline, memory_mb in rows:
        print(
            f"| {name} | {ours.accuracy:.2%} ({ours.full_accuracy:.2%}) | {baseline.accuracy:.2%} "
            f"| {ours.macro_f1:.4f} ({ours.full_macro_f1:.4f}) | {baseline.macro_f1:.4f} "
            f"| {ours.vector_share:.1%} | {ours.train_seconds:.0f} "
            f"({ours.train_seconds / baseline.train_seconds:.2f}) | {ours.train_cpu_seconds:.0f} "
            f"({ours.train_cpu_seconds / baseline.train_cpu_seconds:.2f}) | {ours.per_second:.0f} "
            f"({ours.full_per_second:.0f}) ({ours.per_second / baseline.per_second:.2f}) "
            f"| {memory_mb:.0f} |"
        )
    print()
    print(
        "Production path (language + topic + sentiment + entities, models of samples/training); "
        f"loading a version (6 models) {production[setting].load_seconds:.2f} s, without "
        f"vectors {ngrams.load_seconds:.2f} s; peak memory of the process "
        f"{production[setting].peak_mb:.0f} MB; load average {os.getloadavg()[0]:.2f}."
    )
    print(f"| texts | with vectors, 1 encoder thread | with vectors, {setting} threads "
          f"| ratio {setting} to 1 | without vectors "
          f"| CPU ms/contact: 1 thread, {setting} threads (without) "
          "| contacts embedded |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name, runs, plain in (
        ("training corpus", production, ngrams),
        ("held out", unseen, unseen_ngrams),
    ):
        one, configured = runs[1], runs[setting]
        print(
            f"| {name} | {one.per_second:.0f}/s | {configured.per_second:.0f}/s "
            f"| {configured.per_second / one.per_second:.2f} | {plain.per_second:.0f}/s "
            f"| {one.cpu_ms_per_contact:.2f}, {configured.cpu_ms_per_contact:.2f} "
            f"({plain.cpu_ms_per_contact:.2f}) | {configured.vector_share:.1%} |"
        )


if __name__ == "__main__":
    main()

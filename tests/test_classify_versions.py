"""Model versions: trained from the training folder, retrained with corrections, one chosen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from intake.classifiers import (
    ClassifierVersionError,
    LabelledText,
    ensure_classifiers,
    retrain,
    versions,
)
from intake.config import Settings
from tests.conftest import base_settings

pytestmark = pytest.mark.slow

CORRECTED = "Karta klubowa nr 778812 nie nalicza punktów od marca, proszę o sprawdzenie."


@pytest.fixture
def own_models(tmp_path: Path) -> Settings:
    # Multilingual models only (no language has 10,000 examples): two models per version.
    settings = base_settings(tmp_path / "var", model_dir=str(tmp_path / "models"))
    return replace(settings, min_language_examples=10_000)


def test_a_version_is_trained_once_then_retrained_with_corrections_and_chosen_by_name(
    own_models: Settings,
) -> None:
    first = ensure_classifiers(own_models)
    assert first.version == "v0001" and set(first.topic.models) == {"xx"}
    assert ensure_classifiers(own_models).version == "v0001"  # current: not trained again
    corpus = first.topic.models["xx"].report
    correction = LabelledText(CORRECTED, "loyalty", "pl")
    assert retrain(own_models, {"topic": [correction]}) == "v0002"
    assert versions(own_models.resolved_model_dir) == ["v0001", "v0002"]
    newest = ensure_classifiers(own_models)
    assert newest.version == "v0002"
    report = newest.topic.models["xx"].report
    assert report.train_size + report.dev_size == corpus.train_size + corpus.dev_size + 1
    assert newest.topic.models["xx"].fingerprint != first.topic.models["xx"].fingerprint
    # Pinned in the configuration, the older version stays in use.
    pinned = ensure_classifiers(replace(own_models, classifier_version="v0001"))
    assert pinned.topic.models["xx"].fingerprint == first.topic.models["xx"].fingerprint
    with pytest.raises(ClassifierVersionError, match=r"'v0009'.*versions: v0001, v0002"):
        ensure_classifiers(replace(own_models, classifier_version="v0009"))

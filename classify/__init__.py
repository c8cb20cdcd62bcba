"""Text to labels: topic and sentiment classifiers trained with spaCy, and language detection.

Knows text only; results are plain frozen dataclasses.
"""

from classify.examples import (
    Example,
    ExampleFileError,
    fingerprint_examples,
    load_examples,
    split_train_dev,
)
from classify.language import KNOWN_LANGUAGES, OTHER, LanguageGuess, detect_language
from classify.model_card import TrainingReport
from classify.normalise import normalise_text
from classify.textcat import ModelLoadError, Prediction, TextClassifier, train_text_classifier

__all__ = [
    "KNOWN_LANGUAGES",
    "OTHER",
    "Example",
    "ExampleFileError",
    "LanguageGuess",
    "ModelLoadError",
    "Prediction",
    "TextClassifier",
    "TrainingReport",
    "detect_language",
    "fingerprint_examples",
    "load_examples",
    "normalise_text",
    "split_train_dev",
    "train_text_classifier",
]

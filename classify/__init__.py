"""Text to labels: topic and sentiment classifiers trained with spaCy, entities, and language.

Knows text only; results are plain frozen dataclasses.
"""

from classify.entities import Entity, find_entities
from classify.entity_patterns import ReferencePatternError, parse_reference_patterns
from classify.evaluation import Evaluation, evaluate_predictions
from classify.examples import (
    Example,
    ExampleFileError,
    fingerprint_examples,
    load_examples,
    split_train_dev,
)
from classify.language import KNOWN_LANGUAGES, OTHER, LanguageGuess, detect_language
from classify.language_models import MULTILINGUAL, LanguageModels, LanguagePrediction
from classify.model_card import TrainingReport
from classify.normalise import normalise_text
from classify.textcat import ModelLoadError, Prediction, TextClassifier, train_text_classifier

__all__ = [
    "KNOWN_LANGUAGES",
    "MULTILINGUAL",
    "OTHER",
    "Entity",
    "Evaluation",
    "Example",
    "ExampleFileError",
    "LanguageGuess",
    "LanguageModels",
    "LanguagePrediction",
    "ModelLoadError",
    "Prediction",
    "ReferencePatternError",
    "TextClassifier",
    "TrainingReport",
    "detect_language",
    "evaluate_predictions",
    "find_entities",
    "fingerprint_examples",
    "load_examples",
    "normalise_text",
    "parse_reference_patterns",
    "split_train_dev",
    "train_text_classifier",
]

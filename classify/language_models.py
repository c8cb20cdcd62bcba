"""One classifier per language, with a multilingual one for languages without their own.

The language detector decides which model reads a text: a Polish letter goes through the model
trained on Polish with a Polish tokenizer, an English one through the English model, and a text
in a language without enough training data of its own through the multilingual model.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from classify.textcat import Prediction, TextClassifier

MULTILINGUAL = "xx"


@dataclass(frozen=True)
class LanguagePrediction:
    prediction: Prediction
    # The language of the model that made the prediction: the text's own, or MULTILINGUAL.
    model_language: str


class LanguageModels:
    """Classifiers by language code; MULTILINGUAL must be among them, as the fallback."""

    def __init__(self, models: Mapping[str, TextClassifier]) -> None:
        if MULTILINGUAL not in models:
            raise ValueError(
                f"no multilingual ({MULTILINGUAL!r}) model among {sorted(models)}: "
                "it serves every language without a model of its own"
            )
        labels = {code: model.labels for code, model in models.items()}
        if len(set(labels.values())) != 1:
            raise ValueError(f"the language models disagree on their labels: {labels}")
        self.models = MappingProxyType(dict(models))

    @property
    def labels(self) -> tuple[str, ...]:
        return self.models[MULTILINGUAL].labels

    def model_language(self, language: str | None) -> str:
        return language if language in self.models else MULTILINGUAL

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[LanguagePrediction]:
        """Predict each text with its language's model, one batch per language."""
        by_model: dict[str, list[int]] = defaultdict(list)
        for index, language in enumerate(languages):
            by_model[self.model_language(language)].append(index)
        results: list[LanguagePrediction | None] = [None] * len(texts)
        for code, indices in by_model.items():
            predictions = self.models[code].predict([texts[i] for i in indices])
            for index, prediction in zip(indices, predictions, strict=True):
                results[index] = LanguagePrediction(prediction, code)
        return [result for result in results if result is not None]

"""Rasa tokenizer for everyday Swedish: spaCy tokens and lookup lemmas (`bot.domain.lemmas`), å/ä/ö folded.

People write "kopa", "köpa" and "köper"; folding the text and the lemma (`bot.domain.text.fold`) lets the
featurizers see one word. Token offsets still point into the original text, so entity values keep
their å/ä/ö.
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.domain.lemmas import lemma_store, swedish_nlp
from bot.domain.text import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SwedishTokenizer(Tokenizer):
    """Tokenizes with spaCy's Swedish rules; token text and lemma are lower-cased and folded."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Tokenizer defaults plus `fold_diacritics` (å/ä→a, ö→o)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "fold_diacritics": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._fold = fold if config.get("fold_diacritics", True) else str.lower
        self._nlp = swedish_nlp()
        self._lemma = lemma_store().lemma  # opens (or first builds) the on-disk lemma store

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SwedishTokenizer":
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "spacy_lookups_data"]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = []
        for t in self._nlp(text):
            if t.is_space or t.is_punct:
                continue
            word = "".join(self._fold(t.text).split())  # "020-50" → "02050", one token
            if not word:
                continue
            lemma = "".join(self._fold(self._lemma(t.text)).split()) or word
            tokens.append(Token(word, t.idx, lemma=lemma))
        return self._apply_token_pattern(tokens)

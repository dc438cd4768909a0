"""The shared Swedish spaCy pipeline: `spacy.blank("sv")` with lookup lemmas.

No pretrained Swedish pipeline can be downloaded here, so we use spaCy's rule-based tokenizer and
the lemma lookup table from spacy-lookups-data. Loaded once per process.
"""
from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def swedish_nlp() -> Language:
    """Return the blank Swedish pipeline with a lookup lemmatizer (cached)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def lemmas(text: str) -> list:
    """Lower-case lookup lemmas of the words in `text` (punctuation and spaces dropped)."""
    return [t.lemma_.lower() for t in swedish_nlp()(text) if not (t.is_punct or t.is_space)]

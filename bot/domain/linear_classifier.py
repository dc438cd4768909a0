"""A linear intent model on word and character n-grams, and how its answer is blended with DIET's.

DIETClassifier and the ResponseSelector are neural models trained for a few dozen epochs (the
four-minute training budget). On this project's data a plain logistic regression over tf-idf
weighted n-grams of the same lemmas makes different mistakes, and the average of the two is
better than either (measured on the 5 cross-validation folds, README «Mätningar»). With more data the
regression alone came within 0.002 of that average at 40 % less training time, so the project's
pipeline now uses it as the intent classifier on its own (docs/design.md, «Why this pipeline»).

`LinearModel` holds that regression: it learns the full intent names (`faq/law`, `greet`, …),
predicts with numpy only (a sparse dot product, well under a millisecond) and is stored as JSON and
numpy arrays – no pickles. `blend_intents` and `blend_topics` combine its probabilities with DIET's
intent ranking and the ResponseSelector's topic ranking. The Rasa component that uses them is
`bot.rasa_plugins.linear_blend.LinearBlend`.
"""

import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

Ranking = List[Dict[str, object]]


def word_ngrams(tokens: Sequence[str], n_max: int) -> List[str]:
    """Word n-grams from 1 to `n_max` ("kopa sex" → "kopa", "sex", "kopa sex")."""
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(tokens: Sequence[str], n_min: int, n_max: int) -> List[str]:
    """Character n-grams inside each word, padded with a space on both sides (as sklearn's
    `char_wb`): typos and inflections still share most of their n-grams."""
    grams = []
    for token in tokens:
        padded = f" {token} "
        for n in range(n_min, n_max + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


class _Block:
    """One tf-idf block: vocabulary and idf weights; sublinear tf, rows scaled to unit length."""

    def __init__(self, vocabulary: Dict[str, int], idf: np.ndarray, offset: int) -> None:
        self.vocabulary, self.idf, self.offset = vocabulary, idf, offset

    @classmethod
    def fit(cls, documents: List[List[str]], min_df: int, offset: int) -> "_Block":
        df = Counter(g for doc in documents for g in set(doc))
        kept = sorted(g for g, n in df.items() if n >= min_df)
        vocabulary = {g: i for i, g in enumerate(kept)}
        n_docs = len(documents)
        idf = np.array([math.log((1 + n_docs) / (1 + df[g])) + 1 for g in kept], dtype=np.float64)
        return cls(vocabulary, idf, offset)

    def features(self, grams: Iterable[str]) -> Tuple[List[int], List[float]]:
        counts = Counter(self.vocabulary[g] for g in grams if g in self.vocabulary)
        if not counts:
            return [], []
        index = list(counts)
        values = np.array([1.0 + math.log(counts[i]) for i in index]) * self.idf[index]
        values /= np.linalg.norm(values)
        return [self.offset + i for i in index], values.tolist()


class LinearModel:
    """Multinomial logistic regression over tf-idf word and character n-grams of lemmas."""

    FILE = "linear_model"

    def __init__(
        self,
        labels: List[str],
        weights: np.ndarray,
        bias: np.ndarray,
        blocks: Dict[str, _Block],
        settings: Dict[str, object],
    ) -> None:
        self.labels = labels
        self.weights = weights  # (features, labels)
        self.bias = bias
        self.blocks = blocks
        self.settings = settings

    # ---------- features ----------
    def _grams(self, tokens: Sequence[str]) -> Dict[str, List[str]]:
        s = self.settings
        return {
            "word": word_ngrams(tokens, int(s["word_max_n"])),
            "char": char_ngrams(tokens, int(s["char_min_n"]), int(s["char_max_n"])),
        }

    def _row(self, tokens: Sequence[str]) -> Tuple[List[int], List[float]]:
        index, values = [], []
        for name, grams in self._grams(tokens).items():
            i, v = self.blocks[name].features(grams)
            index += i
            values += v
        return index, values

    # ---------- training ----------
    @classmethod
    def fit(
        cls,
        documents: List[Sequence[str]],
        labels: List[str],
        *,
        c: float = 30.0,
        min_df: int = 2,
        word_max_n: int = 2,
        char_min_n: int = 2,
        char_max_n: int = 5,
        max_iter: int = 3000,
    ) -> "LinearModel":
        """Learn from token lists (lemmas) and their full intent names."""
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        settings = {"word_max_n": word_max_n, "char_min_n": char_min_n, "char_max_n": char_max_n}
        probe = cls([], np.zeros((0, 0)), np.zeros(0), {}, settings)
        grams = [probe._grams(doc) for doc in documents]
        word = _Block.fit([g["word"] for g in grams], min_df, 0)
        char = _Block.fit([g["char"] for g in grams], min_df, len(word.vocabulary))
        probe.blocks = {"word": word, "char": char}
        rows, cols, vals = [], [], []
        for r, doc in enumerate(documents):
            i, v = probe._row(doc)
            rows += [r] * len(i)
            cols += i
            vals += v
        n_features = len(word.vocabulary) + len(char.vocabulary)
        x = csr_matrix((vals, (rows, cols)), shape=(len(documents), n_features))
        classifier = LogisticRegression(C=c, max_iter=max_iter, class_weight="balanced", solver="lbfgs")
        classifier.fit(x, labels)
        weights = np.ascontiguousarray(classifier.coef_.T, dtype=np.float32)
        bias = classifier.intercept_.astype(np.float32)
        label_list = [str(c) for c in classifier.classes_]
        if len(label_list) == 2:  # sklearn keeps one column for two classes
            weights = np.concatenate([-weights, weights], axis=1)
            bias = np.concatenate([-bias, bias])
        return cls(label_list, weights, bias, probe.blocks, settings)

    # ---------- prediction ----------
    def predict(self, tokens: Sequence[str]) -> Dict[str, float]:
        """Probability of every label for one message (its lemmas)."""
        index, values = self._row(tokens)
        logits = self.bias.astype(np.float64)
        if index:
            logits = logits + np.asarray(values, dtype=np.float32) @ self.weights[index]
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return dict(zip(self.labels, p.tolist()))

    # ---------- storage ----------
    def save(self, directory: Path) -> None:
        meta = {
            "labels": self.labels,
            "settings": self.settings,
            "vocabulary": {name: b.vocabulary for name, b in self.blocks.items()},
            "offsets": {name: b.offset for name, b in self.blocks.items()},
        }
        (directory / f"{self.FILE}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez(
            directory / f"{self.FILE}.npz",
            weights=self.weights,
            bias=self.bias,
            **{f"idf_{name}": b.idf for name, b in self.blocks.items()},
        )

    @classmethod
    def load(cls, directory: Path) -> "LinearModel":
        meta = json.loads((directory / f"{cls.FILE}.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / f"{cls.FILE}.npz", allow_pickle=False)
        blocks = {
            name: _Block(vocabulary, arrays[f"idf_{name}"], meta["offsets"][name])
            for name, vocabulary in meta["vocabulary"].items()
        }
        return cls(meta["labels"], arrays["weights"], arrays["bias"], blocks, meta["settings"])


def blend_intents(ranking: Ranking, linear: Dict[str, float], weight: float) -> Ranking:
    """DIET's intent ranking averaged with the linear model's, FAQ topics summed into their
    retrieval intent (`faq/law` + `faq/kast_what` + … → `faq`). Intents missing from DIET's
    (truncated) ranking count as 0. Best first."""
    collapsed: Dict[str, float] = defaultdict(float)
    for label, p in linear.items():
        collapsed[label.split("/", 1)[0]] += p
    neural = {r["name"]: float(r.get("confidence") or 0.0) for r in ranking or [] if r.get("name")}
    names = set(neural) | set(collapsed)
    blended = {n: (1 - weight) * neural.get(n, 0.0) + weight * collapsed.get(n, 0.0) for n in names}
    return [{"name": n, "confidence": c} for n, c in sorted(blended.items(), key=lambda kv: (-kv[1], kv[0]))]


def blend_topics(ranking: Ranking, linear: Dict[str, float], weight: float, retrieval_intent: str) -> Ranking:
    """The ResponseSelector's topic ranking (`intent_response_key`) averaged with the linear model's
    probabilities of that retrieval intent's topics, renormalised among themselves. Best first."""
    prefix = f"{retrieval_intent}/"
    topics = {k: p for k, p in linear.items() if k.startswith(prefix)}
    total = sum(topics.values())
    conditional = {k: p / total for k, p in topics.items()} if total > 0 else {}
    neural = {
        r["intent_response_key"]: float(r.get("confidence") or 0.0) for r in ranking if r.get("intent_response_key")
    }
    blended = {
        k: (1 - weight) * neural.get(k, 0.0) + weight * conditional.get(k, 0.0) for k in set(neural) | set(conditional)
    }
    return [
        {"intent_response_key": k, "confidence": c} for k, c in sorted(blended.items(), key=lambda kv: (-kv[1], kv[0]))
    ]

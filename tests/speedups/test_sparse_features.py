"""bot.speedups.sparse_features: joining feature matrices gives exactly scipy.sparse.hstack's result."""

import numpy as np
import pytest
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse import coo_matrix, csr_matrix, hstack
from scipy.sparse import random as sparse_random

from bot.speedups import sparse_features

from .helpers import featurized, holdout_texts


def _same(a, b) -> None:
    assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
    assert a.row.dtype == b.row.dtype and a.col.dtype == b.col.dtype
    assert a.row.tolist() == b.row.tolist() and a.col.tolist() == b.col.tolist()
    assert a.data.tolist() == b.data.tolist()


@pytest.mark.parametrize("rows,left,right", [(1, 10, 20), (7, 3000, 40000), (30, 1, 1), (3, 5, 0)])
def test_hstack_coo_equals_scipy(rows, left, right):
    rng = np.random.default_rng(rows)
    a = sparse_random(rows, left, density=0.1, format="coo", dtype=np.int64, random_state=rng)
    b = sparse_random(rows, right, density=0.1, format="coo", dtype=np.int64, random_state=rng)
    _same(sparse_features.hstack_coo(a, b), hstack([a, b]))


def test_install_is_idempotent():
    sparse_features.install()
    ours = Features._combine_sparse_features
    sparse_features.install()
    assert Features._combine_sparse_features is ours
    assert ours._bot_original.__module__ == "rasa.shared.nlu.training_data.features"


def test_messages_get_the_same_combined_features(parser, fast, rasa_code):
    """The features DIET reads (word and character counts joined) for held-out messages, joined by
    the patch and by Rasa's own code (the join happens in `get_sparse_features`)."""
    texts = holdout_texts(step=20)
    messages = featurized(parser, texts)
    ours = [m.get_sparse_features("text") for m in messages]
    rasa_code()
    theirs = [m.get_sparse_features("text") for m in messages]
    assert len(ours) == len(texts) > 20
    for mine, rasa in zip(ours, theirs):
        for a, b in zip(mine, rasa):
            _same(a.features, b.features)


def test_other_matrices_take_rasas_path():
    sparse_features.install()
    a = Features(csr_matrix(np.eye(2)), "sequence", "text", "a")
    a.combine_with_features(Features(csr_matrix(np.ones((2, 1))), "sequence", "text", "b"))
    assert a.features.shape == (2, 3)
    b = Features(coo_matrix(np.eye(2, dtype=np.int64)), "sequence", "text", "a")
    b.combine_with_features(Features(coo_matrix(np.ones((2, 1))), "sequence", "text", "b"))
    assert b.features.dtype == np.float64 and b.features.toarray().tolist() == [[1, 0, 1], [0, 1, 1]]

"""Join two sparse feature matrices side by side without scipy's general block machinery.

DIET and the ResponseSelector combine each message's word and character counts
(`Features._combine_sparse_features`, `scipy.sparse.hstack`) for the sequence and the sentence:
four joins per message. `hstack` goes through `bmat`, built for any grid of blocks, and took
about 80 µs per join for these small matrices (profiled under load: the largest single cost of the
batched NLU run). `install()` joins two COO matrices directly: the entries of the left one, then
those of the right one with their columns shifted – exactly the arrays `hstack` builds (tested:
same rows, columns, values, dtypes and shape), in about a quarter of the time. Other combinations
(CSR, different value types) take Rasa's path.
"""

from typing import Any

import numpy as np

from bot.speedups.patching import patch_once

_MARK = "_bot_fast_hstack"


def hstack_coo(left: Any, right: Any) -> Any:
    """`scipy.sparse.hstack([left, right])` for two COO matrices with the same rows and dtype."""
    from scipy.sparse import coo_matrix

    return coo_matrix(
        (
            np.concatenate([left.data, right.data]),
            (np.concatenate([left.row, right.row]), np.concatenate([left.col, right.col + left.shape[1]])),
        ),
        shape=(left.shape[0], left.shape[1] + right.shape[1]),
    )


def install() -> None:
    """Patch `Features._combine_sparse_features` (idempotent)."""
    from rasa.shared.nlu.training_data.features import Features
    from scipy.sparse import coo_matrix

    def make(original):
        def _combine_sparse_features(self, additional_features: Features) -> None:
            left, right = self.features, additional_features.features
            if not (
                type(left) is coo_matrix
                and type(right) is coo_matrix
                and left.dtype == right.dtype
                and left.shape[0] == right.shape[0]
            ):
                return original(self, additional_features)
            self.features = hstack_coo(left, right)
            self._cached_fingerprint = None

        return _combine_sparse_features

    patch_once(Features, "_combine_sparse_features", _MARK, make)

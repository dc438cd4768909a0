"""Custom Rasa NLU components for Swedish: tokenizer, places, language and safety gates.

Each component is a thin adapter: the logic it calls lives in plain modules of `bot/`.
`install_prediction_speedups()` is the one list of patches that make the NLU models load and predict
faster; the server (bot.rasa_main) and the in-process evaluation (bot.evaluation) both call it, so
both predict the same way.
"""


def install_prediction_speedups() -> None:
    """Load DIET and the ResponseSelector without tracing their training step (fast_load), call
    their compiled graphs directly (fast_predict), join sparse features without scipy's general
    block code (fast_features), predict several messages in one call
    (batch_predict), and run the ResponseSelector only where config.yml says it can matter
    (selective_selector, installed last so that it picks the messages before they are batched).
    Idempotent."""
    from bot.nlu import batch_predict, fast_features, fast_load, fast_predict, selective_selector

    fast_load.install()
    fast_features.install()
    fast_predict.install()
    batch_predict.install()
    selective_selector.install()

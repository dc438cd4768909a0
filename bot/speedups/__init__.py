"""Speed-ups: every change the project makes to Rasa's, Keras' or TensorFlow's own code, fenced here.

Two kinds live in this package:

- **Runtime patches**, for places Rasa 3.6 offers no extension point (`PATCHES` below): the event
  class lookup, the graph runner, the batched parse of concurrent messages, the warm start of the
  server, the join of sparse features and the training-data provider that keeps answer texts out
  of the NLU cache key. `install()` applies them all, once; `uninstall()` restores Rasa's methods.
- **Fast paths called by our own Rasa components** (`bot.rasa_plugins`: the subclasses of
  CountVectorsFeaturizer, DIETClassifier, ResponseSelector and RulePolicy named in config.yml):
  model loading without tracing the training step, direct calls of the compiled prediction
  function, batched prediction, the selective ResponseSelector and the skipped end-to-end rule
  search. The components ask `enabled()` and otherwise run Rasa's code unchanged.

One switch turns everything off: `BOT_SPEEDUPS=0`. One version check keeps everything off on any
Rasa or TensorFlow version the speed-ups were not written and tested for (`SUPPORTED`): the
server then logs a warning and runs stock. `tests/e2e/test_speedups_equivalence.py` requires the same
intents, topics and actions with the speed-ups on and off.
"""

import functools
import importlib
import logging
import os
from typing import Dict, List, Optional

logger = logging.getLogger(__name__)

SWITCH = "BOT_SPEEDUPS"
# The versions the patches and fast paths were written against and tested with (requirements.lock).
SUPPORTED: Dict[str, str] = {"rasa": "3.6.21", "tensorflow": "2.12.0"}
# The runtime patches, in the order they are installed (each module has `install()`).
PATCHES: List[str] = [
    "bot.speedups.event_lookup",
    "bot.speedups.graph_runner",
    "bot.speedups.batched_parse",
    "bot.speedups.warm_start",
    "bot.speedups.sparse_features",
    "bot.speedups.training_cache",
]

_warned = False


def installed_versions() -> Dict[str, Optional[str]]:
    """The installed version of each package in SUPPORTED (None when it cannot be imported)."""
    found: Dict[str, Optional[str]] = {}
    for package in SUPPORTED:
        try:
            found[package] = importlib.import_module(package).__version__
        except Exception:  # noqa: BLE001 - a missing or broken package is simply unsupported
            found[package] = None
    return found


@functools.lru_cache(maxsize=1)
def unsupported() -> List[str]:
    """'package installed-version (supported: x)' for every package whose version differs.
    Worked out once per process (`unsupported.cache_clear()` to ask again)."""
    return [
        f"{package} {version} (supported: {SUPPORTED[package]})"
        for package, version in installed_versions().items()
        if version != SUPPORTED[package]
    ]


def switched_off() -> bool:
    """Whether BOT_SPEEDUPS turns the speed-ups off ("0", "false", "off", "no")."""
    return os.environ.get(SWITCH, "1").strip().lower() in ("0", "false", "off", "no")


def enabled() -> bool:
    """Whether the speed-ups may run here: not switched off, and on the supported versions.

    Logs a warning once per process when the versions are not the supported ones."""
    global _warned
    if switched_off():
        return False
    wrong = unsupported()
    if wrong:
        if not _warned:
            _warned = True
            logger.warning(
                "Speed-ups off: they were written for %s, found %s. Running stock Rasa.",
                ", ".join(f"{p} {v}" for p, v in SUPPORTED.items()),
                "; ".join(wrong),
            )
        return False
    return True


def install() -> bool:
    """Apply every runtime patch (idempotent) when `enabled()`; returns whether they are installed."""
    if not enabled():
        if switched_off():
            logger.warning("Speed-ups switched off (%s=0): running stock Rasa.", SWITCH)
        return False
    for name in PATCHES:
        importlib.import_module(name).install()
    return True


def uninstall() -> None:
    """Restore every method a patch replaced (for tests, and to compare with stock in one process)."""
    from bot.speedups.patching import restore_all

    restore_all()


def installed() -> List[str]:
    """'owner.attr' of every method currently replaced by a patch."""
    from bot.speedups.patching import applied

    return applied()

"""Start Rasa (`python -m bot.rasa_main <rasa arguments>`): Rasa's own command line, plus

- the safety net for custom actions (`bot.rasa_plugins.remote_action`: a failing action server
  gets the national lines, not silence), always on;
- the speed-ups (`bot.speedups.install()`): on by default, off with `BOT_SPEEDUPS=0` or on any
  Rasa/TensorFlow version other than the supported ones (then with a warning).

Plain `rasa` commands load the same model and the same components (config.yml names them), so
they predict the same intents and answers; they only lack the safety net and the runtime patches.
"""

import os
import sys
from typing import List

# TensorFlow 2.12 imports JAX (for its TF Lite converter, which Rasa never calls) as soon as it is
# imported: about 100 MB more memory in the server. With the import blocked, TF Lite takes its own
# "JAX is not installed" path. Must come before anything imports TensorFlow.
sys.modules.setdefault("jax", None)


def install() -> None:
    """The safety net for custom actions, then the speed-ups (when enabled)."""
    from bot import speedups
    from bot.rasa_plugins import remote_action

    remote_action.install()
    speedups.install()


def main(argv: List[str]) -> None:
    """Run the Rasa command line with `argv` after `install()`.

    endpoints.yml reads the action server's address from ACTION_ENDPOINT_URL; it defaults to the
    local action server, and Rasa's telemetry is off unless asked for.
    """
    os.environ.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    install()
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa"] + argv
    rasa_cli()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Start Rasa (`python -m bot.rasa_main <rasa arguments>`) with our safety net for custom actions
and our speed-ups: a faster model load (bot.nlu.fast_load), direct calls of the compiled NLU models
(bot.nlu.fast_predict), the ResponseSelector only where it can matter (bot.nlu.selective_selector),
cached event classes (bot.fast_events), a graph runner without dask (bot.fast_graph), the
messages of concurrent users parsed together (bot.fast_parse, bot.nlu.batch_predict), no search
for end-to-end rules that cannot exist (bot.fast_rules) and a warm start (bot.warm_start: models
warmed up, the loaded model kept out of garbage collection).

Rasa 3.6 logs and drops a custom action that fails because the action server is down or broken,
so the user would get silence. Here a failing custom action answers with the national lines
(`action_server_down` in content/messages.yml) instead. Everything else is plain Rasa.
"""
import functools
import logging
import os
import sys
from typing import Any, Dict, List

# TensorFlow 2.12 imports JAX (for its TF Lite converter, which Rasa never calls) as soon as it is
# imported: about 100 MB more memory in the server. With the import blocked, TF Lite takes its own
# "JAX is not installed" path. Must come before anything imports TensorFlow.
sys.modules.setdefault("jax", None)

from rasa.core.actions import action as rasa_action
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot import referral

logger = logging.getLogger(__name__)
FALLBACK_NAME = "action_server_down"


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """A jsonschema validator for the action server's answers, made (and its schema checked) once.

    Rasa 3.6 calls `jsonschema.validate` for every answer of the action server, which first checks
    the schema itself against the JSON Schema meta-schema: profiled under 50 users with help-seeking
    conversations, that check was 58 % of Rasa's CPU time."""
    from jsonschema.validators import validator_for

    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class ResilientRemoteAction(rasa_action.RemoteAction):
    """A RemoteAction that answers with the national lines when the action server fails, and
    validates the action server's answers with a validator made once."""

    def _validate_action_result(self, result: Dict[str, Any]) -> bool:
        """Rasa's validation of the answer (the same schema, error and message), without checking
        the schema again each time."""
        from jsonschema.exceptions import best_match

        error = best_match(action_response_validator().iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{rasa_action.DOCS_BASE_URL}/custom-actions")
        raise error

    async def run(self, output_channel, nlg, tracker, domain) -> List[Event]:
        try:
            return await super().run(output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise
        except (RasaException, OSError) as error:
            logger.error("Custom action %s failed (%s); answering with the national lines", self.name(), error)
            return [BotUttered(reply.text, metadata={"fallback": FALLBACK_NAME})
                    for reply in referral.action_server_down()]


def install() -> None:
    """Make Rasa build ResilientRemoteAction wherever it would build a RemoteAction, load the
    NLU models without tracing their training step (bot.nlu.fast_load), call them directly
    (bot.nlu.fast_predict), skip the ResponseSelector where config.yml says so
    (bot.nlu.selective_selector), look event classes up from a cache (bot.fast_events), run the
    prediction graph without dask (bot.fast_graph), parse the messages of concurrent users
    together (bot.fast_parse), skip RulePolicy's search for end-to-end rules when there are none
    (bot.fast_rules) and warm the models up at start (bot.warm_start)."""
    from bot import fast_events, fast_graph, fast_parse, fast_rules, warm_start
    from bot.nlu import install_prediction_speedups

    rasa_action.RemoteAction = ResilientRemoteAction
    install_prediction_speedups()
    fast_events.install()
    fast_graph.install()
    fast_parse.install()
    fast_rules.install()
    warm_start.install()


def main(argv: List[str]) -> None:
    """Run the Rasa command line with `argv` after installing the safety net.

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

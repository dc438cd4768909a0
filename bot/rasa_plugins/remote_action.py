"""The custom-action class Rasa uses: answers with the national lines when the action server fails.

Rasa 3.6 logs and drops a custom action that fails because the action server is down or broken,
so the user would get silence. `ResilientRemoteAction` answers with the national lines
(`action_server_down` in content/messages.yml) instead. Rasa has no setting for the class it
builds custom actions with, so `install()` replaces `rasa.core.actions.action.RemoteAction` – the
project's one runtime change of Rasa outside `bot.speedups`. It is a safety net, not a speed-up:
`BOT_SPEEDUPS=0` leaves it on.

With the speed-ups enabled it also validates the action server's answers with a validator made
once: Rasa 3.6 calls `jsonschema.validate` for every answer, which first checks the schema itself
against the JSON Schema meta-schema (profiled under 50 users with help-seeking conversations: 58 %
of Rasa's CPU time). Same schema, error and message. And it calls the action server over one
kept-alive session (`bot.speedups.action_session`) instead of a new connection per action.
"""

import functools
import logging
from typing import Any, Dict, List

from rasa.core.actions import action as rasa_action
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot import speedups
from bot.domain import referral

logger = logging.getLogger(__name__)
FALLBACK_NAME = "action_server_down"
_STOCK = rasa_action.RemoteAction


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """A jsonschema validator for the action server's answers, made (and its schema checked) once."""
    from jsonschema.validators import validator_for

    schema = _STOCK.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class ResilientRemoteAction(_STOCK):
    """A RemoteAction that answers with the national lines when the action server fails."""

    def __init__(self, name: str, action_endpoint: Any) -> None:
        if action_endpoint is not None and speedups.enabled():
            from bot.speedups.action_session import kept_alive

            action_endpoint = kept_alive(action_endpoint)
        super().__init__(name, action_endpoint)

    def _validate_action_result(self, result: Dict[str, Any]) -> bool:
        if not speedups.enabled():
            return super()._validate_action_result(result)
        from jsonschema.exceptions import best_match

        error = best_match(action_response_validator().iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{rasa_action.DOCS_BASE_URL}/custom-actions"
        )
        raise error

    async def run(self, output_channel, nlg, tracker, domain) -> List[Event]:
        try:
            return await super().run(output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise
        except (RasaException, OSError) as error:
            logger.error("Custom action %s failed (%s); answering with the national lines", self.name(), error)
            return [
                BotUttered(reply.text, metadata={"fallback": FALLBACK_NAME}) for reply in referral.action_server_down()
            ]


def install() -> None:
    """Make Rasa build ResilientRemoteAction wherever it would build a RemoteAction."""
    rasa_action.RemoteAction = ResilientRemoteAction

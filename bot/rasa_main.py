"""Start Rasa (`python -m bot.rasa_main <rasa arguments>`) with our safety net for custom actions.

Rasa 3.6 logs and drops a custom action that fails because the action server is down or broken,
so the user would get silence. Here a failing custom action answers with the response
`utter_action_server_down` (the national lines) instead. Everything else is plain Rasa.
"""
import logging
import sys
from typing import List

from rasa.core.actions import action as rasa_action
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)
FALLBACK_RESPONSE = "utter_action_server_down"


class ResilientRemoteAction(rasa_action.RemoteAction):
    """A RemoteAction that answers with the national lines when the action server fails."""

    async def run(self, output_channel, nlg, tracker, domain) -> List[Event]:
        try:
            return await super().run(output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise
        except (RasaException, OSError) as error:
            logger.error("Custom action %s failed (%s); answering with %s", self.name(), error, FALLBACK_RESPONSE)
            message = await nlg.generate(FALLBACK_RESPONSE, tracker, output_channel.name())
            if not message:
                return []
            return [BotUttered(message.get("text"), data={k: v for k, v in message.items() if k != "text"},
                               metadata={"utter_action": FALLBACK_RESPONSE})]


def install() -> None:
    """Make Rasa build ResilientRemoteAction wherever it would build a RemoteAction."""
    rasa_action.RemoteAction = ResilientRemoteAction


def main(argv: List[str]) -> None:
    """Run the Rasa command line with `argv` after installing the safety net."""
    install()
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa"] + argv
    rasa_cli()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Run the ResponseSelector only for messages that may be FAQ questions.

Rasa 3.6 runs the ResponseSelector on every message, also on "hej", "tack" or "jag vill sluta köpa
sex", where its answer is never used: the bot reads the selector's choice only when the intent is
`faq` (the FAQ answer) or when `faq` is one of the few intents the two-stage fallback offers
("Menade du …?", actions/affirmation.py: the top two candidates). The selector costs about as much
as DIET (profiled under load: 20 % of Rasa's CPU time per message).

With `install()`, a ResponseSelector whose config has `only_if_intent_in_top: N` (config.yml) runs
only for messages where its retrieval intent is among the N best intents so far (DIET's ranking
blended with the linear model's, `bot.nlu.linear_blend.LinearBlend`); for the others it
records that it has nothing to say, as Rasa's selector does for an empty ranking. Without that key
it runs on every message, as in Rasa. Training is not touched.
"""
from typing import List, Optional

from rasa.shared.nlu.constants import INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.patching import patch_once

CONFIG_KEY = "only_if_intent_in_top"
_MARK = "_bot_selective"


def may_be_retrieval(message: Message, retrieval_intent: Optional[str], top: int) -> bool:
    """Whether `retrieval_intent` is among the message's `top` best intents so far (True when the
    selector has no retrieval intent or nothing has ranked the message yet)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if not retrieval_intent or not ranking:
        return True
    return any(item.get("name") == retrieval_intent for item in ranking[:top])


def install() -> None:
    """Patch `ResponseSelector.process` (idempotent)."""
    from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
    from rasa.nlu.selectors.response_selector import ResponseSelector

    def make(original):
        def process(self, messages: List[Message]) -> List[Message]:
            top = self.component_config.get(CONFIG_KEY)
            if not top:
                return original(self, messages)
            wanted = [m for m in messages if may_be_retrieval(m, self.retrieval_intent, int(top))]
            chosen = {id(m) for m in wanted}
            for message in messages:
                if id(message) not in chosen:
                    properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
                    properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
                    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
            if wanted:
                original(self, wanted)
            return messages

        return process

    patch_once(ResponseSelector, "process", _MARK, make)

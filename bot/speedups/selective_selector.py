"""Run the ResponseSelector only for messages that may be FAQ questions.

Rasa 3.6 runs the ResponseSelector on every message, also on "hej", "tack" or "jag vill sluta köpa
sex", where its answer is never used: the bot reads the selector's choice only when the intent is
`faq` (the FAQ answer) or when `faq` is one of the few intents the two-stage fallback offers
("Menade du …?", actions/affirmation.py: the top two candidates). The selector costs about as much
as DIET (profiled under load: 20 % of Rasa's CPU time per message).

`bot.rasa_plugins.classifiers.ResponseSelector`: a selector whose config has `only_if_intent_in_top: N` (config.yml) runs
only for messages where its retrieval intent is among the N best intents so far (DIET's ranking
blended with the linear model's, `bot.rasa_plugins.linear_blend.LinearBlend`); for the others it
records that it has nothing to say, as Rasa's selector does for an empty ranking. Without that key
it runs on every message, as in Rasa. Training is not touched.
"""

from typing import Optional

from rasa.shared.nlu.constants import INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

CONFIG_KEY = "only_if_intent_in_top"


def may_be_retrieval(message: Message, retrieval_intent: Optional[str], top: int) -> bool:
    """Whether `retrieval_intent` is among the message's `top` best intents so far (True when the
    selector has no retrieval intent or nothing has ranked the message yet)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if not retrieval_intent or not ranking:
        return True
    return any(item.get("name") == retrieval_intent for item in ranking[:top])

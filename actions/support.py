"""`action_support`: support for victim_help and worried_about_other, by situation.

Situation: the `situation` entity (button payloads), else cues in the text (`bot.domain.situation`),
else the `situation` slot if it fits the intent. When still unclear it asks one question with
four buttons and sets `awaiting_situation`; asked once already, it gives the general answer.
Uses the `location` slot for local services. Sets `situation` and `awaiting_situation`.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text, send
from bot.domain import places, referral
from bot.domain import situation as cues

# When the user was asked once and it is still unclear: an answer that helps either way.
GENERAL = {"victim_help": "sells_sex", "worried_about_other": "relative_of_seller"}


class ActionSupport(Action):
    def name(self) -> Text:
        return "action_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        fits = cues.SELF_SITUATIONS if intent == "victim_help" else cues.OTHER_SITUATIONS
        named = [v for v in tracker.get_latest_entity_values("situation") if v in cues.SITUATIONS]
        slot = tracker.get_slot("situation")
        found = named[0] if named else cues.detect(latest_text(tracker), intent) or (slot if slot in fits else None)
        if found is None and not tracker.get_slot("awaiting_situation"):
            send(dispatcher, referral.clarify_situation())
            return [SlotSet("awaiting_situation", True)]
        found = found or GENERAL.get(intent, "sells_sex")
        location = tracker.get_slot("location")
        send(dispatcher, referral.support(found, places.find_place(location) if location else None))
        return [SlotSet("situation", found), SlotSet("awaiting_situation", False)]

"""`action_referral`: where to find KAST for the user's place, or ask where they live.

Runs for want_to_stop_buying, find_kast, inform_location, and deny or an unclear message
(nlu_fallback) while `awaiting_location`.
Place: the latest `location` entity, else a place in the latest text, else the `location` slot;
always resolved again with `bot.domain.places`. After inform_location, a user on the selling side (slot
`situation`) gets Mika/Evonhuset instead of KAST. Sets `location` (canonical) and `awaiting_location`.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text, send
from bot.domain import places, referral


def _place(named: List[str], text: str, slot: Optional[str], answering: bool) -> Optional[places.Place]:
    for value in named:
        place = places.find_place(value)
        if place:
            return place
    if named:
        return None  # the user named a place we do not know: do not fall back on an old one
    found = places.find_place(text) if answering else next(iter(places.find_places_in_text(text)), None)
    return found or (places.find_place(slot) if slot else None)


class ActionReferral(Action):
    def name(self) -> Text:
        return "action_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        awaiting = bool(tracker.get_slot("awaiting_location"))
        if intent == "deny":  # declined to say where: national options, no place needed
            send(dispatcher, referral.national_kast())
            return [SlotSet("awaiting_location", False)]

        named = list(tracker.get_latest_entity_values("location"))
        # While we wait for a place, an unclear message is read as the answer too.
        answering = awaiting and intent in ("inform_location", "nlu_fallback")
        place = _place(named, latest_text(tracker), tracker.get_slot("location"), answering)
        if place:
            situation = tracker.get_slot("situation") if intent == "inform_location" else None
            send(dispatcher, referral.for_place(place, situation))
            return [SlotSet("location", place.name), SlotSet("awaiting_location", False)]
        if named or answering:
            send(dispatcher, referral.not_recognised())
            return [SlotSet("location", None), SlotSet("awaiting_location", True)]
        send(dispatcher, referral.ask_location())
        return [SlotSet("awaiting_location", True)]

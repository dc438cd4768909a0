"""bot.speedups.rule_search, through bot.rasa_plugins.policies.RulePolicy: skipping the search for
end-to-end rules changes no prediction."""

import json

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_plugins import policies
from bot.speedups.rule_search import text_rules_possible

from .helpers import components


def _key(*states):
    return json.dumps(list(states))


@pytest.mark.parametrize(
    "keys,possible",
    [
        ([_key({"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}})], False),
        ([_key({"prev_action": {"action_name": "action_listen"}, "user": {"text": "hej"}})], True),
        ([_key({"prev_action": {"action_name": "action_listen"}})], True),
        ([_key()], True),
        ([], False),
        # A rule that starts with a bot action: after it every rule predicts action_listen.
        (
            {
                _key({"prev_action": {"action_name": "utter_myth"}}): "action_listen",
                _key({"prev_action": {"action_name": "utter_myth"}, "user": {"intent": "myth"}}): "action_listen",
            },
            False,
        ),
        # … but not when another rule predicts something else after the same action.
        (
            {
                _key({"prev_action": {"action_name": "utter_myth"}}): "action_listen",
                _key({"prev_action": {"action_name": "utter_myth"}, "user": {"intent": "myth"}}): "utter_help",
            },
            True,
        ),
    ],
)
def test_text_rules_possible(keys, possible):
    assert text_rules_possible(keys) is possible


def _policy(parser) -> RulePolicy:
    found = components(parser, RulePolicy)
    assert len(found) == 1 and isinstance(found[0], policies.RulePolicy), found
    return found[0]


def test_the_trained_rules_have_no_end_to_end_rule(parser):
    assert text_rules_possible(_policy(parser).lookup["rules"]) is False


def test_predictions_are_the_same_at_every_step_of_a_conversation(parser, fast, rasa_code, monkeypatch):
    """Every step of a conversation: the same prediction with the text search skipped and with
    Rasa's own RulePolicy code (BOT_SPEEDUPS=0)."""
    agent, domain, policy = parser.agent, parser.agent.domain, _policy(parser)
    sender = "rule-search-test"
    for text in [
        "hej",
        "vad är kast",
        "är det olagligt att köpa sex",
        "är du en robot",
        "jag vill inte leva längre",
        "tack",
        "hej då",
    ]:
        parser._loop.run_until_complete(agent.handle_text(text, sender_id=sender))
    events = list(parser._loop.run_until_complete(agent.tracker_store.retrieve(sender)).events)
    prefixes = [events[:i] for i in range(2, len(events) + 1)]
    assert len(prefixes) > 20

    def predictions():
        out = []
        for prefix in prefixes:
            tracker = DialogueStateTracker.from_events(sender, prefix, domain.slots)
            p = policy.predict_action_probabilities(tracker, domain)
            out.append((p.probabilities, p.policy_name, p.is_end_to_end_prediction, p.events, p.optional_events))
        return out

    monkeypatch.delitem(policy.__dict__, policies._FLAG, raising=False)
    ours = predictions()
    assert policy.__dict__.get(policies._FLAG) is False, "the text search was never skipped"
    searches = []
    rasa_search = RulePolicy._find_action_from_rules

    def spy(self, tracker, domain, use_text_for_last_user_input):
        searches.append(use_text_for_last_user_input)
        return rasa_search(self, tracker, domain, use_text_for_last_user_input)

    monkeypatch.setattr(RulePolicy, "_find_action_from_rules", spy)
    rasa_code()
    assert ours == predictions()
    assert True in searches, "Rasa's text search did not run"

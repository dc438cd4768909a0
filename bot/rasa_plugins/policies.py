"""RulePolicy as config.yml names it (`bot.rasa_plugins.policies.RulePolicy`).

Rasa's RulePolicy, subclassed (same class name: Rasa reads the policy name in its predictions).
After every user message Rasa searches its rules twice: with the message's text in place of its
intent (for end-to-end rules, `user: <text>`), then with the intent. With `bot.speedups` enabled,
the text search returns "no rule" at once when no rule of the trained model could answer a text
state differently from its intent and no form is active (`bot.speedups.rule_search`); every other
search is Rasa's. Rasa ignores the source of a text search that found nothing, so the predictions
are the same (tested with the trained model).

Rasa's recipe validator checks a RulePolicy against the domain (the fallback action must exist)
only when the class is exactly Rasa's (`node.uses == RulePolicy`); `train` runs that check itself.
"""

from typing import Any, List, Optional, Text, Tuple

from rasa.core.policies import rule_policy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain

from bot import speedups
from bot.speedups.rule_search import text_rules_possible

_FLAG = "_bot_text_rules_possible"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RulePolicy(rule_policy.RulePolicy):
    """Rasa's RulePolicy without the end-to-end rule search where none can exist."""

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        self.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)

    def _find_action_from_rules(
        self, tracker, domain, use_text_for_last_user_input: bool
    ) -> Tuple[Optional[Text], Optional[Text], bool]:
        if use_text_for_last_user_input and tracker.active_loop_name is None and speedups.enabled():
            possible = self.__dict__.get(_FLAG)
            if possible is None:
                possible = self.__dict__[_FLAG] = text_rules_possible(self.lookup.get(rule_policy.RULES, {}))
            if not possible:
                return None, None, False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)

"""Rasa plugins: the classes `config.yml`, `credentials.yml` and `endpoints.yml` name by module path.

Graph components (tokenizer, featurizer, classifiers, gates, places, payloads), the RulePolicy
subclass, the custom action class, the masking REST channel and the tracker store. Each is a thin
adapter over `bot.domain` and `bot.privacy`; the fast paths of the components go stock when
`bot.speedups` is off.
"""

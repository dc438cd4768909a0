"""Domain logic in plain Python, with no Rasa, TensorFlow or web import.

The places list, the support registry and the referral texts, the safety cues and rules, the
language guess, the lemma store, the fact registry and the intent contract, the campaigns and their
counters, and the linear text classifier. Everything else in `bot/` (the Rasa plugins, the actions,
the web front, the staff tools) is an adapter over these modules; nothing here imports them.
"""

"""Custom Rasa NLU components for Swedish: tokenizer, places, language and safety gates.

Each component is a thin adapter: the logic it calls lives in plain modules of `bot/`.
"""

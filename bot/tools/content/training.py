"""`python -m bot train`: `rasa train` through the project's launcher (bot.rasa_main).

The launcher installs the speed-ups, among them `bot.speedups.training_cache`, which keeps the FAQ
answer texts out of the NLU steps' cache keys: after an edit of an answer only the model file is
packed again (about 20 s instead of minutes). See CONTENT.md, «Träna om».
"""

from typing import List


def train(args: List[str]) -> None:
    """`rasa train <args>` through the project's launcher."""
    from bot import rasa_main

    rasa_main.main(["train", *args])

"""Custom actions for the Rasa action server (`rasa run actions --actions actions`).

One module per concern; each is a thin adapter that reads the tracker and sends what `bot/`
builds. Importing the modules here registers their actions with the server.
"""

from actions import affirmation, handoff, referral, report, support  # noqa: F401
from bot.domain import resources

resources.load()  # a broken content/resources.yml stops the server at start, with clear messages

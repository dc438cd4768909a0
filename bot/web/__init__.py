"""The public web chat: a sanic app serving the chat page and the embeddable widget, relaying
messages server-side to Rasa's REST channel (Rasa's HTTP API is never exposed to the public).

Start it with `python -m bot.web`; settings come from environment variables, listed in
`bot.web.config` and in docs/web.md. Embed the widget on another site with one tag:
`<script src="https://<this server>/widget.js" defer></script>` (and add that site's origin to
`WEB_CORS_ORIGINS`).
"""

from bot.web.app import create_app
from bot.web.config import Settings

__all__ = ["create_app", "Settings"]

"""`python -m bot.web`: run the web front (see `bot.web.config` for the environment variables)."""
import logging

from bot.web.app import create_app
from bot.web.config import Settings


def main() -> None:
    """Read the settings, build the app and serve it; the access log stays off."""
    settings = Settings.from_env()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    own = logging.getLogger("bot")
    own.addHandler(handler)
    own.setLevel(getattr(logging, settings.log_level, logging.INFO))
    app = create_app(settings)
    logging.getLogger("bot.web").info(
        "Web front on port %d, relaying to %s", settings.port, ", ".join(settings.webhook_urls)
    )
    app.run(
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
        debug=False,
        auto_reload=False,
        motd=False,
    )


if __name__ == "__main__":
    main()

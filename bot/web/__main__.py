"""`python -m bot.web`: run the web front (see `bot.web.config` for the environment variables).

It runs in its own small environment (`.venv-web`, `requirements-web.lock`: a current sanic, no Rasa).
Current sanic starts its worker processes from a factory (`AppLoader`), so each worker builds the app
and its logging itself; with one worker it serves in this process. Sanic 21.12 (Rasa's, in `.venv`)
is still supported through `app.run`.
"""

import logging
import os
from functools import partial

from sanic import Sanic

from bot.web.app import create_app
from bot.web.config import Settings

try:  # sanic >= 22.12
    from sanic.worker.loader import AppLoader
except ImportError:  # sanic 21.12
    AppLoader = None

SERVE_OPTIONS = dict(access_log=False, debug=False, auto_reload=False, motd=False)


def configure_logging(settings: Settings) -> None:
    """Our own loggers ("bot.*") to stderr at WEB_LOG_LEVEL; once per process."""
    own = logging.getLogger("bot")
    if any(getattr(h, "_jamchat", False) for h in own.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._jamchat = True
    own.addHandler(handler)
    own.setLevel(getattr(logging, settings.log_level, logging.INFO))


def build_app(settings: Settings) -> Sanic:
    """The app of one worker process, with its logging (the factory the workers are started from)."""
    configure_logging(settings)
    return create_app(settings)


def main() -> None:
    """Read the settings, build the app and serve it; the access log stays off."""
    settings = Settings.from_env()
    configure_logging(settings)
    logging.getLogger("bot.web").info(
        "Web front on port %d, relaying to %s", settings.port, ", ".join(settings.webhook_urls)
    )
    if AppLoader is None:
        create_app(settings).run(host=settings.host, port=settings.port, workers=settings.workers, **SERVE_OPTIONS)
        return
    # The workers unpickle the factory by module name; run as `python -m bot.web` this module is
    # `__main__`, which a worker cannot import, so the factory is taken from `bot.web.__main__`.
    from bot.web import __main__ as entry

    loader = AppLoader(factory=partial(entry.build_app, settings))
    app = loader.load()
    single = settings.workers == 1
    if not single and os.getpgrp() != os.getpid():
        # Sanic's manager kills a failed worker's whole process group: keep that group to our own
        # processes (under scripts/run.sh it would otherwise be Rasa's and the action server's too).
        os.setpgrp()
    app.prepare(
        host=settings.host, port=settings.port, workers=settings.workers, single_process=single, **SERVE_OPTIONS
    )
    if single:
        Sanic.serve_single(app)
    else:
        Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()

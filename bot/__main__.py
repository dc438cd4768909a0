"""`python -m bot …`: the staff command line (see `bot.tools.cli`, or `python -m bot --help`)."""

import sys

from bot.tools.cli import main

if __name__ == "__main__":
    sys.exit(main())

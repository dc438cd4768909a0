"""`python -m bot …`: the staff command line (see `bot.cli`, or `python -m bot --help`)."""
import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m regionmath``: the same as the ``regionmath`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m explorer` is the `explore` command."""

import sys

from explorer.cli import main

sys.exit(main())

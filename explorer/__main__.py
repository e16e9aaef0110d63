"""`python -m explorer` is the `explore` command."""

import sys

from explorer.cli.main import main

sys.exit(main())

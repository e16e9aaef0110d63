"""`python -m explorer`: the same command as `explore`.

`python -m` puts the current directory first on sys.path; a `json.py` or `torch.py`
lying there would shadow the real module in this process too. It is dropped before
anything else is imported (unless PYTHONPATH names it on purpose).
"""

import os
import sys

_cwd = os.getcwd()
_explicit = {os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
sys.path[:] = [p for p in sys.path if (os.path.abspath(p) if p else _cwd) != _cwd or p in _explicit
               or os.path.abspath(p) in _explicit]  # fmt: skip

from explorer.cli.main import main  # noqa: E402 - only after the path is safe

sys.exit(main())

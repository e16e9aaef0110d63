"""Finding your way: dir() and help()

dir(obj) lists the names an object offers; names starting with "_" or "__"
are internals, so filtering them out leaves the public API. help(obj) prints
the docstring and signature: the quickest answer to "what does this do and
how do I call it?".
"""

import torch
from torch.distributions import Multinomial

public = [name for name in dir(torch.distributions) if not name.startswith("_")]
print(f"{len(public)} public names in torch.distributions, e.g.:")
print(public[:12])

print("public methods of Multinomial:")
print([name for name in dir(Multinomial) if not name.startswith("_")])

help(torch.ones)

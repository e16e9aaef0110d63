"""Sampling a die with Multinomial

A fair die is a categorical distribution with probability 1/6 per face.
Multinomial(n, probs) counts how often each face comes up in n rolls;
sample((5,)) repeats that experiment five times, one row per experiment.
"""

import torch
from torch.distributions.multinomial import Multinomial

fair_probs = torch.ones(6) / 6
print("fair_probs =", fair_probs)

one_roll = Multinomial(1, fair_probs).sample()
print("one roll (one-hot face):", one_roll)

counts = Multinomial(10, fair_probs).sample((5,))
print("five experiments of 10 rolls each (counts per face):")
print(counts)
print("each row sums to 10:", bool((counts.sum(dim=1) == 10).all()))

counts = Multinomial(1000, fair_probs).sample()
print("relative frequencies in 1000 rolls:", counts / 1000)

"""Relative frequencies converge to 1/6

Roll a fair die many times and track, after each roll, how often each face
has come up so far. Early on the estimates jump around; as the number of
rolls grows they settle near the true probability 1/6 (law of large
numbers). The plot shows the six running estimates against the line 1/6.
"""

import torch
from torch.distributions.multinomial import Multinomial

rolls = 10_000
fair_probs = torch.ones(6) / 6
one_hot_rolls = Multinomial(1, fair_probs).sample((rolls,))  # one row per roll
cum_counts = one_hot_rolls.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdim=True)

for n in (10, 100, 1_000, rolls):
    print(f"after {n:>6} rolls:", [round(p, 3) for p in estimates[n - 1].tolist()])
frequencies = estimates[-1]
print("largest distance from 1/6 at the end:", round((frequencies - 1 / 6).abs().max().item(), 4))

# plot() is provided by the explorer kernel (a chart in the TUI); elsewhere skip it.
steps = list(range(1, rolls + 1, 50))
series = {
    f"P(die={face + 1})": estimates[[s - 1 for s in steps], face].tolist() for face in range(6)
}
series["1/6"] = [1 / 6] * len(steps)
try:
    plot(
        series,
        x=steps,
        title="Running estimates of P(face)",
        xlabel="rolls",
        ylabel="relative frequency",
    )
except NameError:
    print("(plot() is available when this runs in the explorer kernel)")

"""Gradients through Python control flow

Autograd records the operations that actually ran, so a function with a
while loop and an if still has a gradient: for each input, the path taken
is a chain of multiplications by 2, so f(a) = k·a for some k that depends on
a, and the gradient is exactly k = f(a) / a.
"""

import torch


def f(a: torch.Tensor) -> torch.Tensor:
    b = a * 2
    while b.norm() < 1000:  # how many doublings depends on the value of a
        b = b * 2
    c = b if b.sum() > 0 else 100 * b  # and so does the branch
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print("a =", a.item())
print("f(a) =", d.item())
print("a.grad =", a.grad.item())
print("a.grad == f(a) / a:", bool(torch.isclose(a.grad, d / a)))

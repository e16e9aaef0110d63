"""The chain rule

For y = f(u) and u = g(x), dy/dx = dy/du · du/dx. Here y = sin(u) with
u = x², so dy/dx = cos(x²) · 2x. Autograd applies the chain rule through
every recorded step; its answer matches the formula.
"""

import torch

x = torch.linspace(-2.0, 2.0, 5, requires_grad=True)
u = x**2
y = torch.sin(u)
y.sum().backward()

by_hand = torch.cos(x.detach() ** 2) * 2 * x.detach()
print("x          =", x.detach())
print("autograd   =", x.grad)
print("cos(x²)·2x =", by_hand)
print("chain rule holds:", torch.allclose(x.grad, by_hand))

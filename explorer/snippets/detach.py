"""Detaching: stop gradients at a tensor

y.detach() returns a tensor with the same values but no history. In
z = u * x with u = y.detach(), autograd treats u as a constant: dz/dx is u,
not the full derivative of y * x. The graph of y itself is untouched, so
y can still be differentiated on its own.
"""

import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
print("u = y.detach():", u, "requires_grad =", u.requires_grad)

z.sum().backward()
print("x.grad =", x.grad)
print("x.grad == u (u acts as a constant):", x.grad == u)

# Without detach the product rule would give 3x²; y keeps its own graph.
x.grad.zero_()
y.sum().backward()
print("y.sum().backward() still works: x.grad =", x.grad)
print("x.grad == 2 * x:", x.grad == 2 * x)

"""Autograd basics: the gradient of y = 2·xᵀx

Mark a tensor with requires_grad=True and torch records every operation on
it. Calling backward() on a scalar result fills x.grad with dy/dx; for
y = 2·xᵀx that is 4x. Gradients accumulate, so zero them before the next
backward pass.
"""

import torch

x = torch.arange(4.0, requires_grad=True)
print("x =", x)
print("x.grad before backward:", x.grad)  # None: nothing computed yet

y = 2 * torch.dot(x, x)
print("y = 2 * x·x =", y)
print("y.grad_fn =", y.grad_fn)  # the recorded operation that made y

y.backward()
print("x.grad =", x.grad)
print("x.grad == 4 * x:", x.grad == 4 * x)

# A second backward pass adds to x.grad instead of replacing it: zero it first.
x.grad.zero_()
y = x.sum()
y.backward()
print("after zero_() and y = x.sum(): x.grad =", x.grad)

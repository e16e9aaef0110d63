"""The derivative as a limit

The derivative of f at x is the limit of (f(x + h) - f(x)) / h as h shrinks.
For f(x) = 3x² - 4x at x = 1 the quotient approaches f'(1) = 6·1 - 4 = 2;
autograd gives that value directly.
"""

import torch


def f(x):
    return 3 * x**2 - 4 * x


x = 1.0
h = 0.1
for _ in range(5):
    quotient = (f(x + h) - f(x)) / h
    print(f"h={h:.5f}, numerical limit={quotient:.5f}")
    h *= 0.1

t = torch.tensor(x, requires_grad=True)
f(t).backward()
print("autograd f'(1) =", t.grad.item())

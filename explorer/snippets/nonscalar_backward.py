"""Non-scalar outputs: backward needs a vector

backward() on a vector y asks "gradient of what?". Passing a vector v computes
the gradient of (y * v).sum(), a vector-Jacobian product. With v all ones
that is the gradient of y.sum(), which is why y.sum().backward() and
y.backward(torch.ones_like(y)) give the same x.grad.
"""

import torch

x = torch.arange(4.0, requires_grad=True)

y = x * x
y.sum().backward()
via_sum = x.grad.clone()
print("y.sum().backward():               x.grad =", via_sum)

x.grad.zero_()
y = x * x
y.backward(torch.ones_like(y))
via_ones = x.grad.clone()
print("y.backward(torch.ones_like(y)):   x.grad =", via_ones)
print("same gradient:", torch.equal(via_sum, via_ones))

# A general weight vector w: y.backward(w) is the gradient of (y * w).sum().
w = torch.tensor([1.0, 0.5, -1.0, 2.0])
x.grad.zero_()
y = x * x
y.backward(w)
via_w = x.grad.clone()

x.grad.zero_()
(x * x * w).sum().backward()
via_weighted_sum = x.grad.clone()
print("y.backward(w):          x.grad =", via_w)
print("(y * w).sum().backward(): x.grad =", via_weighted_sum)
print("same gradient:", torch.equal(via_w, via_weighted_sum))

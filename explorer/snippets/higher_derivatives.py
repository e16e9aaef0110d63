"""Higher derivatives with torch.autograd.grad

torch.autograd.grad(y, x, create_graph=True) returns dy/dx as a tensor that
is itself part of a graph, so it can be differentiated again. Normally a
backward pass frees the graph it used; retain_graph=True keeps it so the
same graph can be walked a second time.
"""

import torch

x = torch.tensor(2.0, requires_grad=True)
y = x**3  # y' = 3x², y'' = 6x

(first,) = torch.autograd.grad(y, x, create_graph=True)
(second,) = torch.autograd.grad(first, x)
print("x =", x.item())
print(f"dy/dx   = {first.item()}  (3x² = {3 * x.item() ** 2})")
print(f"d²y/dx² = {second.item()}  (6x = {6 * x.item()})")

# Two passes over one graph: the first must keep it with retain_graph=True.
z = torch.sin(x) * x
(once,) = torch.autograd.grad(z, x, retain_graph=True)
(again,) = torch.autograd.grad(z, x)
print("two passes over one graph agree:", bool(once == again))

# Without retain_graph the second pass fails: the graph was freed.
w = torch.sin(x) * x
torch.autograd.grad(w, x)
try:
    torch.autograd.grad(w, x)
    print("second pass without retain_graph: worked")
except RuntimeError as error:
    print("second pass without retain_graph: RuntimeError:", str(error).split(".")[0])

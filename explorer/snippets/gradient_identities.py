"""Gradient identities, checked with autograd

Five rules of matrix calculus: ∇ₓ Ax = Aᵀ, ∇ₓ xᵀA = A, ∇ₓ xᵀAx = (A + Aᵀ)x,
∇ₓ ‖x‖² = 2x and ∇_X ‖X‖_F² = 2X. The gradient of a vector function is the
matrix of all partial derivatives in the layout these formulas use
(gradient of each output component as a column), so the first two are
checked with torch.autograd.functional.jacobian.
"""

import torch
from torch.autograd.functional import jacobian

torch.manual_seed(0)
n, m = 3, 4
A = torch.randn(m, n)
x = torch.randn(n)

# ∇ₓ Ax: the Jacobian of Ax is A (m × n); in gradient layout it is Aᵀ.
grad_Ax = jacobian(lambda v: A @ v, x).T
print("∇ₓ Ax = Aᵀ:", torch.allclose(grad_Ax, A.T))

# ∇ₓ xᵀB for B of shape (n, m): xᵀB has m components, the Jacobian is Bᵀ, the gradient B.
B = torch.randn(n, m)
grad_xB = jacobian(lambda v: v @ B, x).T
print("∇ₓ xᵀA = A:", torch.allclose(grad_xB, B))

# ∇ₓ xᵀAx = (A + Aᵀ)x for a square A: a scalar, so backward() gives the gradient.
S = torch.randn(n, n)
xs = x.clone().requires_grad_(True)
(xs @ S @ xs).backward()
print("∇ₓ xᵀAx = (A + Aᵀ)x:", torch.allclose(xs.grad, (S + S.T) @ x))

# ∇ₓ ‖x‖² = 2x
xs = x.clone().requires_grad_(True)
(xs.norm() ** 2).backward()
print("∇ₓ ‖x‖² = 2x:", torch.allclose(xs.grad, 2 * x))

# ∇_X ‖X‖_F² = 2X
X = torch.randn(m, n, requires_grad=True)
(torch.linalg.matrix_norm(X) ** 2).backward()
print("∇_X ‖X‖_F² = 2X:", torch.allclose(X.grad, 2 * X.detach()))

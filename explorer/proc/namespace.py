"""The kernel's user namespace: doctest-like seeding, variables, autograd graphs, plot().

Kept apart from kernel.py (process plumbing) because all of this is about
looking at the user's objects. torch is never imported here unless seeding
asks for it (a torch target's conventions, or a namespace with no module of
its own); tensors are recognised through `sys.modules`.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import sys
import types
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from explorer.core.conventions import conventions
from explorer.core.errors import UsageError, describe_error
from explorer.core.model import GradGraph, GraphNode, Plot, PlotSeries, TensorInfo, Variable
from explorer.core.resolve import resolve, validate

REPR_LIMIT = 200
GRAPH_NODE_LIMIT = 400
PLOT_POINT_LIMIT = 100_000
PLOT_KINDS = ("line", "bar", "scatter")

PlotSink = Callable[[Plot], None]


def seed_module_of(seed: str) -> types.ModuleType:
    """The module whose globals seed the namespace: the module itself, or the one
    that defines the object (as doctest does for a docstring's examples). A C
    function has no module of its own: it is documented where the reader found it
    (`torch.nn.functional.conv1d` is `torch.conv1d` with F's docstring)."""
    resolved = resolve(seed)
    if isinstance(resolved.obj, types.ModuleType):
        return resolved.obj
    if isinstance(resolved.obj, types.BuiltinFunctionType):
        return resolved.module
    home = getattr(resolved.obj, "__module__", None)
    module = sys.modules.get(home) if isinstance(home, str) else None
    return module if module is not None else resolved.module


class Namespace:
    """A dict of globals plus what it was seeded with, to tell user names apart.

    Seeded, in order: the globals of the seed's module; then `imports` (module
    names, each binding its top-level name) or, when None, the package's example
    conventions (`conventions`), each name bound only where the module has none of
    its own; then `extras`; then `setup` code run in it (like xdoctest's --global-exec).
    """

    def __init__(
        self,
        seed: str | None = None,
        imports: Iterable[str] | None = None,
        extras: dict[str, Any] | None = None,
        setup: str = "",
    ) -> None:
        self.seed = seed
        if seed:
            self.globals: dict[str, Any] = dict(vars(seed_module_of(seed)))
        else:
            self.globals = {"__name__": "__main__", "__builtins__": builtins}
        self.globals.setdefault("__builtins__", builtins)
        if imports is None:
            pairs = conventions(seed)
        else:
            pairs = tuple((name.split(".")[0], name) for name in imports)
        for name, module in pairs:
            if name not in self.globals:
                self.globals[name] = _bound(name, module)
        for name, value in (extras or {}).items():
            self.globals.setdefault(name, value)
        if setup.strip():
            exec(compile(setup, "<setup>", "exec"), self.globals)  # noqa: S102 - the user's own
        self._seeded = dict(self.globals)

    def user_names(self) -> list[str]:
        """Names the user's runs created or rebound (modules and dunders left out)."""
        names = []
        for name, value in self.globals.items():
            if name.startswith("__") or isinstance(value, types.ModuleType):
                continue
            if name in self._seeded and self._seeded[name] is value:
                continue
            names.append(name)
        return names

    def lookup(self, path: str) -> Any:
        """`x` or `x.grad`: a namespace name then getattr steps, never eval."""
        parts = validate(path)
        if parts[0] not in self.globals:
            raise UsageError(f"no variable named {parts[0]!r} in the kernel")
        value = self.globals[parts[0]]
        for part in parts[1:]:
            value = getattr(value, part)
        return value

    def variables(self) -> list[Variable]:
        return [describe_variable(name, self.globals[name]) for name in self.user_names()]


def _bound(name: str, module: str) -> types.ModuleType:
    """The module a name stands for: `torch` for `import torch.nn`, the module itself
    for a convention such as `F = torch.nn.functional`."""
    validate(module)
    imported = importlib.import_module(module)
    top = module.split(".")[0]
    return sys.modules[top] if name == top and module != top else imported


def _torch_tensor_type() -> type | None:
    torch = sys.modules.get("torch")
    return getattr(torch, "Tensor", None) if torch is not None else None


def is_tensor(value: Any) -> bool:
    tensor_type = _torch_tensor_type()
    return tensor_type is not None and isinstance(value, tensor_type)


def short_repr(value: Any, limit: int = REPR_LIMIT, *, one_line: bool = True) -> str:
    """repr capped at `limit`; folded onto one line for panels, kept whole for the REPL."""
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ is shown, not raised
        return f"<repr failed: {describe_error(exc)}>"
    if one_line and "\n" in text:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def describe_tensor(tensor: Any) -> TensorInfo:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # .grad of a non-leaf warns; None is the answer
        grad = tensor.grad
    grad_fn = tensor.grad_fn
    return TensorInfo(
        shape=tuple(tensor.shape),
        dtype=str(tensor.dtype).removeprefix("torch."),
        device=str(tensor.device),
        requires_grad=bool(tensor.requires_grad),
        is_leaf=bool(tensor.is_leaf),
        grad_shape=tuple(grad.shape) if grad is not None else None,
        grad_fn=type(grad_fn).__name__ if grad_fn is not None else None,
    )


def describe_variable(name: str, value: Any) -> Variable:
    kind = "data"
    if inspect.isclass(value):
        kind = "class"
    elif callable(value):
        kind = "function"
    variable = Variable(name, type_name(value), kind, short_repr(value))
    if not is_tensor(value):
        return variable
    try:
        return replace(variable, kind="tensor", tensor=describe_tensor(value))
    except Exception as exc:  # noqa: BLE001 - exotic tensor subclasses
        return replace(variable, kind="tensor", error=describe_error(exc))


class GraphBuilder:
    """The autograd graph below a tensor's grad_fn as a tree of GraphNode records."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.leaf_names: dict[int, str] = {}
        self.node_names: dict[int, str] = {}
        for name, value in names.items():
            if not is_tensor(value) or name.startswith("__"):
                continue
            self.leaf_names.setdefault(id(value), name)
            if value.grad_fn is not None:
                self.node_names.setdefault(id(value.grad_fn), name)
        self.seen: set[int] = set()
        self.count = 0
        self.truncated = False

    def node(self, fn: Any) -> GraphNode:
        self.count += 1
        node = GraphNode(type(fn).__name__, self.node_names.get(id(fn)), None, id(fn) in self.seen)
        leaf = getattr(fn, "variable", None)  # AccumulateGrad holds its leaf tensor
        if leaf is not None and is_tensor(leaf):
            node = replace(node, variable=self.leaf_names.get(id(leaf)), shape=tuple(leaf.shape))
        if node.repeat:
            return node
        self.seen.add(id(fn))
        children: list[GraphNode] = []
        for next_fn, _ in getattr(fn, "next_functions", ()):
            if next_fn is None:
                continue
            if self.count >= GRAPH_NODE_LIMIT:
                self.truncated = True
                break
            children.append(self.node(next_fn))
        return replace(node, children=tuple(children))


def grad_graph(namespace: Namespace, path: str) -> GradGraph:
    value = namespace.lookup(path)
    if not is_tensor(value):
        raise UsageError(f"{path} is a {type_name(value)}, not a tensor")
    if value.grad_fn is None:
        why = (
            "a leaf tensor: gradients accumulate in its .grad"
            if value.requires_grad
            else "not tracked by autograd (requires_grad=False)"
        )
        return GradGraph(path, None, 0, False, f"{path} has no grad_fn: it is {why}")
    builder = GraphBuilder(namespace.globals)
    root = builder.node(value.grad_fn)
    root = replace(root, variable=root.variable or path)
    return GradGraph(path, root, builder.count, builder.truncated)


def _numbers(series: Any, what: str) -> tuple[float | str, ...]:
    if is_tensor(series):
        series = series.detach().flatten().tolist()
    try:
        values = list(series)
    except TypeError:
        raise TypeError(
            f"plot(): {what} must be a list, range or tensor, not {type(series).__name__}"
        ) from None
    if len(values) > PLOT_POINT_LIMIT:
        raise ValueError(
            f"plot(): {what} has {len(values)} points; the limit is {PLOT_POINT_LIMIT}"
        )
    return tuple(v if isinstance(v, str) else float(v) for v in values)


def make_plot(emit: PlotSink) -> Callable[..., None]:
    """The `plot` helper: the kernel has no screen, so it sends the data to the UI."""

    def plot(
        *ys: Any,
        x: Any = None,
        kind: str = "line",
        title: str = "",
        xlabel: str = "",
        ylabel: str = "",
        labels: Iterable[str] | None = None,
    ) -> None:
        """Plot one or more series in the explorer: plot(y), plot(y1, y2, x=xs),
        plot({"a": ya, "b": yb}), kind="line" | "bar" | "scatter"."""
        if kind not in PLOT_KINDS:
            raise ValueError(f"plot(): kind must be one of {', '.join(PLOT_KINDS)}")
        if len(ys) == 1 and isinstance(ys[0], dict):
            labels, ys = list(ys[0]), tuple(ys[0].values())
        if not ys:
            raise TypeError("plot() needs at least one series of y values")
        names = list(labels) if labels is not None else []
        series = tuple(
            PlotSeries(names[i] if i < len(names) else "", _numbers(y, f"series {i + 1}"))
            for i, y in enumerate(ys)
        )
        xs = _numbers(x, "x") if x is not None else tuple(range(len(series[0].y)))
        emit(Plot(kind, xs, series, str(title), str(xlabel), str(ylabel)))

    return plot

"""Find every docstring example under a target: the target itself and, for a
module, every name it exposes and its loaded submodules, recursively.

Runs where the target may be imported (the kernel), never in the UI. Values
are read from `__dict__`s, so no property or `__getattr__` runs while walking.
One docstring's examples form one block: they share a namespace seeded from
the module that defines the object, as doctest and xdoctest do.

What counts, and under which name (the name a reader browsing the module sees):
- modules are walked breadth first, each one's public names (its `__all__`, else
  every name without a leading underscore) before its private ones, so an object
  is reported once, under the shortest public path that reaches it, and a
  docstring several objects share (the `boolean_dispatch` wrappers of
  `fractional_max_pool2d`) once too, under the first of them
  (`torch.distributions.Normal`, `torch.nn.functional.fractional_max_pool2d`,
  never `boolean_dispatch.<locals>.fn`);
- what is defined inside the package is walked wherever it is found;
- a C builtin exposed under a public name is documented where it is exposed
  (`torch.nn.functional.conv1d` is `torch.conv1d`, its docstring written for F):
  its block is seeded from the module that exposes it; so is a public name whose
  object is defined in a private module of the same package (`torch._functorch`
  behind `torch.func`), since the reader can only find it here;
- anything else defined elsewhere (a re-exported Python function or class) is
  walked where it is defined, not here.

Blocks keep xdoctest's own parts (`xdoctest_parts`) rather than the display-oriented
runs of `explorer.core.examples`: a directive line such as `>>> # xdoctest:
+SKIP` must only cover what follows it, which is what xdoctest's counts rest on.
"""

from __future__ import annotations

import inspect
import linecache
import os
import pkgutil
import re
import sys
import types
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from explorer.core.examples import xdoctest_parts
from explorer.core.model import Example, ExampleBlock
from explorer.core.objects import class_dict, defined_in, is_class, own_doc
from explorer.core.resolve import resolve

__all__ = ["ExampleBlock", "collect_blocks", "find_blocks", "submodules_on_disk"]


def collect_blocks(target: str) -> list[ExampleBlock]:
    """Every example block of `target` and its members, in a stable order."""
    return _walk(target).blocks


def find_blocks(target: str) -> tuple[list[ExampleBlock], list[str]]:
    """The blocks, and the public submodules on disk that nobody imported (unsearched)."""
    walker = _walk(target)
    return walker.blocks, sorted(walker.unsearched)


def submodules_on_disk(package: types.ModuleType) -> list[str]:
    """Public submodules of an imported package, at any depth, read from its
    directories (nothing is imported): parents before children.

    Private names (`_impl`) and `__main__` (a command line, not a module to
    import) are left out, and so is everything below them.
    """
    namespace = _dict_of(package)
    path, name = namespace.get("__path__"), namespace.get("__name__")
    if path is None or not isinstance(name, str):
        return []
    found: list[str] = []
    pending: deque[tuple[str, list[str]]] = deque([(name, _paths(path))])
    while pending:
        parent, directories = pending.popleft()
        for child, is_package in _children(directories):
            if child.startswith("_"):
                continue
            full = f"{parent}.{child}"
            found.append(full)
            if is_package:
                pending.append((full, [os.path.join(d, child) for d in directories]))
    return sorted(found)


def _paths(path: Any) -> list[str]:
    try:
        return [entry for entry in list(path) if isinstance(entry, str)]
    except Exception:  # noqa: BLE001 - an odd __path__: nothing to list
        return []


def _children(directories: list[str]) -> list[tuple[str, bool]]:
    try:
        infos = pkgutil.iter_modules([d for d in directories if os.path.isdir(d)])
        return sorted({(info.name, info.ispkg) for info in infos})
    except Exception:  # noqa: BLE001 - unreadable directories have no submodules for us
        return []


def _walk(target: str) -> _Walker:
    resolved = resolve(target)
    obj = resolved.obj
    if isinstance(obj, types.ModuleType):
        walker = _Walker(obj.__name__)
        walker.package(obj)
        return walker
    walker = _Walker(resolved.module.__name__)
    home = _module_name(obj, None)
    # A C function is documented where the reader found it (as the namespace seeds it).
    documented = isinstance(obj, types.BuiltinFunctionType) or home not in sys.modules
    seed = resolved.module.__name__ if documented else str(home)
    if is_class(obj):
        walker.klass(obj, seed, target)
    else:
        walker.callable(obj, seed, target)
    return walker


class _Walker:
    def __init__(self, root: str) -> None:
        self.root = root
        self.blocks: list[ExampleBlock] = []
        self.unsearched: set[str] = set()  # submodules on disk that were never imported
        self._seen: set[int] = set()
        self._docstrings: dict[tuple[str, str], int] = {}  # (seed module, docstring) -> block

    def _first_visit(self, obj: Any) -> bool:
        key = id(obj)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def package(self, top: types.ModuleType) -> None:
        """Breadth first: a module's names before its submodules' names."""
        queue: deque[types.ModuleType] = deque([top])
        while queue:
            module = queue.popleft()
            if self._first_visit(module):
                queue.extend(self.module(module))

    def module(self, module: types.ModuleType) -> list[types.ModuleType]:
        """Add the blocks of one module's names; return its submodules to walk next."""
        namespace = _dict_of(module)
        name = namespace.get("__name__")
        if not isinstance(name, str):
            return []
        self._add(module, name, name)
        submodules: list[types.ModuleType] = []
        for key, value, public in _exposed(namespace):
            if issubclass(type(value), types.ModuleType):
                if _is_within(_dict_of(value).get("__name__", ""), self.root):
                    submodules.append(value)
                continue
            self._member_of_module(value, name, f"{name}.{key}", public)
        self.unsearched.update(_unloaded_submodules(module))
        submodules.extend(sub for _, sub in _loaded_submodules(module))
        return submodules

    def _member_of_module(self, value: Any, module: str, public_name: str, public: bool) -> None:
        # defined_in never touches plain data, so no instance __getattr__ runs here.
        home = defined_in(value)
        if home is not None and _is_within(home, self.root):
            seed = home if home in sys.modules else module
        elif public and (
            isinstance(value, types.BuiltinFunctionType) or _private_home(home, self.root)
        ):
            seed = module  # documented where the reader finds it
        else:
            return  # defined elsewhere: walked (and named) where it is defined
        if is_class(value):
            self.klass(value, seed, public_name)
        else:
            self.callable(value, seed, public_name)

    def klass(self, klass: type, module: str, qualname: str) -> None:
        if not self._first_visit(klass):
            return
        self._add(klass, module, qualname)
        home = _module_name(klass, None)
        for name, raw in dict(class_dict(klass)).items():
            value = _unwrap(raw)
            if is_class(value):
                if _module_name(value, None) == home:
                    self.klass(value, module, f"{qualname}.{name}")
            elif value is not None and self._first_visit(value):
                self._add(value, module, f"{qualname}.{name}")

    def callable(self, obj: Any, module: str, qualname: str) -> None:
        obj = _unwrap(obj) or obj
        if self._first_visit(obj):
            self._add(obj, module, qualname)

    def _add(self, obj: Any, module: str, qualname: str) -> None:
        doc = _docstring(obj)
        if not doc or ">>>" not in doc:
            return
        if (shared := self._docstrings.get((module, doc))) is not None:
            # A wrapper sharing its function's docstring (boolean_dispatch) runs once, under
            # the shortest name (fractional_max_pool2d, not ..._with_indices).
            block = self.blocks[shared]
            if len(qualname) < len(block.qualname) and not _private_name(qualname):
                self.blocks[shared] = replace(block, qualname=qualname)
            return
        examples = xdoctest_parts(inspect.cleandoc(doc))
        if examples:
            file, lineno = _example_line(obj, doc, examples[0], module)
            self._docstrings[(module, doc)] = len(self.blocks)
            self.blocks.append(ExampleBlock(qualname, module, tuple(examples), file, lineno))


def _exposed(namespace: dict[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    """(name, value, public) for a module's names, public ones first; dunders left out."""
    exported = namespace.get("__all__")
    names = (
        {n for n in exported if isinstance(n, str)} if isinstance(exported, list | tuple) else None
    )
    items = [
        (key, value)
        for key, value in namespace.items()
        if isinstance(key, str) and not (key.startswith("__") and key.endswith("__"))
    ]

    def is_public(key: str) -> bool:
        return key in names if names is not None else not key.startswith("_")

    for key, value in items:
        if is_public(key):
            yield key, value, True
    for key, value in items:
        if not is_public(key):
            yield key, value, False


def _loaded_submodules(module: types.ModuleType) -> list[tuple[str, types.ModuleType]]:
    """Submodules already imported (no new imports here: importing can run anything)."""
    namespace = _dict_of(module)
    if "__path__" not in namespace or not isinstance(namespace.get("__name__"), str):
        return []
    prefix = namespace["__name__"] + "."
    found = [
        (name, sub)
        for name, sub in list(sys.modules.items())
        if name.startswith(prefix)
        and "." not in name[len(prefix) :]
        and isinstance(sub, types.ModuleType)
    ]
    return sorted(found, key=lambda item: item[0])


def _unloaded_submodules(module: types.ModuleType) -> list[str]:
    """Public direct submodules on disk that nothing imported (listed, never imported)."""
    namespace = _dict_of(module)
    path, name = namespace.get("__path__"), namespace.get("__name__")
    if path is None or not isinstance(name, str):
        return []
    children = [child for child, _ in _children(_paths(path)) if not child.startswith("_")]
    return [f"{name}.{child}" for child in children if f"{name}.{child}" not in sys.modules]


def _private_name(qualname: str) -> bool:
    return qualname.rsplit(".", 1)[-1].startswith("_")


def _private_home(home: str | None, root: str) -> bool:
    """A module of root's own package that no reader browses (`torch._functorch.apis`)."""
    if home is None or home.split(".")[0] != root.split(".")[0]:
        return False
    return any(part.startswith("_") for part in home.split("."))


def _is_within(name: str, root: str) -> bool:
    return name == root or name.startswith(root + ".")


def _dict_of(module: types.ModuleType) -> dict[str, Any]:
    try:
        return dict(object.__getattribute__(module, "__dict__"))
    except Exception:  # noqa: BLE001 - a module object with a hostile __dict__
        return {}


def _module_name(value: Any, default: str | None) -> str | None:
    try:
        name = type.__getattribute__(value, "__module__") if is_class(value) else value.__module__
    except Exception:  # noqa: BLE001 - anything may raise on a hostile object
        return default
    return name if isinstance(name, str) else default


def _unwrap(raw: Any) -> Any:
    """The function behind a classmethod/staticmethod/property; functions as they are."""
    if isinstance(raw, staticmethod | classmethod):
        return raw.__func__
    if isinstance(raw, property):
        return raw.fget if raw.__doc__ is None else raw
    if isinstance(raw, types.FunctionType | types.BuiltinFunctionType):
        return raw
    return raw if callable(raw) and _docstring(raw) else None


def _docstring(obj: Any) -> str | None:
    try:
        return own_doc(obj)
    except Exception:  # noqa: BLE001 - a non-string or hostile __doc__ has no examples
        return None


def _example_line(obj: Any, doc: str, first: Example, module: str) -> tuple[str | None, int | None]:
    """File and line of the first example: its text searched for from the definition on,
    else (a C function, a docstring copied onto a wrapper) in the file of the module
    that documents it, after the docstring's first line.

    Cheaper than inspect.getsourcelines, which tokenizes every block it returns.
    """
    wanted = first.source.splitlines()[0].strip()
    target: Any = obj.fget if isinstance(obj, property) else obj
    try:
        file = inspect.getsourcefile(target)
        lines = linecache.getlines(file) if file else []
        start = _definition_line(target, lines) if lines else 0
    except Exception:  # noqa: BLE001 - no source (builtin, hostile object)
        file, lines, start = None, [], 0
    found = _prompt_line(lines, wanted, start)
    if file is not None and found is not None:
        return file, found
    documented_in = _module_file(module)
    if documented_in is not None:
        lines = linecache.getlines(documented_in)
        opening = next((line.strip() for line in doc.splitlines() if line.strip()), "")
        after = next((i for i, line in enumerate(lines) if opening and opening in line), None)
        found = _prompt_line(lines, wanted, after) if after is not None else None
        if found is not None:
            return documented_in, found
    return file, None


def _prompt_line(lines: list[str], wanted: str, start: int) -> int | None:
    """1-based number of the first `>>> wanted` line at or after `start`."""
    for index in range(start, len(lines)):
        line = lines[index]
        if ">>>" in line and line.split(">>>", 1)[1].strip() == wanted:
            return index + 1
    return None


def _module_file(name: str) -> str | None:
    module = sys.modules.get(name)
    file = _dict_of(module).get("__file__") if module is not None else None
    return file if isinstance(file, str) and file.endswith(".py") else None


def _definition_line(obj: Any, lines: list[str]) -> int:
    """0-based line where `obj` is defined (0 for a module or when unknown)."""
    code = getattr(inspect.unwrap(obj), "__code__", None) if callable(obj) else None
    if isinstance(code, types.CodeType):
        return max(code.co_firstlineno - 1, 0)
    if is_class(obj):
        name = re.escape(str(getattr(obj, "__name__", "")))
        pattern = re.compile(rf"^\s*class\s+{name}\b")
        for index, line in enumerate(lines):
            if pattern.match(line):
                return index
    return 0

"""Find every docstring example under a target: the target itself and, for a
module, everything defined in it and its loaded submodules, recursively.

Runs where the target may be imported (the kernel), never in the UI. Values
are read from `__dict__`s, so no property or `__getattr__` runs while walking.
One docstring's examples form one block: they share a namespace seeded from
the module that defines the object, as doctest and xdoctest do.

Blocks keep xdoctest's own parts (`xdoctest_parts`) rather than the display-oriented
runs of `explorer.core.examples`: a directive line such as `>>> # xdoctest:
+SKIP` must only cover what follows it, which is what xdoctest's counts rest on.
"""

from __future__ import annotations

import inspect
import linecache
import pkgutil
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from explorer.core.examples import xdoctest_parts
from explorer.core.model import Example, Record
from explorer.core.objects import class_dict, defined_in, is_class, own_doc
from explorer.core.resolve import resolve


@dataclass(slots=True)
class ExampleBlock(Record):
    """The examples of one docstring, with where they live."""

    qualname: str  # module.Class.method
    module: str  # seeds the namespace: the module that defines the object
    examples: list[Example] = field(default_factory=list)
    file: str | None = None
    lineno: int | None = None  # file line of the first example, when the source is known

    @property
    def location(self) -> str:
        return f"{self.qualname}:{self.lineno}" if self.lineno else self.qualname

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExampleBlock:
        examples = [Example(**e) for e in data.get("examples", [])]
        return cls(data["qualname"], data["module"], examples, data.get("file"), data.get("lineno"))


def collect_blocks(target: str) -> list[ExampleBlock]:
    """Every example block of `target` and its members, in a stable order."""
    return _walk(target).blocks


def collect_block_dicts(target: str) -> dict[str, Any]:
    """JSON-ready: {"blocks": [...], "unsearched": [submodules nobody imported]}."""
    walker = _walk(target)
    return {
        "blocks": [block.to_dict() for block in walker.blocks],
        "unsearched": sorted(walker.unsearched),
    }


def _walk(target: str) -> _Walker:
    resolved = resolve(target)
    walker = _Walker()
    obj = resolved.obj
    if isinstance(obj, types.ModuleType):
        walker.module(obj, root=obj.__name__)
    elif is_class(obj):
        home = _module_name(obj, resolved.module.__name__) or resolved.module.__name__
        walker.klass(obj, home, _qualname(obj, home))
    else:
        home = _module_name(obj, resolved.module.__name__) or resolved.module.__name__
        walker.callable(obj, home, target)
    return walker


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[ExampleBlock] = []
        self.unsearched: set[str] = set()  # submodules on disk that were never imported
        self._seen: set[int] = set()

    def _first_visit(self, obj: Any) -> bool:
        key = id(obj)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def module(self, module: types.ModuleType, root: str) -> None:
        if not self._first_visit(module):
            return
        self._add(module, module.__name__, module.__name__)
        for value in _own_values(module):
            self._member_of_module(value, module, root)
        self.unsearched.update(_unloaded_submodules(module))
        for name, submodule in _loaded_submodules(module):
            if _is_within(name, root):
                self.module(submodule, root)

    def _member_of_module(self, value: Any, module: types.ModuleType, root: str) -> None:
        if issubclass(type(value), types.ModuleType):
            if _is_within(_dict_of(value).get("__name__", ""), root):
                self.module(value, root)
            return
        # defined_in never touches plain data, so no instance __getattr__ runs here.
        home = defined_in(value)
        # Only what is defined here: re-exports are walked where they are defined.
        if home is None or not _is_within(home, root):
            return
        if is_class(value):
            self.klass(value, home, _qualname(value, home))
        else:
            self.callable(value, home, _qualname(value, home))

    def klass(self, klass: type, module: str, qualname: str) -> None:
        if not self._first_visit(klass):
            return
        self._add(klass, module, qualname)
        for name, raw in dict(class_dict(klass)).items():
            value = _unwrap(raw)
            if is_class(value):
                if _module_name(value, None) == module:
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
        examples = xdoctest_parts(inspect.cleandoc(doc))
        if examples:
            file, lineno = _example_line(obj, doc, examples[0])
            self.blocks.append(ExampleBlock(qualname, module, examples, file, lineno))


def _own_values(module: types.ModuleType) -> Iterator[Any]:
    for name, value in _dict_of(module).items():
        if not (name.startswith("__") and name.endswith("__")):
            yield value


def _loaded_submodules(module: types.ModuleType) -> list[tuple[str, types.ModuleType]]:
    """Submodules already imported (no new imports: importing can run anything)."""
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
    """Names of submodules on disk that nothing imported (listed, never imported)."""
    namespace = _dict_of(module)
    path, name = namespace.get("__path__"), namespace.get("__name__")
    if path is None or not isinstance(name, str):
        return []
    try:
        found = [f"{name}.{info.name}" for info in pkgutil.iter_modules(list(path))]
    except Exception:  # noqa: BLE001 - an odd __path__: nothing to say about it
        return []
    return [full for full in found if full not in sys.modules]


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


def _qualname(value: Any, module: str) -> str:
    """module.Qual.Name of a class or function, read without running __getattr__ hooks."""
    try:
        name = (
            type.__getattribute__(value, "__qualname__")
            if is_class(value)
            else object.__getattribute__(value, "__qualname__")
        )
    except Exception:  # noqa: BLE001
        name = None
    return f"{module}.{name}" if isinstance(name, str) else f"{module}.<unnamed>"


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


def _example_line(obj: Any, doc: str, first: Example) -> tuple[str | None, int | None]:
    """File and line of the first example: its text searched for from the definition on.

    Cheaper than inspect.getsourcelines, which tokenizes every block it returns.
    """
    target: Any = obj.fget if isinstance(obj, property) else obj
    try:
        file = inspect.getsourcefile(target)
        lines = linecache.getlines(file) if file else []
        start = _definition_line(target, lines) if lines else 0
    except Exception:  # noqa: BLE001 - no source (builtin, hostile object): no line
        return None, None
    if not lines:
        return file, None
    wanted = first.source.splitlines()[0].strip()
    for index in range(start, len(lines)):
        line = lines[index]
        if ">>>" in line and line.split(">>>", 1)[1].strip() == wanted:
            return file, index + 1
    return file, start + 1


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

"""Frozen records the core produces; each serializes to JSON with `to_dict` and back.

Records are never changed in place: a changed copy is `dataclasses.replace(record, ...)`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a name is, in the order listings group them: what a reader looks for first."""

    CLASS = "class"
    EXCEPTION = "exception"
    FUNCTION = "function"
    BUILTIN = "builtin"
    METHOD = "method"
    CLASSMETHOD = "classmethod"
    STATICMETHOD = "staticmethod"
    PROPERTY = "property"
    DESCRIPTOR = "descriptor"
    DATA = "data"
    MODULE = "module"

    @property
    def heading(self) -> str:
        """The heading of this kind's group, in the CLI and the TUI alike."""
        return _KIND_TITLES[self]

    @property
    def is_class(self) -> bool:
        return self in CLASS_KINDS

    @property
    def opens(self) -> bool:
        """A module or class opens as a target of its own; the rest is shown in place."""
        return self in OPENABLE_KINDS


_KIND_TITLES = {
    Kind.CLASS: "Classes", Kind.EXCEPTION: "Exceptions", Kind.FUNCTION: "Functions",
    Kind.BUILTIN: "Built-in functions", Kind.METHOD: "Methods",
    Kind.CLASSMETHOD: "Class methods", Kind.STATICMETHOD: "Static methods",
    Kind.PROPERTY: "Properties", Kind.DESCRIPTOR: "Descriptors", Kind.DATA: "Data",
    Kind.MODULE: "Modules",
}  # fmt: skip
KIND_ORDER = tuple(Kind)
CLASS_KINDS = frozenset({Kind.CLASS, Kind.EXCEPTION})
CALLABLE_KINDS = frozenset({Kind.FUNCTION, Kind.BUILTIN, Kind.METHOD, Kind.CLASSMETHOD,
                            Kind.STATICMETHOD})  # fmt: skip
OPENABLE_KINDS = frozenset({Kind.MODULE, Kind.CLASS, Kind.EXCEPTION})


class RunStatus(StrEnum):
    """How a run of code in the kernel ended."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    INTERRUPTED = "interrupted"
    MEMORY = "memory"
    CRASHED = "crashed"


class Record:
    """Mixin: a dataclass that turns into JSON-ready dicts (enums are str, so they dump)."""

    def _coerce_kind(self) -> None:
        """A kind given as a plain string (JSON, a test) becomes the Kind it names."""
        kind = getattr(self, "kind", None)
        if isinstance(kind, str) and not isinstance(kind, Kind):
            object.__setattr__(self, "kind", Kind(kind))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)  # type: ignore[call-overload]
        return data


@dataclass(frozen=True, slots=True)
class Member(Record):
    """One name found on a target by `dir()`."""

    name: str
    qualname: str  # full dotted path through the target, e.g. torch.distributions.Normal
    kind: Kind
    summary: str = ""
    defined_in: str | None = None  # module that defines the value
    inherited_from: str | None = None  # for class members: the MRO class that owns it
    exported: bool = False  # named in the module's __all__
    error: str | None = None  # what raised while looking, if anything

    def __post_init__(self) -> None:
        self._coerce_kind()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Member:
        return cls(**{**data, "kind": Kind(data["kind"])})


def listing_order(member: Member) -> tuple[int, int, str]:
    """Where a member goes in a listing, live or from the index: by kind, then public
    names before `_private` ones before `__dunder__` ones (as pydoc), then by name."""
    name = member.name
    hidden = 2 if name.startswith("__") and name.endswith("__") else int(name.startswith("_"))
    return KIND_ORDER.index(member.kind), hidden, name.lower()


@dataclass(frozen=True, slots=True)
class Listing(Record):
    """The members of one target, as `--list` shows them."""

    target: str
    kind: Kind
    members: tuple[Member, ...] = ()
    notes: tuple[str, ...] = ()
    mro: tuple[str, ...] = ()  # for classes: dotted names, the class first

    def __post_init__(self) -> None:
        self._coerce_kind()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Listing:
        members = tuple(Member.from_dict(m) for m in data.get("members", []))
        notes, mro = tuple(data.get("notes", [])), tuple(data.get("mro", []))
        return cls(data["target"], Kind(data["kind"]), members, notes, mro)


@dataclass(frozen=True, slots=True)
class Param(Record):
    name: str
    kind: str = ""  # POSITIONAL_OR_KEYWORD, KEYWORD_ONLY, ... ("" when only documented)
    annotation: str | None = None
    default: str | None = None
    type: str | None = None  # the type the docstring gives
    description: str = ""


@dataclass(frozen=True, slots=True)
class Returns(Record):
    type: str | None = None
    description: str = ""
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Raises(Record):
    type: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Example(Record):
    """One `>>>` example: code, expected output and doctest directives."""

    source: str
    want: str = ""
    directives: tuple[str, ...] = ()  # e.g. ("+SKIP", "+ELLIPSIS")
    lineno: int = 0  # line within the docstring (0-based)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Example:
        return cls(**{**data, "directives": tuple(data.get("directives", ()))})


@dataclass(frozen=True, slots=True)
class ExampleBlock(Record):
    """The examples of one docstring (xdoctest's parts), with where they live."""

    qualname: str  # the public dotted name it was found under
    module: str  # seeds the namespace: the module that defines (or documents) the object
    examples: tuple[Example, ...] = ()
    file: str | None = None
    lineno: int | None = None  # file line of the first example, when the source is known

    @property
    def location(self) -> str:
        return f"{self.qualname}:{self.lineno}" if self.lineno else self.qualname

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExampleBlock:
        examples = tuple(Example.from_dict(e) for e in data.get("examples", []))
        return cls(data["qualname"], data["module"], examples, data.get("file"), data.get("lineno"))


@dataclass(frozen=True, slots=True)
class ImportFailure(Record):
    """A submodule that could not be imported to search its examples, and why (one line)."""

    module: str
    why: str


@dataclass(frozen=True, slots=True)
class Link(Record):
    """A Sphinx cross-reference: the text shown and the dotted name it means."""

    text: str
    target: str
    role: str = "obj"


@dataclass(frozen=True, slots=True)
class Section(Record):
    """A free-form docstring section (Note, Warning, See Also, ...)."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Doc(Record):
    """Everything `--doc` shows about one object."""

    name: str
    qualname: str
    kind: Kind
    signature: str | None = None  # "(x, y=1) -> int", or None when there is none
    summary: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    returns: Returns | None = None
    raises: tuple[Raises, ...] = ()
    notes: tuple[Section, ...] = ()
    examples: tuple[Example, ...] = ()
    links: tuple[Link, ...] = ()
    defined_in: str | None = None
    raw: str = ""  # the docstring as written
    parse_error: str | None = None  # set when docstring-parser failed and raw is all we have
    unreadable: str | None = None  # why there is no docstring to read (a non-string __doc__)

    def __post_init__(self) -> None:
        self._coerce_kind()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Doc:
        return cls(**{
            **data,
            "kind": Kind(data["kind"]),
            "params": tuple(Param(**p) for p in data.get("params", [])),
            "returns": Returns(**data["returns"]) if data.get("returns") else None,
            "raises": tuple(Raises(**r) for r in data.get("raises", [])),
            "notes": tuple(Section(**s) for s in data.get("notes", [])),
            "examples": tuple(Example.from_dict(e) for e in data.get("examples", [])),
            "links": tuple(Link(**link) for link in data.get("links", [])),
        })  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source(Record):
    """Source text of an object, or why there is none."""

    qualname: str
    file: str | None = None
    line: int | None = None
    text: str | None = None
    error: str | None = None  # "no source: builtin function" and the like

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class PlotSeries(Record):
    label: str
    y: tuple[float | str, ...]


@dataclass(frozen=True, slots=True)
class Plot(Record):
    """A chart a run asked for with the kernel's `plot()` helper (the kernel has no screen)."""

    kind: str  # line | bar | scatter
    x: tuple[float | str, ...]
    series: tuple[PlotSeries, ...]
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plot:
        series = tuple(PlotSeries(str(s.get("label", "")), tuple(s.get("y", ()))) for s in
                       data.get("series", ()))  # fmt: skip
        return cls(
            str(data.get("kind", "line")), tuple(data.get("x", ())), series,
            str(data.get("title", "")), str(data.get("xlabel", "")), str(data.get("ylabel", "")),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class RunResult(Record):
    """One finished run of code in the kernel: its reply plus everything it streamed.

    Every ending is a status, never an exception: a timeout, an interrupt, a dead
    kernel or a MemoryError each have their own (RunStatus) and a one-line message.
    """

    status: RunStatus
    output: str = ""  # stdout and stderr, interleaved as they arrived
    stdout: str = ""  # stdout alone (what a docstring example's want is checked against)
    value_repr: str | None = None  # repr of the last expression's value, like a REPL
    exception: str = ""  # "ValueError: message", as traceback.format_exception_only gives it
    exception_type: str | None = None
    traceback: str = ""  # of the user's code only
    message: str = ""  # the kernel's or the client's own note ("timed out after 10 s ...")
    duration: float | None = None  # seconds the code ran (seeding the namespace excluded)
    truncated: bool = False  # output went over the per-run cap
    plots: tuple[Plot, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. the truncation note

    def __post_init__(self) -> None:
        if not isinstance(self.status, RunStatus):
            object.__setattr__(self, "status", RunStatus(self.status))

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.OK


# ---- the kernel's live namespace, as the runner's variables panel shows it ----------------


@dataclass(frozen=True, slots=True)
class TensorInfo(Record):
    shape: tuple[int, ...]
    dtype: str
    device: str
    requires_grad: bool
    is_leaf: bool
    grad_shape: tuple[int, ...] | None
    grad_fn: str | None


@dataclass(frozen=True, slots=True)
class Variable(Record):
    """One name the user's runs created, as the variables panel shows it."""

    name: str
    type: str
    kind: str  # data | class | function | tensor
    repr: str
    tensor: TensorInfo | None = None
    error: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variable:
        tensor = data.get("tensor")
        if isinstance(tensor, dict):
            grad_shape = tensor.get("grad_shape")
            tensor = TensorInfo(**{
                **tensor,
                "shape": tuple(tensor.get("shape", ())),
                "grad_shape": tuple(grad_shape) if grad_shape is not None else None,
            })  # fmt: skip
        return cls(**{**data, "tensor": tensor})


@dataclass(frozen=True, slots=True)
class Variables(Record):
    items: tuple[Variable, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variables:
        return cls(tuple(Variable.from_dict(row) for row in data.get("items", ())))


@dataclass(frozen=True, slots=True)
class GraphNode(Record):
    """One autograd Function below a tensor's grad_fn (AccumulateGrad names its leaf)."""

    name: str
    variable: str | None = None
    shape: tuple[int, ...] | None = None
    repeat: bool = False  # reached again: its children are shown where it first appears
    children: tuple[GraphNode, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GraphNode:
        shape = data.get("shape")
        return cls(
            str(data["name"]), data.get("variable"), tuple(shape) if shape is not None else None,
            bool(data.get("repeat")), tuple(cls.from_dict(c) for c in data.get("children", ())),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class GradGraph(Record):
    target: str
    root: GraphNode | None
    nodes: int
    truncated: bool
    note: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradGraph:
        root = data.get("root")
        return cls(**{**data, "root": GraphNode.from_dict(root) if root else None})

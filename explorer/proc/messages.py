"""The process boundary, described once: every op, its request, its reply, its events.

A request is a frozen dataclass that knows its op and how to read its reply, so a
parameter can be followed from the CLI or the TUI (`client.ask(ListRequest(...))`)
to the child's handler (which receives the same `ListRequest`) and back (the
`Listing` the handler returned, rebuilt by `ListRequest.read_reply`). Replies are
parsed here and nowhere else. The wire format is JSON lines (explorer.proc.protocol).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar, cast

from explorer.core.model import (
    Doc,
    ExampleBlock,
    GradGraph,
    ImportFailure,
    Listing,
    Plot,
    Record,
    RunStatus,
    Source,
    Variables,
)

# What JSON carries (a recursive alias: the wire is typed too).
Json = str | int | float | bool | None | list["Json"] | dict[str, "Json"]
JsonObject = dict[str, Json]


class Op(StrEnum):
    PING = "ping"
    LIST = "list"
    DOC = "doc"
    HELP = "help"
    SOURCE = "source"
    WARM = "warm"
    OUTPUT = "output"
    RUN = "run"
    RESET = "reset"
    VARIABLES = "variables"
    GRAD_GRAPH = "grad_graph"
    LIMITS = "limits"
    COLLECT_EXAMPLES = "collect_examples"  # --run-examples: import the target, find examples
    IMPORT_ROOT = "import_root"  # index importers: import the package, fork the siblings
    INDEX_ENTRIES = "index_entries"  # index importers: describe a batch of modules
    STORE_INDEX = "store_index"  # index importers: merge and store the entries they kept


class Scope(StrEnum):
    """Where a target starts: an importable module, or a variable of the kernel's namespace."""

    MODULE = "module"
    SESSION = "session"


class ProtocolError(ValueError):
    """A message that does not fit the protocol (a bug, or something forged it)."""


def as_object(data: Json) -> JsonObject:
    if not isinstance(data, dict):
        raise ProtocolError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _record_dict(data: Json) -> dict[str, Any]:
    """A JSON object as the keyword arguments of a record (its values stay JSON)."""
    return dict(as_object(data))


# ---- replies that are not core records -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pong(Record):
    pid: int
    python: str


@dataclass(frozen=True, slots=True)
class Text(Record):
    """help() text, or what imported modules printed."""

    text: str


@dataclass(frozen=True, slots=True)
class Warmed(Record):
    module: str
    seconds: float


@dataclass(frozen=True, slots=True)
class RunReply(Record):
    """The kernel's own answer to a run; the client adds the streamed output (RunResult)."""

    status: RunStatus
    value_repr: str | None = None
    exception: str = ""
    exception_type: str | None = None
    traceback: str = ""
    message: str = ""
    duration: float | None = None
    truncated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.status, RunStatus):
            object.__setattr__(self, "status", RunStatus(self.status))


@dataclass(frozen=True, slots=True)
class ResetReply(Record):
    seed_module: str | None
    names: int


@dataclass(frozen=True, slots=True)
class Limits(Record):
    """The kernel's caps, and the address space it uses now (how the memory cap was chosen)."""

    memory: int
    output: int
    vmsize: int | None = None
    vmpeak: int | None = None


@dataclass(frozen=True, slots=True)
class Collected(Record):
    """The example blocks under a target, once it and its submodules were imported."""

    blocks: tuple[ExampleBlock, ...]
    unsearched: tuple[str, ...] = ()  # public submodules on disk left unimported
    imported: tuple[str, ...] = ()  # submodules imported to search them
    import_failures: tuple[ImportFailure, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Collected:
        return cls(
            tuple(ExampleBlock.from_dict(_record_dict(b)) for b in data.get("blocks", ())),
            tuple(str(name) for name in data.get("unsearched", ())),
            tuple(str(name) for name in data.get("imported", ())),
            tuple(ImportFailure(**_record_dict(f)) for f in data.get("import_failures", ())),
        )


# ---- events a run streams ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started(Record):
    """The namespace is seeded and the user's code begins: the run's clock starts here."""

    name: ClassVar[str] = "started"


@dataclass(frozen=True, slots=True)
class Output(Record):
    """Text the run wrote to stdout or stderr (chunks, coalesced by the kernel)."""

    stream: str  # stdout | stderr
    text: str
    truncated: bool = False  # the last chunk before the output cap: the rest was dropped
    name: ClassVar[str] = "output"


@dataclass(frozen=True, slots=True)
class PlotEvent(Record):
    plot: Plot
    name: ClassVar[str] = "plot"


@dataclass(frozen=True, slots=True)
class Importing(Record):
    """collect_examples starts importing a submodule (its own time limit starts now)."""

    module: str
    name: ClassVar[str] = "importing"


@dataclass(frozen=True, slots=True)
class Walking(Record):
    name: ClassVar[str] = "walking"  # collect_examples is done importing: reads docstrings


Event = Started | Output | PlotEvent | Importing | Walking


def encode_event(event: Event) -> JsonObject:
    body: JsonObject = {"event": event.name}
    body.update(event.to_dict())
    return body


def decode_event(message: JsonObject) -> Event:
    name = message.get("event")
    if name == Started.name:
        return Started()
    if name == Output.name:
        return Output(str(message.get("stream")), str(message.get("text", "")),
                      bool(message.get("truncated")))  # fmt: skip
    if name == PlotEvent.name:
        return PlotEvent(Plot.from_dict(_record_dict(message.get("plot"))))
    if name == Importing.name:
        return Importing(str(message.get("module", "")))
    if name == Walking.name:
        return Walking()
    raise ProtocolError(f"unknown event {name!r}")


# ---- requests --------------------------------------------------------------------------------

R = TypeVar("R")


class Request(Generic[R]):
    """Base of every request: its op, its arguments on the wire, and how to read its reply."""

    op: ClassVar[Op]
    reply: ClassVar[type[Record]]  # R, built with its from_dict when it has one
    __slots__ = ()

    def args(self) -> JsonObject:
        data: JsonObject = asdict(self)  # type: ignore[call-overload]
        return data

    def read_reply(self, data: Json) -> R:
        body = _record_dict(data)
        reader = getattr(self.reply, "from_dict", None)
        return cast(R, reader(body) if reader is not None else self.reply(**body))


@dataclass(frozen=True, slots=True)
class PingRequest(Request[Pong]):
    op, reply = Op.PING, Pong


@dataclass(frozen=True, slots=True)
class ListRequest(Request[Listing]):
    target: str
    private: bool = False
    dunder: bool = False
    scope: Scope = Scope.MODULE
    op, reply = Op.LIST, Listing


@dataclass(frozen=True, slots=True)
class DocRequest(Request[Doc]):
    target: str
    scope: Scope = Scope.MODULE
    op, reply = Op.DOC, Doc


@dataclass(frozen=True, slots=True)
class HelpRequest(Request[Text]):
    target: str
    scope: Scope = Scope.MODULE
    op, reply = Op.HELP, Text


@dataclass(frozen=True, slots=True)
class SourceRequest(Request[Source]):
    target: str
    scope: Scope = Scope.MODULE
    op, reply = Op.SOURCE, Source


@dataclass(frozen=True, slots=True)
class WarmRequest(Request[Warmed]):
    """Import a module ahead of use (torch while the UI paints)."""

    module: str
    op, reply = Op.WARM, Warmed


@dataclass(frozen=True, slots=True)
class OutputRequest(Request[Text]):
    """What imported modules (worker) or threads between runs (kernel) printed."""

    clear: bool = False
    op, reply = Op.OUTPUT, Text


@dataclass(frozen=True, slots=True)
class RunRequest(Request[RunReply]):
    """Run code in the kernel's namespace; `fresh` (or the first run) seeds a new one:
    `seed_module`'s globals, `imports` (None: its package's example conventions, or the
    seed imports without one), then `setup` code (explorer.proc.namespace.Namespace)."""

    code: str
    seed_module: str | None = None
    fresh: bool = False
    imports: tuple[str, ...] | None = None
    setup: str = ""
    op, reply = Op.RUN, RunReply


@dataclass(frozen=True, slots=True)
class ResetRequest(Request[ResetReply]):
    seed_module: str | None = None
    imports: tuple[str, ...] | None = None
    setup: str = ""
    op, reply = Op.RESET, ResetReply


@dataclass(frozen=True, slots=True)
class CollectRequest(Request[Collected]):
    """Import `target` and its submodules (but `skip`), then find the example blocks;
    streams Importing and Walking (explorer.proc.collect.collect_examples says more)."""

    target: str
    submodules: bool = True
    skip: tuple[str, ...] = ()
    target_timeout: float | None = None
    import_timeout: float | None = None
    limit_hint: str = ""
    op, reply = Op.COLLECT_EXAMPLES, Collected


@dataclass(frozen=True, slots=True)
class VariablesRequest(Request[Variables]):
    op, reply = Op.VARIABLES, Variables


@dataclass(frozen=True, slots=True)
class GradGraphRequest(Request[GradGraph]):
    name: str
    op, reply = Op.GRAD_GRAPH, GradGraph


@dataclass(frozen=True, slots=True)
class LimitsRequest(Request[Limits]):
    op, reply = Op.LIMITS, Limits


_REQUESTS: dict[Op, type[Request[Any]]] = {}


def register_requests(*classes: type[Request[Any]]) -> None:
    """Make requests decodable; a module of requests registers its own when imported (the
    index importers' in explorer.proc.search.wire: this module cannot import it back)."""
    _REQUESTS.update((cls.op, cls) for cls in classes)


register_requests(
    PingRequest,
    ListRequest,
    DocRequest,
    HelpRequest,
    SourceRequest,
    WarmRequest,
    OutputRequest,
    RunRequest,
    ResetRequest,
    VariablesRequest,
    GradGraphRequest,
    LimitsRequest,
    CollectRequest,
)


def decode_request(op: str, args: JsonObject) -> Request[Any]:
    """The typed request a child's handler receives; ProtocolError when it does not fit."""
    try:
        cls = _REQUESTS[Op(op)]
    except ValueError:
        raise ProtocolError(f"unknown op {op!r}") from None
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(args) - known
    if unknown:
        raise ProtocolError(f"{op}: unknown arguments {sorted(unknown)}")
    values: dict[str, Any] = dict(args)
    if "scope" in values:
        values["scope"] = Scope(str(values["scope"]))
    for key in ("imports", "skip"):
        if isinstance(values.get(key), list):
            values[key] = tuple(str(name) for name in values[key])
    try:
        return cls(**values)
    except TypeError as exc:
        raise ProtocolError(f"{op}: {exc}") from None

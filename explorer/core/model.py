"""Plain records the core produces; each serializes to JSON with `to_dict`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class Record:
    """Mixin: a dataclass that turns into JSON-ready dicts and back."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)  # type: ignore[call-overload]
        return data


@dataclass(slots=True)
class Member(Record):
    """One name found on a target by `dir()`."""

    name: str
    qualname: str  # full dotted path through the target, e.g. torch.distributions.Normal
    kind: str  # one of KINDS
    summary: str = ""
    defined_in: str | None = None  # module that defines the value
    inherited_from: str | None = None  # for class members: the MRO class that owns it
    exported: bool = False  # named in the module's __all__
    error: str | None = None  # what raised while looking, if anything

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Member:
        return cls(**data)


@dataclass(slots=True)
class Listing(Record):
    """The members of one target, as `--list` shows them."""

    target: str
    kind: str
    members: list[Member] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mro: list[str] = field(default_factory=list)  # for classes: dotted names, the class first

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Listing:
        members = [Member.from_dict(m) for m in data.get("members", [])]
        notes, mro = list(data.get("notes", [])), list(data.get("mro", []))
        return cls(data["target"], data["kind"], members, notes, mro)


@dataclass(slots=True)
class Param(Record):
    name: str
    kind: str = ""  # POSITIONAL_OR_KEYWORD, KEYWORD_ONLY, ... ("" when only documented)
    annotation: str | None = None
    default: str | None = None
    type: str | None = None  # the type the docstring gives
    description: str = ""


@dataclass(slots=True)
class Returns(Record):
    type: str | None = None
    description: str = ""
    name: str | None = None


@dataclass(slots=True)
class Raises(Record):
    type: str | None = None
    description: str = ""


@dataclass(slots=True)
class Example(Record):
    """One `>>>` example: code, expected output and doctest directives."""

    source: str
    want: str = ""
    directives: list[str] = field(default_factory=list)  # e.g. ["+SKIP", "+ELLIPSIS"]
    lineno: int = 0  # line within the docstring (0-based)


@dataclass(slots=True)
class Link(Record):
    """A Sphinx cross-reference: the text shown and the dotted name it means."""

    text: str
    target: str
    role: str = "obj"


@dataclass(slots=True)
class Section(Record):
    """A free-form docstring section (Note, Warning, See Also, ...)."""

    title: str
    text: str


@dataclass(slots=True)
class Doc(Record):
    """Everything `--doc` shows about one object."""

    name: str
    qualname: str
    kind: str
    signature: str | None = None  # "(x, y=1) -> int", or None when there is none
    summary: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    returns: Returns | None = None
    raises: list[Raises] = field(default_factory=list)
    notes: list[Section] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    defined_in: str | None = None
    raw: str = ""  # the docstring as written
    parse_error: str | None = None  # set when docstring-parser failed and raw is all we have

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Doc:
        data = dict(data)
        data["params"] = [Param(**p) for p in data.get("params", [])]
        data["returns"] = Returns(**data["returns"]) if data.get("returns") else None
        data["raises"] = [Raises(**r) for r in data.get("raises", [])]
        data["notes"] = [Section(**s) for s in data.get("notes", [])]
        data["examples"] = [Example(**e) for e in data.get("examples", [])]
        data["links"] = [Link(**link) for link in data.get("links", [])]
        return cls(**data)


@dataclass(slots=True)
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

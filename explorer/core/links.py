"""Sphinx cross-references (`:class:`~torch.Tensor``) as readable text plus link records.

A role's target is resolved the way Sphinx's Python domain looks it up from
where the docstring stands: the current class, its module, the package that
exposes it publicly, then as an absolute name.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Sequence

from explorer.core.model import Link
from explorer.core.static import is_a

LINK_ROLES = ("class", "meth", "attr", "func", "mod", "data", "obj", "exc", "const", "ref")
_ROLE = re.compile(r":(?:py:)?(?P<role>[a-z]+):`(?P<body>[^`]+)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$")


def _split_body(body: str) -> tuple[str, str]:
    """`text <target>` or `~a.b.C` or `a.b.C` -> (shown text, target)."""
    explicit = _EXPLICIT.match(body)
    if explicit:
        return explicit["text"], explicit["target"].lstrip("~.!")
    target = body.lstrip("!")
    if target.startswith("~"):
        target = target[1:].lstrip(".")
        return target.rsplit(".", 1)[-1], target
    return target.lstrip("."), target.lstrip(".")


def _exists(dotted: str) -> bool:
    """Whether `dotted` names something, using only modules already imported."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        obj: object = module
        for name in parts[cut:]:
            if not is_a(obj, (type, types.ModuleType)):  # only these hold names to follow
                return False
            found = _lookup_static(obj, name)
            if found is _MISSING:
                return False
            obj = found
        return True
    return False


_MISSING = object()


def _lookup_static(obj: object, name: str) -> object:
    import inspect

    try:
        return inspect.getattr_static(obj, name)
    except AttributeError:
        return _MISSING
    except Exception:  # noqa: BLE001 - a hostile object is simply not a link target
        return _MISSING


def resolve_reference(target: str, scopes: Sequence[str]) -> str:
    """The first `scope.target` that exists, else `target` itself.

    A dotted target is tried as an absolute name first (`torch.Tensor` must not
    become `torch.torch.Tensor` just because torch has an attribute `torch`).
    """
    if "." in target and _exists(target):
        return target
    for scope in scopes:
        candidate = f"{scope}.{target}" if scope else target
        if _exists(candidate):
            return candidate
    return target


def scopes_for(qualname: str, defined_in: str | None, is_class: bool) -> list[str]:
    """Where to look a short name up from: class, its parents, defining module, absolute."""
    scopes: list[str] = []
    parts = qualname.split(".")
    start = len(parts) if is_class else len(parts) - 1
    for cut in range(start, 0, -1):
        scopes.append(".".join(parts[:cut]))
    if defined_in:
        scopes.append(defined_in)
    scopes.append("")
    return list(dict.fromkeys(scopes))


def convert_roles(text: str, scopes: Sequence[str] | None = None) -> tuple[str, list[Link]]:
    """Replace roles by their readable text (in backticks); link roles become Link records."""
    links: list[Link] = []

    def replace(match: re.Match[str]) -> str:
        role, body = match["role"], match["body"]
        if role not in LINK_ROLES:
            return f"`{body}`" if role != "math" else body
        shown, target = _split_body(body)
        if scopes is not None and role != "ref":
            links.append(Link(text=shown, target=resolve_reference(target, scopes), role=role))
        return f"`{shown}`"

    return _ROLE.sub(replace, text), links


def plain_text(text: str) -> str:
    """Roles as plain words, for one-line summaries."""
    return convert_roles(text)[0].replace("``", "`")


def unique(links: Sequence[Link]) -> list[Link]:
    seen: dict[tuple[str, str], Link] = {}
    for link in links:
        seen.setdefault((link.text, link.target), link)
    return list(seen.values())

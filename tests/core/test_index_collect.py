"""Index entries from real fixture modules: names, kinds, docs, and nothing run while looking."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from explorer.core.search.collect import entries_for_module, summary_of
from explorer.core.search.merge import merge, merge_entries
from explorer.core.search.rows import _COLUMNS, entry_values

HEALTHY = [
    "searchpkg", "searchpkg.distributions", "searchpkg.distributions.multinomial",
    "searchpkg.hostile", "searchpkg.shapes",
]  # fmt: skip


def by_name(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in entries if not entry.get("alias")}


@pytest.fixture(scope="module")
def merged() -> dict[str, dict[str, Any]]:
    seen: dict[str, tuple[str, str]] = {}
    entries = [entry for module in HEALTHY for entry in entries_for_module(module, seen)]
    return by_name(merge_entries(entries))


def test_module_members_have_kind_signature_summary_and_home() -> None:
    entries = by_name(entries_for_module("searchpkg.shapes"))
    describe = entries["searchpkg.shapes.describe"]
    assert describe["kind"] == "function"
    assert describe["signature"] == "(shape: Any) -> str"
    assert describe["summary"] == "Describe a shape in one line of text."
    assert describe["defined_in"] == "searchpkg.shapes"
    assert entries["searchpkg.shapes"]["kind"] == "module"
    assert entries["searchpkg.shapes.Circle"]["signature"] == "(radius: float = 1.0)"


def test_class_members_are_entries_with_their_kinds() -> None:
    entries = by_name(entries_for_module("searchpkg.shapes"))
    assert entries["searchpkg.shapes.Shape.area"]["kind"] == "method"
    assert entries["searchpkg.shapes.Shape.perimeter"]["kind"] == "property"
    assert entries["searchpkg.shapes.Shape.perimeter"]["summary"] == "Length of the boundary."
    assert entries["searchpkg.shapes.Shape.unit"]["kind"] == "classmethod"
    assert entries["searchpkg.shapes.Shape.sides"]["kind"] == "data"
    # Inherited members are not copied: a class names its bases, which hold them.
    assert "searchpkg.shapes.Square.area" not in entries
    assert "searchpkg.shapes.Circle.sides" not in entries
    assert entries["searchpkg.shapes.Square"]["bases"] == ["searchpkg.shapes.Shape"]
    assert "origin" not in entries["searchpkg.shapes.Square.sides"]  # its own value


def test_an_override_without_a_docstring_reads_its_bases() -> None:
    entries = by_name(entries_for_module("searchpkg.shapes"))
    triangle_area = entries["searchpkg.shapes.Triangle.area"]
    assert triangle_area["summary"] == "Compute the enclosed area of the shape."
    assert triangle_area["origin"] == "searchpkg.shapes.Triangle.area"
    # Over plain data (`sides = 0`) there is nothing to inherit: int's docstring is not it.
    assert entries["searchpkg.shapes.Triangle.sides"]["summary"] == ""


def test_private_names_and_foreign_imports_are_left_out() -> None:
    names = set(by_name(entries_for_module("searchpkg.shapes")))
    assert "searchpkg.shapes.Shape._hidden" not in names
    assert "searchpkg.shapes.Any" not in names  # `from typing import Any` is not this API
    assert "searchpkg.shapes.math" not in names


def test_looking_runs_no_property_getattr_or_metaclass_code() -> None:
    hostile = importlib.import_module("searchpkg.hostile")
    hostile.CALLS.clear()
    entries = by_name(entries_for_module("searchpkg.hostile"))
    assert hostile.CALLS == []
    assert entries["searchpkg.hostile.Trap.loud"]["kind"] == "property"
    assert entries["searchpkg.hostile.Sneaky"]["summary"] == "Static docstring of Sneaky."
    assert entries["searchpkg.hostile.trap"]["kind"] == "data"


def test_merge_prefers_the_public_path_and_renames_members(
    merged: dict[str, dict[str, Any]],
) -> None:
    assert "searchpkg.Circle" in merged
    assert "searchpkg.shapes.Circle" not in merged
    assert merged["searchpkg.Circle"]["defined_in"] == "searchpkg.shapes"
    assert "searchpkg.Circle.area" in merged
    assert "searchpkg.distributions.Multinomial.log_prob" in merged
    assert "searchpkg.distributions.multinomial.Multinomial" not in merged
    # Functions too: one entry, under the re-exporting package's name.
    assert "searchpkg.distributions.multinomial_coefficient" in merged
    assert "searchpkg.distributions.multinomial.multinomial_coefficient" not in merged


def test_merge_keeps_inheritance_compact(merged: dict[str, dict[str, Any]]) -> None:
    owner = merged["searchpkg.shapes.Shape.area"]
    assert owner["primary"] and owner["doc"] == "Compute the enclosed area of the shape."
    assert "searchpkg.Square.area" not in merged  # found through Square's bases when asked
    assert merged["searchpkg.Square"]["bases"] == ["searchpkg.shapes.Shape"]
    assert merged["searchpkg.Circle.area"]["primary"]  # overridden: a function of its own
    assert owner["shared"] == 4  # Shape's and its three subclasses'


def test_a_base_without_a_public_name_lends_its_members_to_its_subclasses() -> None:
    entries = entries_for_module("searchpkg.linalg")
    rows = by_name(merge_entries(entries))
    assert not any(name.startswith("searchpkg._base") for name in rows)
    copied = rows["searchpkg.linalg.Matrix.norm"]
    assert copied["inherited_from"] == "searchpkg._base.Storage"
    assert copied["doc"] == "Euclidean length of the entries."
    assert rows["searchpkg.linalg.Matrix"]["bases"] == []


def test_a_bound_method_of_a_hidden_instance_is_a_function_with_its_docs() -> None:
    entries = by_name(entries_for_module("searchpkg.linalg"))
    shuffle = entries["searchpkg.linalg.shuffle"]
    assert shuffle["kind"] == "function"
    assert shuffle["summary"] == "Shuffle the rows in place."
    assert shuffle["signature"] == "(rows: list) -> None"


def test_a_module_exported_under_another_name_aliases_its_members() -> None:
    entries = [e for m in ("searchpkg", "searchpkg.shapes") for e in entries_for_module(m)]
    rows, aliases = merge(entries)
    assert ("searchpkg.geometry.describe", "searchpkg.shapes.describe") in aliases
    assert ("searchpkg.geometry", "searchpkg.shapes") in aliases


def test_mentions_count_other_docstrings_naming_an_entry() -> None:
    rows = by_name(merge_entries(entries_for_module("searchpkg.linalg")))
    assert rows["searchpkg.linalg.tril"]["mentions"] >= 1  # triu's docstring names it
    assert rows["searchpkg.linalg.shuffle"]["mentions"] == 0


def test_summary_skips_a_signature_line_and_keeps_the_first_sentence() -> None:
    doc = "multinomial(input, n) -> LongTensor\n\nReturns a tensor. More text follows."
    assert summary_of(doc) == "Returns a tensor."
    assert summary_of("") == ""


def test_an_extension_function_keeps_its_docstring() -> None:
    """numpy.random.normal is a bound Cython method: its docstring sits in a C slot of the
    function's type, which a static lookup does not see."""
    pytest.importorskip("numpy.random")
    entries = by_name(entries_for_module("numpy.random"))
    normal = entries["numpy.random.normal"]
    assert normal["summary"] == "Draw random samples from a normal (Gaussian) distribution."


def test_a_top_level_module_a_package_exports_goes_by_the_exported_name() -> None:
    """os.path is posixpath here; its functions, and genericpath's and ntpath's copies of
    them, are known as os.path.*."""
    modules = ("genericpath", "ntpath", "os", "posixpath")
    rows, aliases = merge(e for module in modules for e in entries_for_module(module))
    names = {row["name"] for row in rows}
    assert {"os.path.join", "os.path.exists", "os.path.splitext"} <= names
    assert "posixpath.join" not in names and "genericpath.exists" not in names
    assert ("posixpath.join", "os.path.join") in aliases
    assert ("ntpath.exists", "os.path.exists") in aliases


def test_functions_from_a_modules_c_accelerator_are_its_own() -> None:
    """bisect has no __all__ and takes insort from _bisect."""
    entries = by_name(entries_for_module("bisect"))
    assert entries["bisect.insort_left"]["summary"].startswith("Insert item x in list a")


def test_a_name_its_own_module_exports_counts_where_it_is_re_exported() -> None:
    """searchpkg's __all__ leaves out clamp_all, which it imports from extras, whose
    __all__ lists it (torch.unique, from torch.functional): it is searchpkg.clamp_all."""
    entries = [e for m in ("searchpkg", "searchpkg.extras") for e in entries_for_module(m)]
    rows, aliases = merge(entries)
    assert "searchpkg.clamp_all" in {row["name"] for row in rows}
    assert ("searchpkg.extras.clamp_all", "searchpkg.clamp_all") in aliases


def test_a_documented_definition_its_modules_all_forgot_is_indexed_a_little_lower() -> None:
    """torch.set_default_dtype is defined in torch and missing from torch.__all__; an
    undocumented public helper left out of `__all__` stays out."""
    rows, _ = merge(entries_for_module("searchpkg"))
    found = {row["name"]: row for row in rows}
    assert "searchpkg.undocumented_helper" not in found
    unlisted, listed = found["searchpkg.set_default_unit"], found["searchpkg.greet"]
    assert unlisted["summary"].startswith("Set the unit of length")
    assert prior_of(unlisted) < prior_of(listed)


def prior_of(row: dict[str, Any]) -> float:
    return float(entry_values(0, row)[_COLUMNS.index("prior")])


@pytest.mark.parametrize(
    ("first_seen", "kind", "key", "meant"),
    [
        # numpy.concat is numpy.concatenate: people look for the name it was given
        ("pkg.concat", "function", "pkg._core.concatenate", "pkg.concatenate"),
        # rich.scope imports Table from rich.table: the hit is rich.table.Table
        ("pkg.scope.Table", "class", "pkg.table.Table", "pkg.table.Table"),
    ],
)
def test_an_object_is_named_by_its_own_name_where_it_is_defined(
    first_seen: str, kind: str, key: str, meant: str
) -> None:
    """Between two names of one depth: the object's own name before an alias, then the
    module that defines it before one that imports it."""
    described = {"name": first_seen, "kind": kind, "key": key, "signature": "()",
                 "summary": "Described.", "doc": "Described.",
                 "defined_in": key.rpartition(".")[0]}  # fmt: skip
    again = {"name": meant, "key": key, "alias": True}
    rows, aliases = merge([described, again])
    assert [row["name"] for row in rows] == [meant]
    assert (first_seen, meant) in aliases

"""The index's side of a first paint: a Doc from stored text, and only a current index.

Docs built from an index of `doc_samples` (the golden-file docstrings) and of
`searchpkg` render exactly like the live ones; `open_current` refuses an index
of another version, a stale, outdated or corrupt one.
"""

from __future__ import annotations

import inspect
import shutil
import sqlite3
from pathlib import Path

import pytest

from explorer.core.doc_text import signature_from_text
from explorer.core.docs import get_doc
from explorer.core.model import Kind
from explorer.core.render.markdown import doc_markdown
from explorer.core.search.collect import entries_for_module
from explorer.core.search.indexed_docs import doc_record
from explorer.core.search.lookup import indexed_members, open_current
from explorer.core.search.merge import merge
from explorer.core.search.names import IndexKey
from explorer.core.search.store import SCHEMA_VERSION, SearchIndex, store_index
from explorer.core.search.walk import package_files

OLD_SCHEMA = str(int(SCHEMA_VERSION) - 1)


@pytest.fixture(autouse=True)
def temp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def build(package: str, modules: list[str]) -> SearchIndex:
    """The index of `package` as a build would store it (collected in this process)."""
    seen: dict[str, tuple[str, str]] = {}
    rows, aliases = merge(e for module in modules for e in entries_for_module(module, seen))
    fingerprint = package_files(package).fingerprint
    return store_index(IndexKey.for_package(package), fingerprint, rows, [], aliases=aliases)


def write_package(site: Path, name: str, version: str, body: str = "") -> Path:
    package = site / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        f'"""The {name} package."""\n\n\ndef hello(who: str = "you") -> str:\n'
        f'    """Say hello."""\n    return who\n{body}',
        encoding="utf-8",
    )
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Name: {name}\nVersion: {version}\n", encoding="utf-8")
    return package


# ---- a Doc from the index reads like the live one ------------------------------------


@pytest.mark.parametrize(
    "name",
    ["tables", "directives", "math_samples", "numpy_style", "lists_and_literals",
     "broken_markup", "signature_only", "text_signature_with_description",
     "clinic_parameters", "google_with_lists", "rest_extras"],
)  # fmt: skip
def test_a_doc_from_the_index_renders_as_the_live_one(name: str) -> None:
    index = build("doc_samples", ["doc_samples"])
    qualname = f"doc_samples.{name}"
    stored = doc_record(index, qualname)
    assert stored is not None
    assert doc_markdown(stored, None, 100) == doc_markdown(get_doc(qualname), None, 100)
    assert stored.examples == get_doc(qualname).examples
    index.close()


def test_class_method_and_module_docs_from_the_index() -> None:
    modules = ["searchpkg", "searchpkg.shapes", "searchpkg.distributions",
               "searchpkg.distributions.multinomial"]  # fmt: skip
    index = build("searchpkg", modules)
    for qualname in ("searchpkg", "searchpkg.Circle", "searchpkg.Square.area", "searchpkg.greet",
                     "searchpkg.distributions.Multinomial"):  # fmt: skip
        stored = doc_record(index, qualname)
        assert stored is not None, qualname
        assert doc_markdown(stored, None, 100) == doc_markdown(get_doc(qualname), None, 100)
    assert doc_record(index, "searchpkg.nope") is None
    index.close()


def test_index_listings_group_in_the_live_order() -> None:
    index = build("searchpkg", ["searchpkg", "searchpkg.shapes"])
    listing = indexed_members(index, "searchpkg.Square")
    assert listing is not None
    kinds = [member.kind for member in listing.members]
    assert kinds == sorted(kinds, key=list(Kind).index)  # methods before properties before data
    index.close()


# ---- signature text back to a Signature, never evaluated ------------------------------


def test_signature_text_becomes_parameters_with_text_defaults() -> None:
    signature = signature_from_text("(a, /, b: int = 1, *args, c: 'X | None' = None, **kw) -> T")
    assert signature is not None
    kinds = [param.kind for param in signature.parameters.values()]
    assert kinds == [
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.VAR_KEYWORD,
    ]
    assert repr(signature.parameters["b"].default) == "1"
    assert repr(signature.parameters["c"].annotation) == "'X | None'"
    assert repr(signature.return_annotation) == "T"


@pytest.mark.parametrize(
    "text",
    ["(x[, y])", "add(a, b)", "(a): pass\nimport os\ndef f(b)", "(a, a)", "(" * 5000, ""],
)
def test_text_that_is_not_a_parameter_list_is_left_as_text(text: str) -> None:
    assert signature_from_text(text) is None


# ---- only an index of the installed files is used -----------------------------------


def test_a_current_index_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    write_package(site, "firstpaint_ok", "1.0")
    monkeypatch.syspath_prepend(str(site))
    build("firstpaint_ok", ["firstpaint_ok"]).close()
    index, note = open_current("firstpaint_ok")
    assert index is not None and note is None
    assert index.meta["version"] == "1.0"
    index.close()


def test_no_index_and_unknown_packages_say_nothing() -> None:
    assert open_current("firstpaint_never_installed") == (None, None)
    assert open_current("not a name") == (None, None)


def test_an_index_of_another_version_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_site, new_site = tmp_path / "old", tmp_path / "new"
    write_package(old_site, "firstpaint_up", "1.0")
    write_package(new_site, "firstpaint_up", "2.0", body="\n\ndef added() -> None: ...\n")
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(old_site))
        build("firstpaint_up", ["firstpaint_up"]).close()
    monkeypatch.syspath_prepend(str(new_site))
    assert open_current("firstpaint_up") == (None, None)  # 1.0's file is there, unused
    # Even under 2.0's file name, an index whose meta says 1.0 is not 2.0's.
    old = IndexKey("firstpaint_up", "1.0", IndexKey.for_package("firstpaint_up").python)
    shutil.copy(old.path, IndexKey.for_package("firstpaint_up").path)
    assert open_current("firstpaint_up") == (None, None)


def test_a_stale_index_is_not_used_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    package = write_package(site, "firstpaint_stale", "1.0")
    monkeypatch.syspath_prepend(str(site))
    build("firstpaint_stale", ["firstpaint_stale"]).close()
    (package / "extra.py").write_text('"""Added after the index was built."""\n')
    index, note = open_current("firstpaint_stale")
    assert index is None and note is not None and "out of date" in note


@pytest.mark.parametrize("damage", ["garbage", "schema"])
def test_a_corrupt_or_old_index_is_a_note(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_package(site, "firstpaint_bad", "1.0")
    monkeypatch.syspath_prepend(str(site))
    build("firstpaint_bad", ["firstpaint_bad"]).close()
    path = IndexKey.for_package("firstpaint_bad").path
    if damage == "schema":  # written by an older explorer
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("UPDATE meta SET value = ? WHERE key = 'schema'", [OLD_SCHEMA])
        connection.close()
    else:
        path.write_bytes(b"this is not a database" * 100)
    opened, note = open_current("firstpaint_bad")
    assert opened is None and note is not None
    assert ("another explorer version" in note) == (damage == "schema")

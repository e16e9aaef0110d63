"""Collecting example blocks: every docstring under a target, split as xdoctest runs them."""

from __future__ import annotations

import inspect

import pytest

from explorer.core import check
from explorer.core.example_walk import ExampleBlock, collect_blocks
from explorer.core.examples import xdoctest_parts


def test_a_directive_line_covers_only_what_follows_it() -> None:
    # The shape of torch.distributions.Uniform's example: xdoctest runs the first
    # two statements and skips only the check of the sampled value.
    doc = inspect.cleandoc("""
        >>> m = Uniform(0, 5)
        >>> m.sample()  # random
        >>> # xdoctest: +SKIP
        tensor([ 2.3418])
        >>> m.low
        0
        >>> m.high  # xdoctest: -SKIP
        5
    """)
    parts = xdoctest_parts(doc)
    assert [check.skip_reason(p) for p in parts] == [None, "+SKIP", "+SKIP", None]
    assert parts[0].source == "m = Uniform(0, 5)\nm.sample()  # random"
    assert parts[1].want == "tensor([ 2.3418])"


def test_inline_directives_cover_their_own_part_only() -> None:
    doc = ">>> print('a')  # doctest: +SKIP\na\n>>> print('b')\nb\n"
    first, second = xdoctest_parts(doc)
    assert first.directives == ("+SKIP",) and second.directives == ()


def test_text_without_prompts_has_no_parts() -> None:
    assert xdoctest_parts("Example::\n\n    x = 1\n") == []


def test_package_walk_finds_submodule_members_with_file_lines() -> None:
    blocks = {b.qualname: b for b in collect_blocks("examples_pkg")}
    assert list(blocks)[0] == "examples_pkg"
    passes = blocks["examples_pkg.calm.passes"]
    assert passes.module == "examples_pkg.calm"
    assert passes.file is not None and passes.file.endswith("calm.py")
    with open(passes.file, encoding="utf-8") as source:
        line = source.read().splitlines()[passes.lineno - 1]
    assert ">>> x = SCALE * 2" in line
    assert passes.location == f"examples_pkg.calm.passes:{passes.lineno}"
    assert "examples_pkg.hostile.segfaults" in blocks


def test_a_function_target_has_just_its_block_and_blocks_round_trip() -> None:
    (block,) = collect_blocks("examples_pkg.calm.differs")
    assert [p.want for p in block.examples] == ["3", "'still runs after a mismatch'"]
    assert ExampleBlock.from_dict(block.to_dict()) == block


@pytest.mark.parametrize("target", ["torch.distributions"])
def test_torch_distributions_blocks_match_xdoctest_docstrings(target: str) -> None:
    pytest.importorskip("torch")
    blocks = collect_blocks(target)
    names = {b.qualname for b in blocks}
    assert {
        "torch.distributions.normal.Normal",
        "torch.distributions.utils.clamp_probs",
        "torch.distributions.constraints.is_dependent",
    } <= names
    runnable = [b for b in blocks if not all(check.skip_reason(p) for p in b.examples)]
    assert len(runnable) >= 34  # xdoctest passes 34 of these


def test_hostile_module_hooks_never_run_while_collecting() -> None:
    import hostile_objects

    assert collect_blocks("hostile_objects") == []  # its __getattr__ raises KeyError
    assert hostile_objects.SIDE_EFFECTS == []


def test_block_dicts_name_the_submodules_nothing_imported() -> None:
    from explorer.core.example_walk import collect_block_dicts

    found = collect_block_dicts("hostile")
    assert found["blocks"] == []
    assert "hostile.segfault_on_import" in found["unsearched"]
    import sys

    assert "hostile.segfault_on_import" not in sys.modules  # listed, never imported

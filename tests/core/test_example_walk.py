"""Collecting example blocks: every docstring under a target, split as xdoctest runs them."""

from __future__ import annotations

import inspect

import pytest

from explorer.core import check
from explorer.core.example_walk import ExampleBlock, collect_blocks, submodules_on_disk
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
        "torch.distributions.Normal",
        "torch.distributions.utils.clamp_probs",
        "torch.distributions.constraints.is_dependent",
    } <= names
    runnable = [b for b in blocks if not all(check.skip_reason(p) for p in b.examples)]
    assert len(runnable) >= 34  # xdoctest passes 34 of these


def test_hostile_module_hooks_never_run_while_collecting() -> None:
    import hostile_objects

    assert collect_blocks("hostile_objects") == []  # its __getattr__ raises KeyError
    assert hostile_objects.SIDE_EFFECTS == []


def test_find_blocks_names_the_submodules_nothing_imported() -> None:
    from explorer.core.example_walk import find_blocks

    blocks, unsearched = find_blocks("hostile")
    assert blocks == []
    assert "hostile.segfault_on_import" in unsearched
    import sys

    assert "hostile.segfault_on_import" not in sys.modules  # listed, never imported


# ---- what counts, under which name ----------------------------------------------------


def test_every_public_name_once_under_the_name_a_reader_sees() -> None:
    blocks = {b.qualname: b for b in collect_blocks("exposed_pkg")}
    # A C builtin exposed under a public name is documented (and seeded) here.
    assert blocks["exposed_pkg.hex"].module == "exposed_pkg"
    # Defined in a private module: reported under the public name, seeded from home.
    assert blocks["exposed_pkg.helper"].module == "exposed_pkg._impl"
    # A factory-made function: its public name, never `_factory.<locals>.fn`.
    made = blocks["exposed_pkg.made"]
    assert made.file is not None and made.file.endswith("_impl.py") and made.lineno
    assert not any("<locals>" in name or "_hidden_first" in name for name in blocks)
    # Another package's function is walked where it is defined, not here.
    assert not any(name.endswith("dumps") for name in blocks)
    assert len(blocks) == len(collect_blocks("exposed_pkg"))  # once per object


def test_a_private_home_is_documented_by_the_public_module_that_exposes_it() -> None:
    import exposed_pkg.api  # noqa: F401 - what the kernel's submodule import does

    (block,) = collect_blocks("exposed_pkg.api")
    assert (block.qualname, block.module) == ("exposed_pkg.api.assist", "exposed_pkg.api")


def test_submodules_on_disk_are_public_ones_at_any_depth_without_importing() -> None:
    import sys

    import exposed_pkg

    names = submodules_on_disk(exposed_pkg)
    assert names == ["exposed_pkg.api", "exposed_pkg.sub", "exposed_pkg.sub.deep"]
    assert "exposed_pkg.sub.deep" not in sys.modules


def test_torch_nn_functional_c_builtins_run_under_their_functional_names() -> None:
    pytest.importorskip("torch")
    blocks = {b.qualname: b for b in collect_blocks("torch.nn.functional")}
    builtins = [
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "avg_pool1d", "pixel_shuffle", "pixel_unshuffle",
        "channel_shuffle", "native_channel_shuffle", "cosine_similarity", "one_hot",
        "scaled_dot_product_attention",
    ]  # fmt: skip
    found = [name for name in builtins if f"torch.nn.functional.{name}" in blocks]
    assert len(found) >= 10, found
    conv1d = blocks["torch.nn.functional.conv1d"]
    assert conv1d.module == "torch.nn.functional"
    assert conv1d.file is not None and conv1d.file.endswith("functional.py")
    assert "torch.nn.functional.fractional_max_pool2d" in blocks
    assert not any("<locals>" in name for name in blocks)
    # Its boolean_dispatch wrapper, _with_indices and private _impl share one docstring:
    # one block, under the shortest public name.
    assert "torch.nn.functional.fractional_max_pool2d_with_indices" not in blocks
    shared = [tuple(e.source for e in b.examples) for b in blocks.values()]
    assert len(shared) == len(set(shared))

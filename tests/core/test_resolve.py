from __future__ import annotations

import builtins
import json

import pytest

from explorer.core.resolve import TargetError, did_you_mean, resolve


@pytest.mark.parametrize(
    ("target", "expected_type"),
    [
        ("json", "module"),
        ("json.dumps", "function"),
        ("builtins.print", "builtin_function_or_method"),
        ("collections.OrderedDict", "type"),
        ("torch.distributions.Multinomial.log_prob", "function"),
    ],
)
def test_resolves_dotted_names(target: str, expected_type: str) -> None:
    assert type(resolve(target).obj).__name__ == expected_type


@pytest.mark.slow  # imports torch
def test_longest_module_prefix_is_imported_and_rest_is_attributes() -> None:
    resolved = resolve("torch.distributions.Multinomial.log_prob")
    assert resolved.module.__name__ == "torch.distributions"
    assert resolved.attr_path == ("Multinomial", "log_prob")


def test_returns_the_real_objects() -> None:
    assert resolve("json").obj is json
    assert resolve("builtins.print").obj is builtins.print


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "empty target"),
        ("   ", "empty target"),
        ("os; rm -rf /", "not a dotted Python name"),
        ("__import__('os')", "not a dotted Python name"),
        ("json..dumps", "not a dotted Python name"),
        ("json.class", "not a dotted Python name"),
        ("no.such.module", "no module named 'no'"),
        ("json.NoSuch", "json has no attribute 'NoSuch'"),
        ("torch.distributions.NoSuch", "has no attribute 'NoSuch'"),
    ],
)
def test_bad_targets_give_one_line_errors(target: str, message: str) -> None:
    with pytest.raises(TargetError) as info:
        resolve(target)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("target", "hint"),
    [
        ("json.dump_s", "(did you mean dumps or dump?)"),
        ("collections.ordereddict", "(did you mean OrderedDict?)"),  # case alone differs
        ("collections.Counterr", "(did you mean Counter?)"),
        ("os.pathh", "(did you mean path"),
        ("jsonn", "(did you mean json"),
        ("email.mimee", "(did you mean mime?)"),  # a submodule not yet imported
    ],
)
def test_a_miss_suggests_the_nearest_names(target: str, hint: str) -> None:
    with pytest.raises(TargetError) as info:
        resolve(target)
    assert hint in str(info.value)


def test_far_misses_and_private_names_are_not_suggested() -> None:
    assert did_you_mean("nopezzz", ["dumps", "loads"]) == ""
    assert did_you_mean("helper", ["_helper", "help_me"]) == " (did you mean help_me?)"
    assert did_you_mean("_helpr", ["_helper"]) == " (did you mean _helper?)"


def test_module_getattr_raising_keyerror_is_reported() -> None:
    with pytest.raises(TargetError, match="raised KeyError"):
        resolve("hostile_objects.nothing")


def test_import_errors_say_type_and_message(tmp_path, monkeypatch) -> None:
    (tmp_path / "raises_on_import.py").write_text("raise ValueError('bad module')\n")
    (tmp_path / "exits_on_import.py").write_text("import sys\nsys.exit(3)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TargetError, match="raised ValueError: bad module"):
        resolve("raises_on_import")
    with pytest.raises(TargetError, match=r"called sys.exit\(3\)"):
        resolve("exits_on_import")


def test_builtin_names_resolve_without_the_builtins_prefix() -> None:
    """`explore dict.setdefault` and `explore print` find what help() finds."""
    assert resolve("dict.setdefault").obj is dict.setdefault
    assert resolve("print").obj is print
    assert resolve("builtins.print").obj is print
    with pytest.raises(TargetError, match="no module named 'nosuchthing'"):
        resolve("nosuchthing")

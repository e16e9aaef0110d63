"""The `explore` command as a user runs it: real subprocesses, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def explore(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(FIXTURES), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow  # imports torch
def test_list_torch_distributions_public_then_private_and_dunder() -> None:
    result = explore("torch.distributions", "--list")
    assert result.returncode == 0, result.stderr
    for name in ("Multinomial", "Normal", "Categorical", "kl_divergence"):
        assert f" {name} " in result.stdout or f"*{name} " in result.stdout
    assert "__init__" not in result.stdout and "__name__" not in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    everything = explore("torch.distributions", "--list", "--private", "--dunder")
    assert "__name__" in everything.stdout


@pytest.mark.slow  # imports torch
def test_multinomial_doc_json() -> None:
    result = explore("torch.distributions.Multinomial", "--doc", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    params = {param["name"]: param for param in doc["params"]}
    assert list(params) == ["total_count", "probs", "logits", "validate_args"]
    assert params["probs"]["type"] == "Tensor"
    assert params["probs"]["description"] == "event probabilities"
    assert len([e for e in doc["examples"] if e["want"]]) >= 2
    assert "+SKIP" in doc["examples"][0]["directives"]
    assert {
        "text": "log_prob",
        "target": "torch.distributions.Multinomial.log_prob",
        "role": "meth",
    } in doc["links"]


@pytest.mark.slow  # imports torch
def test_tensor_backward_doc_text() -> None:
    result = explore("torch.Tensor.backward", "--doc")
    assert result.returncode == 0
    for name in ("gradient", "retain_graph", "create_graph", "inputs"):
        assert name in result.stdout
    assert "graph of the derivative will" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("builtins.print", "--doc"),
        ("json", "--list"),
        ("json.dumps", "--source"),
        ("json.dumps", "--help-text"),
        ("json", "--list", "--json"),
    ],
)
def test_other_views_work(args: tuple[str, ...]) -> None:
    result = explore(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    if "--json" in args:
        json.loads(result.stdout)


def test_list_json_keys() -> None:
    listing = json.loads(explore("json", "--list", "--json").stdout)
    member = listing["members"][0]
    assert set(member) == {
        "name",
        "qualname",
        "kind",
        "summary",
        "defined_in",
        "inherited_from",
        "exported",
        "error",
    }


def test_help_text_matches_pydoc() -> None:
    result = explore("json.dumps", "--help-text")
    expected = subprocess.run(
        [sys.executable, "-c", "import json; help(json.dumps)"],
        capture_output=True,
        text=True,
        env={**os.environ, "PAGER": "cat"},
    )
    assert result.stdout.strip() == expected.stdout.strip()


def test_source_header_and_builtin() -> None:
    assert explore("json.dumps", "--source").stdout.startswith("# ")
    builtin = explore("builtins.print", "--source")
    assert builtin.returncode == 0 and "built in" in builtin.stdout


@pytest.mark.parametrize(
    "target",
    ["no.such.module", "", "os; rm -rf /", "__import__('os')", "torch.distributions.NoSuch"],
)
def test_bad_targets_one_line_exit_2(target: str, tmp_path: Path) -> None:
    result = explore(target, "--list")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("explore: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_nothing_is_executed_from_the_target_string(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = explore(f"__import__('pathlib').Path('{marker}').touch()", "--doc")
    assert result.returncode == 2 and not marker.exists()


def test_module_that_prints_on_import_keeps_json_clean(tmp_path: Path) -> None:
    (tmp_path / "noisy.py").write_text(
        "import os\nprint('hello from import')\nos.write(1, b'raw fd write\\n')\nX = 1\n"
    )
    result = explore("noisy", "--list", "--json", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0
    assert json.loads(result.stdout)["target"] == "noisy"
    assert "hello from import" in result.stderr


def test_import_errors_and_exit_on_import(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('cannot load')\n")
    (tmp_path / "quitter.py").write_text("import sys\nsys.exit(5)\n")
    env = {"PYTHONPATH": str(tmp_path)}
    broken = explore("broken", "--list", env=env)
    assert broken.returncode == 2
    assert broken.stderr.strip() == "explore: importing broken raised RuntimeError: cannot load"
    quitter = explore("quitter", "--doc", env=env)
    assert quitter.returncode == 2 and "sys.exit(5)" in quitter.stderr


def test_usage_errors_exit_2() -> None:
    assert explore("--bogus").returncode == 2
    assert explore("--list").returncode == 2
    assert explore("json", "--list", "--doc").returncode == 2


def test_python_dash_m_and_help() -> None:
    result = explore("--help")
    assert result.returncode == 0 and "--search" in result.stdout


def test_index_after_a_target_says_where_the_package_goes() -> None:
    result = explore("json", "--index")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "explore: --index takes the package after it: explore --index json"
    )


def test_a_long_member_name_never_runs_into_its_summary() -> None:
    result = explore("tui_sample.ranking.Params", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "register_post_accumulate_grad_hook" in line)
    assert lines[at].strip() == "register_post_accumulate_grad_hook"  # summary below it
    assert lines[at + 1].startswith(" " * 20) and lines[at + 1].strip()

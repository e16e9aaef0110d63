from __future__ import annotations

import json

import hostile_objects
import pytest

from explorer.core.docs import get_doc, get_source, help_text


def params(doc) -> dict:
    return {param.name: param for param in doc.params}


@pytest.mark.slow  # imports torch
def test_multinomial_doc_merges_signature_and_docstring() -> None:
    doc = get_doc("torch.distributions.Multinomial")
    by_name = params(doc)
    assert list(by_name) == ["total_count", "probs", "logits", "validate_args"]
    assert by_name["total_count"].type == "int"
    assert by_name["total_count"].description == "number of trials"
    assert by_name["probs"].description == "event probabilities"
    assert by_name["logits"].description == "event log probabilities (unnormalized)"
    assert by_name["validate_args"].default == "None"
    assert doc.summary.endswith("(but not both).")
    assert doc.kind == "class"


@pytest.mark.slow  # imports torch
def test_multinomial_examples_and_links() -> None:
    doc = get_doc("torch.distributions.Multinomial")
    assert len(doc.examples) >= 2
    assert all(example.want for example in doc.examples[:2])
    assert "+SKIP" in doc.examples[0].directives
    assert "tensor([-4.1338])" in [example.want for example in doc.examples]
    targets = {link.text: link.target for link in doc.links}
    assert targets["log_prob"] == "torch.distributions.Multinomial.log_prob"
    assert any(note.title == "Note" for note in doc.notes)


@pytest.mark.slow  # imports torch
def test_tensor_backward_params_have_descriptions() -> None:
    doc = get_doc("torch.Tensor.backward")
    by_name = params(doc)
    assert list(by_name) == ["gradient", "retain_graph", "create_graph", "inputs"]
    assert all(param.description for param in doc.params)
    assert by_name["create_graph"].default == "False"


@pytest.mark.slow  # imports torch
def test_builtin_print_doc_and_builtin_without_signature() -> None:
    doc = get_doc("builtins.print")
    assert doc.kind == "builtin"
    assert "sep" in params(doc)
    nxt = get_doc("builtins.next")  # no __text_signature__: the doc's first line stands in
    assert nxt.signature == "(iterator[, default])"
    assert nxt.summary == "Return the next item from the iterator."
    bare = get_doc("torch._add_relu")  # neither a signature nor a doc
    assert bare.signature is None and bare.kind == "builtin"


def test_doc_serializes_to_the_documented_json_keys() -> None:
    data = json.loads(json.dumps(get_doc("json.dumps").to_dict()))
    for key in (
        "name",
        "kind",
        "signature",
        "summary",
        "description",
        "params",
        "returns",
        "raises",
        "examples",
        "links",
    ):
        assert key in data
    assert set(data["params"][0]) >= {
        "name",
        "kind",
        "annotation",
        "default",
        "type",
        "description",
    }


def test_google_returns_and_raises() -> None:
    doc = get_doc("hostile_objects.exported_function")
    assert doc.returns and doc.returns.type == "int" and doc.returns.description == "their sum."
    assert params(doc)["y"].default == "2"


def test_hostile_docs_never_crash() -> None:
    assert "not a string" in (get_doc("hostile_objects.NonStringDoc").unreadable or "")
    huge = get_doc("hostile_objects.HugeDoc")
    assert huge.summary == "Huge docstring." and len(huge.raw) > 1_000_000
    assert get_doc("hostile_objects.BadRest").summary == "Summary line."
    raising = get_doc("hostile_objects.Hostile.raising")
    assert raising.kind == "property" and raising.summary == "A property that raises."
    assert get_doc("hostile_objects.Hostile.side_effect").kind == "property"
    assert hostile_objects.SIDE_EFFECTS == []


def test_help_text_is_what_help_prints(capsys) -> None:
    import pydoc

    pydoc.help(json.dumps)
    printed = capsys.readouterr().out
    assert help_text("json.dumps").strip() == printed.strip()


@pytest.mark.slow  # imports torch
def test_source_has_file_and_line_or_a_clear_reason() -> None:
    source = get_source("json.dumps")
    assert source.file and source.file.endswith("json/__init__.py")
    assert source.text and source.text.startswith("def dumps")
    assert source.line and source.line > 1
    assert "built in" in (get_source("builtins.print").error or "")
    assert get_source("torch.distributions.Multinomial.mean").text


def test_google_note_after_args_is_kept() -> None:
    from explorer.core.resolve import resolve

    def documented(a: int) -> int:
        """Do x.

        Args:
            a (int): thing

        Note:
            careful with :func:`json.dumps`.

        Returns:
            int: r
        """
        return a

    resolved = resolve("json.dumps")
    resolved.obj, resolved.target = documented, "json.documented"
    from explorer.core.docs import doc_of

    doc = doc_of(resolved)
    assert [(n.title, n.text) for n in doc.notes] == [("Note", "careful with `json.dumps`.")]
    assert doc.params[0].description == "thing" and doc.returns.type == "int"
    assert ("json.dumps", "json.dumps") in [(link.text, link.target) for link in doc.links]


@pytest.mark.slow  # imports torch
def test_torch_c_function_signature_line_becomes_the_signature() -> None:
    doc = get_doc("torch.multinomial")
    assert doc.signature and doc.signature.startswith("(input, num_samples")
    assert doc.summary.startswith("Returns a tensor where each row contains")
    assert "num_samples" in {param.name for param in doc.params}

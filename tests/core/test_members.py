from __future__ import annotations

import hostile_objects
import pytest

from explorer.core.members import list_members


def names(listing) -> set[str]:
    return {member.name for member in listing.members}


def by_name(listing, name: str):
    return next(member for member in listing.members if member.name == name)


@pytest.mark.slow  # imports torch
def test_torch_distributions_public_members() -> None:
    listing = list_members("torch.distributions")
    assert {"Multinomial", "Normal", "Categorical", "kl_divergence"} <= names(listing)
    assert not any(name.startswith("_") for name in names(listing))
    multinomial = by_name(listing, "Multinomial")
    assert multinomial.kind == "class"
    assert multinomial.exported
    assert multinomial.summary.startswith("Creates a Multinomial distribution")
    assert ":attr:" not in multinomial.summary
    assert multinomial.defined_in == "torch.distributions.multinomial"
    assert by_name(listing, "kl_divergence").kind == "function"


@pytest.mark.slow  # imports torch
def test_private_and_dunder_toggles() -> None:
    plain = names(list_members("torch.distributions"))
    private = names(list_members("torch.distributions", private=True))
    both = names(list_members("torch.distributions", private=True, dunder=True))
    assert "__name__" not in private and "__name__" in both
    assert plain <= private < both
    fixture = names(list_members("hostile_objects"))
    assert "_private_helper" not in fixture
    assert "_private_helper" in names(list_members("hostile_objects", private=True))


@pytest.mark.slow  # imports torch
def test_class_members_are_classified_and_inherited_marked() -> None:
    listing = list_members("torch.distributions.Multinomial")
    assert by_name(listing, "log_prob").kind == "method"
    assert by_name(listing, "log_prob").inherited_from is None
    assert by_name(listing, "mean").kind == "property"
    cdf = by_name(listing, "cdf")
    assert cdf.inherited_from == "torch.distributions.distribution.Distribution"
    assert by_name(listing, "set_default_validate_args").kind == "staticmethod"


@pytest.mark.slow  # imports torch
def test_tensor_and_builtins_kinds() -> None:
    tensor = list_members("torch.Tensor")
    assert by_name(tensor, "backward").kind == "method"
    assert by_name(tensor, "shape").kind == "descriptor"
    assert by_name(list_members("builtins"), "print").kind == "builtin"
    assert by_name(list_members("builtins"), "ValueError").kind == "exception"
    assert by_name(list_members("collections.OrderedDict"), "fromkeys").kind == "classmethod"


def test_json_listing_marks_all_exports() -> None:
    listing = list_members("json")
    assert by_name(listing, "dumps").exported
    assert by_name(listing, "JSONDecodeError").kind == "exception"


def test_modules_a_module_merely_imports_are_listed_only_on_request() -> None:
    names = {m.name for m in list_members("json").members}
    assert {"decoder", "encoder", "scanner"} <= names  # json's own submodules
    assert "codecs" not in names  # `import codecs` inside json
    assert "codecs" in {m.name for m in list_members("json", private=True).members}


def test_listing_never_runs_properties_or_getattr() -> None:
    listing = list_members("hostile_objects.Hostile", private=True, dunder=True)
    assert by_name(listing, "raising").kind == "property"
    assert by_name(listing, "side_effect").summary == "A property with a side effect."
    assert hostile_objects.SIDE_EFFECTS == []


def test_dir_raising_falls_back_to_dicts_and_says_so() -> None:
    listing = list_members("hostile_objects.dir_raises")
    assert "visible" in names(listing)
    assert any("dir() raised RuntimeError" in note for note in listing.notes)


def test_metaclass_getattr_and_module_getattr_do_not_break_listing() -> None:
    assert "method" in names(list_members("hostile_objects.WithMeta"))
    module = list_members("hostile_objects", private=True)
    assert by_name(module, "exported_function").exported
    assert not by_name(module, "Hostile").error


def test_non_string_doc_is_an_error_value_not_a_crash() -> None:
    member = by_name(list_members("hostile_objects"), "NonStringDoc")
    assert member.error and "not a string" in member.error


@pytest.mark.parametrize("target", ["hostile_objects.HugeDoc", "hostile_objects.BadRest"])
def test_odd_docstrings_still_summarised(target: str) -> None:
    module, name = target.rsplit(".", 1)
    assert by_name(list_members(module), name).summary


def test_future_import_flags_are_not_members() -> None:
    assert "annotations" not in names(list_members("hostile_objects", private=True))


@pytest.mark.slow  # imports torch
def test_class_listing_carries_its_mro() -> None:
    mro = list_members("torch.distributions.Multinomial").mro
    assert mro[:2] == (
        "torch.distributions.multinomial.Multinomial",
        "torch.distributions.distribution.Distribution",
    )
    assert list_members("json").mro == ()


@pytest.mark.slow  # imports torch
def test_summaries_skip_torch_signature_lines_and_roles() -> None:
    multinomial = by_name(list_members("torch"), "multinomial")
    assert multinomial.summary.startswith("Returns a tensor where each row contains num_samples")


def test_within_a_kind_public_names_come_before_private_before_dunder() -> None:
    from explorer.core.model import Kind, Member, listing_order

    names = ["__init__", "_helper", "zeta", "alpha", "__repr__", "_aux"]
    members = sorted((Member(n, f"m.{n}", Kind.METHOD) for n in names), key=listing_order)
    assert [m.name for m in members] == ["alpha", "zeta", "_aux", "_helper", "__init__", "__repr__"]


def test_a_method_as_a_target_is_a_method_in_its_listing_as_in_its_doc() -> None:
    from explorer.core.members import list_members
    from explorer.core.model import Kind

    assert list_members("json.JSONDecoder.decode").kind == Kind.METHOD
    assert list_members("json.dumps").kind == Kind.FUNCTION

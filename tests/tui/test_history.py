"""The navigation history: a bounded back/forward list with no UI."""

from __future__ import annotations

from explorer.tui.services.history import History, Location


def test_back_and_forward_walk_the_visits() -> None:
    history: History[str] = History()
    for place in ("a", "b", "c"):
        history.visit(place)
    assert history.back() == "b"
    assert history.back() == "a"
    assert history.back() is None and history.current == "a"
    assert history.forward() == "b"
    assert history.can_go_forward


def test_visiting_after_going_back_drops_the_forward_entries() -> None:
    history: History[str] = History()
    for place in ("a", "b", "c"):
        history.visit(place)
    history.back()
    history.visit("d")
    assert history.entries() == ["a", "b", "d"]
    assert not history.can_go_forward


def test_oldest_entries_fall_off_past_the_limit() -> None:
    history: History[int] = History(limit=3)
    for place in range(5):
        history.visit(place)
    assert history.entries() == [2, 3, 4]
    assert history.back() == 3 and history.back() == 2 and history.back() is None


def test_replace_current_keeps_selection_and_scroll() -> None:
    history: History[Location] = History()
    history.visit(Location("torch.distributions"))
    history.replace_current(Location("torch.distributions", "Multinomial", "doc", 12.0, 3.0))
    history.visit(Location("torch.distributions.Multinomial", "log_prob"))
    back = history.back()
    assert back == Location("torch.distributions", "Multinomial", "doc", 12.0, 3.0)


def test_empty_history() -> None:
    history: History[str] = History()
    assert history.current is None and len(history) == 0
    assert history.back() is None and history.forward() is None
    history.replace_current("x")
    assert history.current == "x"

import numpy as np
import pytest

from model.exploration import explore, explored_slots


def _frequencies(ranked, k, share, runs=20_000):
    rng = np.random.default_rng(0)
    shown, props, explored = {}, {}, {}
    for _ in range(runs):
        for slot in explore(ranked, k, share, rng):
            shown[slot.item] = shown.get(slot.item, 0) + 1
            props.setdefault(slot.item, set()).add(round(slot.propensity, 9))
            explored[slot.item] = slot.explored
    return {i: n / runs for i, n in shown.items()}, props, explored


def test_no_exploration_is_the_top_k_with_propensity_one():
    slots = explore(list("abcdefgh"), 3, 0.0, np.random.default_rng(1))
    assert [s.item for s in slots] == ["a", "b", "c"]
    assert all(s.propensity == 1.0 and not s.explored for s in slots)


@pytest.mark.parametrize("share", [0.1, 0.25, 0.5])
def test_logged_propensities_match_how_often_each_item_is_shown(share):
    ranked = [f"p{i}" for i in range(25)]
    freq, props, explored = _frequencies(ranked, 10, share)
    for item, f in freq.items():
        assert len(props[item]) == 1  # one propensity per item whatever the draw
        assert f == pytest.approx(props[item].pop(), abs=0.012)
    # Pool items are only ever explored; the model's first items always keep their place.
    assert all(explored[f"p{i}"] for i in range(10, 25) if f"p{i}" in explored)
    assert freq["p0"] == 1.0


def test_mean_explored_slots_is_share_times_k():
    assert explored_slots(10, 0.25) == (2, 0.5)
    rng = np.random.default_rng(3)
    counts = [sum(s.explored for s in explore(list(range(40)), 10, 0.25, rng))
              for _ in range(4000)]
    assert np.mean(counts) == pytest.approx(2.5, abs=0.05)


def test_a_short_pool_caps_the_explored_slots():
    freq, props, _ = _frequencies(list("abcdef"), 5, 0.5, runs=4000)
    # One pool item: it takes the one explored slot every time; the model's 5th never shows.
    assert freq["f"] == 1.0 and props["f"] == {1.0}
    assert "e" not in freq and freq["d"] == 1.0 and props["d"] == {1.0}


def test_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        explore(list("abc"), 2, 1.5, np.random.default_rng(0))

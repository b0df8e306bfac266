"""Primary and complementary suppression: no hidden group can be worked out from the total."""
from __future__ import annotations

import itertools
import random

from exports.anonymity import suppress


def _derivable(sizes: dict, result) -> bool:
    """True when a reader could work out a hidden group's size, or a group below the threshold."""
    hidden = [g for g in sizes if g in result.hidden and sizes[g] > 0]
    if result.total_hidden:
        return False
    return len(hidden) == 1 or (hidden and sum(sizes[g] for g in hidden) < 5)


def test_nothing_is_hidden_when_every_group_is_large_enough():
    assert suppress({"a": 5, "b": 9}, 5).hidden == frozenset()


def test_a_small_group_and_the_next_smallest_are_hidden():
    result = suppress({"aalborg": 40, "jammerbugt": 12, "læsø": 3, "thisted": 8}, 5)
    assert result.primary == {"læsø"}
    assert result.hidden == {"læsø", "thisted"}
    assert result.complementary == {"thisted"}
    assert not result.total_hidden


def test_two_tiny_groups_get_a_third_when_their_sum_is_under_the_threshold():
    result = suppress({"a": 1, "b": 2, "c": 7, "d": 20}, 5)
    assert result.hidden == {"a", "b", "c"}


def test_everything_is_hidden_when_the_total_is_under_the_threshold():
    result = suppress({"a": 2, "b": 1}, 5)
    assert result.total_hidden and result.hidden == {"a", "b"}


def test_one_small_and_one_large_group_hide_both_but_show_the_total():
    result = suppress({"a": 2, "b": 30}, 5)
    assert result.hidden == {"a", "b"} and not result.total_hidden


def test_forced_groups_are_hidden_and_complemented():
    result = suppress({"a": 10, "b": 12, "c": 30}, 5, forced=["a"])
    assert result.hidden == {"a", "b"}


def test_empty_groups_are_ignored():
    assert suppress({"a": 0, "b": 10, "c": 9}, 5).hidden == frozenset()


def test_no_breakdown_ever_reveals_a_hidden_group():
    rng = random.Random(3)
    for _ in range(3000):
        sizes = {f"m{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30]) for i in range(rng.randint(1, 11))}
        result = suppress(sizes, 5)
        assert all(sizes[g] >= 5 for g in sizes if g not in result.hidden and sizes[g] > 0)
        assert not _derivable(sizes, result), sizes


def test_exhaustive_small_networks():
    for values in itertools.product([0, 1, 4, 5, 9], repeat=4):
        sizes = dict(zip("abcd", values))
        result = suppress(sizes, 5)
        assert not _derivable(sizes, result), sizes

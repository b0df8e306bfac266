"""Anonymity: primary and complementary suppression of small groups in a breakdown.

A breakdown shows groups (municipalities) next to their total. A group with fewer respondents than the
threshold is suppressed (primary). Because the total is shown, one hidden group could be worked back out
as total minus the visible groups, so more groups are hidden (complementary) until the hidden groups
together are at least the threshold and there are at least two of them. If that cannot be reached, every
group and the total are hidden.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

SUPPRESSED_LABEL = "skjult"
OTHER_GROUP_LABEL = "Øvrige (skjult)"


@dataclass(frozen=True)
class Suppression:
    """The outcome for one breakdown: which groups are hidden, and whether the total is hidden too."""

    hidden: frozenset = field(default_factory=frozenset)
    primary: frozenset = field(default_factory=frozenset)
    total_hidden: bool = False
    # The network total is hidden while the groups are shown: in a wave still taking answers, so that two
    # exports on either side of one late answer of a hidden group do not differ by exactly that answer.
    network_hidden: bool = False
    # Groups hidden because the hidden groups' answers were all alike (see survey_tables.question_suppression)
    alike: frozenset = field(default_factory=frozenset)

    @property
    def hides_network(self) -> bool:
        return self.total_hidden or self.network_hidden

    def shows(self, group: Hashable) -> bool:
        """True when the group's figures may be shown."""
        return group not in self.hidden

    @property
    def complementary(self) -> frozenset:
        """Groups hidden only so that the primary ones cannot be derived."""
        return self.hidden - self.primary


def suppress(sizes: Mapping[Hashable, int], threshold: int, forced: Iterable[Hashable] = ()) -> Suppression:
    """Decide which groups of a breakdown to hide.

    `sizes` maps each group to its number of respondents; groups of size 0 hold nothing and are never
    counted as hidden. `forced` groups are hidden whatever their size (e.g. hidden in the wave as a whole).
    """
    present = {g: int(n) for g, n in sizes.items() if int(n) > 0}
    total = sum(present.values())
    if threshold <= 1 or total == 0:
        return Suppression()  # nobody answered: nothing to protect, every group reads 0
    if total < threshold:
        everything = frozenset(present)
        return Suppression(everything, everything, True)
    primary = frozenset(g for g, n in present.items() if n < threshold) | frozenset(g for g in forced if g in present)
    hidden = set(primary)
    if hidden:
        # Smallest visible groups first: they cost the least information.
        candidates = sorted((g for g in present if g not in hidden), key=lambda g: (present[g], str(g)))
        while (len(hidden) < 2 or sum(present[g] for g in hidden) < threshold) and candidates:
            hidden.add(candidates.pop(0))
        if len(hidden) < 2 or sum(present[g] for g in hidden) < threshold:
            return Suppression(frozenset(present), primary, True)
    return Suppression(frozenset(hidden), primary, False)


def joint_suppression(breakdowns: Mapping[Hashable, Mapping[Hashable, int]], threshold: int,
                      forced: Mapping[Hashable, Iterable[Hashable]] | None = None) -> dict[Hashable, Suppression]:
    """`suppress` for several breakdowns at once (e.g. one per wave), keyed like `breakdowns`."""
    forced = forced or {}
    return {key: suppress(sizes, threshold, forced.get(key, ())) for key, sizes in breakdowns.items()}

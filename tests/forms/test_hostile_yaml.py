"""Hostile YAML: alias bombs and deep nesting are refused with a located error, in bounded time and memory."""
from __future__ import annotations

import resource
import threading

from forms.yaml_source import MAX_DEPTH, MAX_NODES, read_yaml

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

MERGE_BOMB = "a0: &a0 {k: v}\n" + "".join(
    f"a{n}: &a{n} {{<<: [*a{n - 1}, *a{n - 1}], k{n}: v}}\n" for n in range(1, 40))


def _read_in_thread(text: str, seconds: float = 20.0):
    """read_yaml in a thread; the test fails (rather than hangs) when it does not finish."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(out=read_yaml(text, "bomb.yaml")), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "read_yaml did not finish"
    return result["out"]


def test_billion_laughs_is_refused_at_its_line_without_expanding():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    value, problems = _read_in_thread(BILLION_LAUGHS)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert value is None
    assert [p.code for p in problems] == ["yaml_too_large"]
    assert problems[0].line is not None and problems[0].line <= 9
    assert str(MAX_NODES) in problems[0].message
    assert grown_kb < 100_000  # 9**9 strings would need tens of gigabytes


def test_a_merge_key_bomb_is_refused_too():
    value, problems = _read_in_thread(MERGE_BOMB)
    assert value is None
    assert [p.code for p in problems] == ["yaml_too_large"]


def test_deep_nesting_is_refused_instead_of_overflowing_the_stack():
    value, problems = _read_in_thread("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert value is None
    assert [p.code for p in problems] == ["yaml_too_deep"]
    assert problems[0].line == 1
    assert str(MAX_DEPTH) in problems[0].message


def test_an_ordinary_anchor_and_merge_key_still_work():
    value, problems = _read_in_thread("base: &b {x: 1}\nother: {<<: *b, y: 2}\nlist: [*b]\n")
    assert problems == []
    assert value["other"] == {"x": 1, "y": 2}
    assert value["list"] == [{"x": 1}]


def test_nesting_just_within_the_bound_is_read():
    depth = MAX_DEPTH - 1
    value, problems = _read_in_thread("[" * depth + "1" + "]" * depth)
    assert problems == []
    assert value is not None

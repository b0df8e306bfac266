"""deploy/boelge.env.example reads the same in bash (`set -a; . file; set +a`) and as a systemd EnvironmentFile=.

The guide loads the file into a shell before `flask db upgrade`, and the units load it with
EnvironmentFile=. A value bash cannot parse (`MAIL_FROM=Bølge <noreply@…>` was a redirection, and a
syntax error that stopped the file there with exit status 0) silently leaves every later setting unset.
The systemd side is read twice: by a reader that follows systemd.exec(5)'s rules for EnvironmentFile=,
and by systemd's own environment.d generator (the same parser, src/basic/env-file.c), where installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, skip_or_fail

EXAMPLE = ROOT / "deploy" / "boelge.env.example"
GENERATOR = Path("/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
WHITESPACE = " \t\r"


def read_environment_file(text: str) -> dict[str, str]:
    """The variables systemd.exec(5) says EnvironmentFile= makes of a file's text.

    Empty lines, lines without "=" and lines starting with "#" or ";" are ignored. After the "=": an
    unquoted value keeps its interior whitespace and quotes, drops leading and trailing whitespace,
    and a backslash keeps the next character (a backslash before a newline continues the line); a
    '-quoted value is verbatim; a "-quoted value keeps \\ \" \\` \\$ as the character, drops a backslash
    before a newline and keeps any other backslash with its character. No variable is expanded.
    """
    values: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in WHITESPACE + "\n":
            i += 1
        if i >= n:
            break
        end = text.find("\n", i)
        end = n if end < 0 else end
        if text[i] in "#;" or "=" not in text[i:end]:
            i = end + 1
            continue
        equals = text.index("=", i)
        key = text[i:equals].strip(WHITESPACE)
        value, i = _read_value(text, equals + 1)
        if NAME.match(key):  # systemd ignores (and logs) an invalid name
            values[key] = value
    return values


def _read_value(text: str, i: int) -> tuple[str, int]:
    n = len(text)
    while i < n and text[i] in WHITESPACE:
        i += 1
    out: list[str] = []
    if i < n and text[i] == "'":
        end = text.index("'", i + 1)
        return text[i + 1:end], _end_of_line(text, end + 1)
    if i < n and text[i] == '"':
        i += 1
        while text[i] != '"':
            if text[i] == "\\":
                following = text[i + 1]
                if following in '"\\`$':
                    out.append(following)
                elif following != "\n":
                    out.append("\\" + following)
                i += 2
            else:
                out.append(text[i])
                i += 1
        return "".join(out), _end_of_line(text, i + 1)
    while i < n and text[i] != "\n":
        if text[i] == "\\" and i + 1 < n:
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out).rstrip(WHITESPACE), i + 1


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end + 1


def read_with_bash(path: Path) -> tuple[dict[str, str], str]:
    """The environment `set -a; . file; set +a` exports, from an otherwise empty environment, and bash's errors."""
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", 'set -a; . "$1"; set +a; env -0', "bash", str(path)],
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    pairs = (item.split("=", 1) for item in done.stdout.decode("utf-8").split("\0") if "=" in item)
    return dict(pairs), done.stderr.decode("utf-8")


def read_with_systemd(path: Path, folder: Path) -> dict[str, str]:
    """What systemd's own env-file parser makes of the file (through its environment.d generator)."""
    if not GENERATOR.exists():
        skip_or_fail(f"systemd's environment.d generator is not installed ({GENERATOR})")
    (folder / "environment.d").mkdir()
    shutil.copy(path, folder / "environment.d" / "boelge.conf")
    done = subprocess.run([str(GENERATOR)], env={"HOME": str(folder), "XDG_CONFIG_HOME": str(folder)},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return read_environment_file(done.stdout)  # it prints KEY=value lines, quoted where needed


def test_the_reader_follows_the_documented_rules():
    text = ("# a comment\n; another\n\nno separator here\n  SPACED = value with  inner  space \t\n"
            "QUOTES=say \"hi\" 'there'\nSINGLE='a \\n $HOME \"x\"'\nDOUBLE=\"a \\\" \\$HOME \\q\"\n"
            "CONTINUED=one\\\ntwo\nESCAPED=a\\\\b\\ c\nMULTI=\"line one\nline two\"\nEMPTY=\n1BAD=x\n")
    assert read_environment_file(text) == {
        "SPACED": "value with  inner  space", "QUOTES": "say \"hi\" 'there'", "SINGLE": "a \\n $HOME \"x\"",
        "DOUBLE": "a \" $HOME \\q", "CONTINUED": "onetwo", "ESCAPED": "a\\b c", "MULTI": "line one\nline two",
        "EMPTY": ""}


def test_the_example_reads_the_same_in_bash_and_as_a_systemd_environment_file(tmp_path):
    from_systemd = read_environment_file(EXAMPLE.read_text(encoding="utf-8"))
    from_bash, errors = read_with_bash(EXAMPLE)
    assert errors == ""  # a syntax error stops `.` with status 0: only stderr tells
    assert {key: from_bash.get(key) for key in from_systemd} == from_systemd
    # systemd's own parser, where installed; it would expand "$", so the example has none
    assert "$" not in "".join(from_systemd.values())
    assert read_with_systemd(EXAMPLE, tmp_path).items() >= from_systemd.items()


def test_the_mail_settings_after_the_sender_are_set():
    """The SMTP settings come after MAIL_FROM: a shell stopped there sent mail to 127.0.0.1:25 instead."""
    from_bash, _ = read_with_bash(EXAMPLE)
    assert from_bash["MAIL_FROM"] == "Bølge <noreply@boelge.example.dk>"
    for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USERNAME", "SMTP_PASSWORD"):
        assert from_bash.get(key), key
    assert set(read_environment_file(EXAMPLE.read_text(encoding="utf-8"))) >= {"MAIL_FROM", "SMTP_HOST", "SMTP_PASSWORD"}


def test_an_unquoted_sender_is_what_broke_bash(tmp_path):
    """The old line: systemd reads it, bash does not; the test above would see the difference."""
    path = tmp_path / "old.env"
    path.write_text("MAIL_FROM=Bølge <noreply@boelge.example.dk>\nSMTP_HOST=smtp.example.dk\n", encoding="utf-8")
    from_bash, errors = read_with_bash(path)
    assert read_environment_file(path.read_text(encoding="utf-8"))["SMTP_HOST"] == "smtp.example.dk"
    assert "SMTP_HOST" not in from_bash and "syntax error" in errors

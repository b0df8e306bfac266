"""Command line: `python -m forms check [PATH...]` reports every problem in questionnaire files."""
from __future__ import annotations

import argparse
import sys

from forms.loader import check_paths


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 1 when any error was found, else 0."""
    parser = argparse.ArgumentParser(prog="python -m forms")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check questionnaire files and folders")
    check.add_argument("paths", nargs="*", help="files or folders (default: questionnaires/)")
    check.add_argument("--root", help="catalogue root (default: the folder holding scales.yaml)")
    args = parser.parse_args(argv)
    problems = check_paths(args.paths or None, args.root)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    print(f"{errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

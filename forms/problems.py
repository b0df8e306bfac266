"""Problems found in questionnaire files, each with its location and a message from the catalogue."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Literal

from forms.messages import problem_message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One error or warning at `path:line`; `key` names the offending YAML key, `code` the template."""

    path: str
    line: int | None
    message: str
    key: str | None = None
    severity: Severity = "error"
    code: str | None = None
    # The template's parameters (as (name, value) pairs), so the message can be given in Danish too.
    params: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "da") -> str:
        """The message in `lang`: Danish (the default, also for an unknown language) or English."""
        if lang == "en" or self.code is None:
            return self.message
        return problem_message(self.code, "da", key=self.key, **dict(self.params))

    def without(self, prefix: str) -> Problem:
        """The same problem with `prefix` (a temporary folder) taken out of its path, message and parameters."""
        return replace(self, path=self.path.removeprefix(prefix), message=self.message.replace(prefix, ""),
                       params=tuple((name, value.replace(prefix, "") if isinstance(value, str) else value)
                                    for name, value in self.params))

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity == "error"

    def __str__(self) -> str:
        location = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{location}: {prefix}{self.message}"


class CatalogueError(Exception):
    """Raised when questionnaire files have errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class Problems:
    """Collects problems from every file in one run, in the order found, without repeats."""

    def __init__(self) -> None:
        self._items: dict[Problem, None] = {}

    def error(self, template: str, path: str, line: int | None, key: str | None = None,
              /, **params: object) -> None:
        """Record an error made from catalogue template `template`."""
        self._add(template, path, line, key, "error", params)

    def warn(self, template: str, path: str, line: int | None, key: str | None = None,
             /, **params: object) -> None:
        """Record a warning made from catalogue template `template`."""
        self._add(template, path, line, key, "warning", params)

    def add(self, problem: Problem) -> None:
        """Record a problem made elsewhere (e.g. by the YAML reader)."""
        self._items.setdefault(problem, None)

    def _add(self, template: str, path: str, line: int | None, key: str | None,
             severity: Severity, params: dict) -> None:
        message = problem_message(template, key=key, **params)
        self.add(Problem(path, line, message, key, severity, template, _frozen(params)))

    @property
    def all(self) -> list[Problem]:
        """Every problem recorded, errors and warnings, in order."""
        return list(self._items)

    @property
    def errors(self) -> list[Problem]:
        """The errors only."""
        return [p for p in self._items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The warnings only."""
        return [p for p in self._items if not p.is_error]


def make_problem(template: str, path: str, line: int | None, key: str | None = None,
                 /, **params: object) -> Problem:
    """Build one error from catalogue template `template`."""
    return Problem(path, line, problem_message(template, key=key, **params), key, "error", template,
                   _frozen(params))


def _frozen(params: dict) -> tuple[tuple[str, object], ...]:
    """Parameters as hashable pairs (a problem is a dict key): anything but a number or text as its text."""
    return tuple((name, value if isinstance(value, (str, int, float)) or value is None else str(value))
                 for name, value in params.items())

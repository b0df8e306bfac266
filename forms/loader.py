"""Loading a questionnaire catalogue from YAML files: every problem reported, nothing half loaded."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping

from forms.definition import Catalogue, Questionnaire
from forms.problems import CatalogueError, Problem, Problems
from forms.questions import Located
from forms.reference import parse_experiments, parse_municipalities, parse_scales
from forms.yaml_values import Source
from forms.questionnaire_files import (BlockSource, Context, Expander, expand_block, parse_block,
                            parse_questionnaire)
from forms.yaml_source import LineDict, read_yaml

SCALES = "scales.yaml"
MUNICIPALITIES = "reference/municipalities.yaml"
EXPERIMENTS = "reference/experiments.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
PathLike = str | os.PathLike


@dataclass(frozen=True)
class _File:
    display: str  # the path as the user gave it (relative stays relative)
    path: Path


def load_catalogue(paths: Iterable[PathLike] | None = None,
                   root: PathLike | None = None) -> Catalogue:
    """Load questionnaires from `paths` (files or folders; default: all of `root`).

    Scales, shared blocks and reference data always come from the catalogue root: `root`, or the
    nearest folder holding scales.yaml above the first path. Raises CatalogueError listing every
    problem when there is any error; warnings are kept in `Catalogue.warnings`.
    """
    problems, catalogue = _load(paths, root)
    if problems.errors or catalogue is None:
        raise CatalogueError(problems.all)
    return catalogue


def check_paths(paths: Iterable[PathLike] | None = None,
                root: PathLike | None = None) -> list[Problem]:
    """Every error and warning in `paths` (see load_catalogue); never raises for bad files."""
    return _load(paths, root)[0].all


def parse_questionnaire_text(text: str, name: str,
                             catalogue: Catalogue) -> tuple[Questionnaire, tuple[Problem, ...]]:
    """Check an uploaded questionnaire file against a loaded catalogue, as a file on disk would be.

    Returns the questionnaire and its warnings; raises CatalogueError when it has errors.
    """
    problems = Problems()
    blocks = {b.id: BlockSource(b.id, b.title, f"block {b.id}", None,
                                tuple(Located(q, f"block {b.id}", None) for q in b.questions))
              for b in catalogue.blocks.values()}
    ctx = Context(catalogue.scales, blocks, frozenset(e.slug for e in catalogue.experiments))
    questionnaire = _questionnaire_from_text(text, name, ctx, problems)
    if problems.errors or questionnaire is None:
        raise CatalogueError(problems.all)
    return questionnaire, tuple(problems.warnings)


def catalogue_root(paths: Iterable[PathLike] | None, default: PathLike) -> Path:
    """The root to read scales and shared blocks from: the one holding the first path, else `default`.

    `check COPY/` on a copied catalogue reads the copy's own scales.yaml and shared/, never the
    configured folder's.
    """
    given = list(paths or ())
    found = find_root(given[0]) if given else None
    return found if found is not None else Path(default)


def find_root(path: PathLike) -> Path | None:
    """The nearest folder at or above `path` that holds scales.yaml."""
    start = Path(path)
    start = start if start.is_dir() else start.parent
    for candidate in (start, *start.parents, *start.resolve().parents):
        if (candidate / SCALES).is_file():
            return candidate
    return None


def _load(paths: Iterable[PathLike] | None,
          root: PathLike | None) -> tuple[Problems, Catalogue | None]:
    problems = Problems()
    given = [os.fspath(p) for p in paths] if paths is not None else None
    root_path = Path(root) if root is not None else _default_root(given)
    if root_path is None or not (root_path / SCALES).is_file():
        problems.error("root_not_found", str(root_path or (given[0] if given else ".")), None)
        return problems, None
    requested = _expand(given, problems) if given is not None else _walk(root_path, str(root_path))
    texts = _read_all(root_path, requested, problems)
    src = {f: Source(f.display, problems) for f in texts}
    docs = {f: _parse(texts[f], f.display, problems) for f in texts}
    roles = {f: _role(root_path, f, docs[f]) for f in texts}

    def the(role: str) -> _File | None:
        return next((f for f in texts if roles[f] == role), None)

    scales_file, muni_file, exp_file = the("scales"), the("municipalities"), the("experiments")
    scales = parse_scales(src[scales_file], docs[scales_file]) if scales_file else {}
    municipalities = parse_municipalities(src[muni_file], docs[muni_file]) if muni_file else ()
    experiments = (parse_experiments(src[exp_file], docs[exp_file], {m.slug for m in municipalities})
                   if exp_file else ())
    block_sources = _blocks([f for f in texts if roles[f] == "block"], src, docs, scales, problems)
    expander = Expander(block_sources, problems)
    blocks = {b.id: expand_block(b, expander, problems) for b in block_sources.values()}
    ctx = Context(scales, block_sources, frozenset(e.slug for e in experiments))
    questionnaires: dict[str, Questionnaire] = {}
    files_of: dict[str, _File] = {}
    first_seen: dict[str, str] = {}
    for f in (f for f in requested if roles.get(f) == "questionnaire"):
        if docs[f] is None:
            continue
        q, id_line = parse_questionnaire(src[f], docs[f], ctx, expander)
        if q is not None and q.id in first_seen:
            problems.error("duplicate_questionnaire", f.display, id_line, "id", id=q.id,
                           other=first_seen[q.id])
        elif q is not None:
            first_seen[q.id] = f"{f.display}:{id_line}"
            questionnaires[q.id] = q
            files_of[q.id] = f
    relative = {f: _relative(root_path, f) for f in texts}
    catalogue = Catalogue(scales, questionnaires, municipalities, experiments, blocks,
                          tuple(problems.warnings),
                          sources={relative[f]: texts[f] for f in texts if relative[f] is not None},
                          questionnaire_files={q: relative[f] for q, f in files_of.items()
                                               if relative[f] is not None})
    return problems, catalogue


def _relative(root: Path, f: _File) -> str | None:
    try:
        return f.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


_SAFE_PATH = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def is_catalogue_path(path: str) -> bool:
    """True for a relative path of a YAML file inside a catalogue ("shared/x.yaml"), nothing else."""
    parts = PurePosixPath(path).parts
    return (bool(parts) and "/".join(parts) == path and len(path) <= 200
            and all(_SAFE_PATH.fullmatch(part) and part not in (".", "..") for part in parts)
            and path.endswith(YAML_SUFFIXES))


def check_files(files: Mapping[str, str]) -> tuple[list[Problem], Catalogue | None]:
    """Check a whole catalogue given as texts by relative path, exactly as `check` checks a folder.

    The files are written to a fresh folder and loaded from there, so the result is the command
    line's to the letter; problems name the relative paths. Returns every problem, and the
    catalogue when there is no error.
    """
    with tempfile.TemporaryDirectory(prefix="boelge-catalogue-") as tmp:
        root = Path(tmp)
        for path, text in files.items():
            if not is_catalogue_path(path):
                raise ValueError(f"not a catalogue path: {path!r}")
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        problems, catalogue = _load(None, root)
    prefix = os.path.join(str(root), "")
    found = [p.without(prefix) for p in problems.all]
    if problems.errors or catalogue is None:
        return found, None
    return found, replace(catalogue, warnings=tuple(p for p in found if not p.is_error))


def _default_root(given: list[str] | None) -> Path | None:
    if given:
        return find_root(given[0])
    here = Path("questionnaires")
    return here if (here / SCALES).is_file() else find_root(".")


def _walk(folder: Path, display: str) -> list[_File]:
    found = sorted(p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    return [_File(os.path.join(display, str(p.relative_to(folder))), p) for p in found]


def _expand(given: list[str], problems: Problems) -> list[_File]:
    files: list[_File] = []
    for name in given:
        path = Path(name)
        if path.is_dir():
            files.extend(_walk(path, name))
        elif path.is_file():
            files.append(_File(name, path))
        else:
            problems.error("file_not_found", name, None)
    return files


def _read_all(root: Path, requested: list[_File], problems: Problems) -> dict[_File, str]:
    """Read the requested files and every root file once each (a requested name wins)."""
    by_real: dict[Path, _File] = {}
    for f in requested:
        by_real.setdefault(f.path.resolve(), f)
    for f in _walk(root / "shared", str(root / "shared")) if (root / "shared").is_dir() else []:
        by_real.setdefault(f.path.resolve(), f)
    for rel in (SCALES, MUNICIPALITIES, EXPERIMENTS):
        if (root / rel).is_file():
            by_real.setdefault((root / rel).resolve(), _File(str(root / rel), root / rel))
        else:
            problems.error("missing_file", str(root), None, name=rel)
    texts = {}
    for f in by_real.values():
        try:
            texts[f] = f.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.error("file_unreadable", f.display, None, detail=str(exc))
    return texts


def _parse(text: str, display: str, problems: Problems) -> Any:
    doc, found = read_yaml(text, display)
    for p in found:
        problems.add(p)
    if doc is None and not found:
        problems.error("empty_file", display, None)
    return doc


def _role(root: Path, f: _File, doc: Any) -> str:
    """What a file holds: scales, municipalities, experiments, block or questionnaire."""
    try:
        rel = f.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = None
    roles = {SCALES: "scales", MUNICIPALITIES: "municipalities", EXPERIMENTS: "experiments"}
    if rel in roles:
        return roles[rel]
    if rel is not None and rel.startswith("reference/"):
        return "reference"
    in_shared = rel is not None and rel.startswith("shared/")
    looks_like_block = isinstance(doc, LineDict) and "block" in doc and "questionnaire" not in doc
    return "block" if in_shared or looks_like_block else "questionnaire"


def _blocks(files: list[_File], src: dict[_File, Source], docs: dict[_File, Any],
            scales: dict, problems: Problems) -> dict[str, BlockSource]:
    blocks: dict[str, BlockSource] = {}
    for f in files:
        if docs[f] is None:
            continue
        block = parse_block(src[f], docs[f], scales)
        if block is None:
            continue
        if block.id in blocks:
            problems.error("duplicate_block", f.display, block.line, "id", id=block.id,
                           other=f"{blocks[block.id].path}:{blocks[block.id].line}")
            continue
        blocks[block.id] = block
    return blocks


def _questionnaire_from_text(text: str, name: str, ctx: Context,
                             problems: Problems) -> Questionnaire | None:
    doc = _parse(text, name, problems)
    if doc is None:
        return None
    return parse_questionnaire(Source(name, problems), doc, ctx, Expander(ctx.blocks, problems))[0]

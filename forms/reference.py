"""Reading the catalogue root's shared data: scales, municipalities and experiments."""
from __future__ import annotations

from typing import Any

from forms.definition import Experiment, Municipality, Scale
from forms.scales import parse_scale
from forms.yaml_values import Source


def parse_scales(src: Source, doc: Any) -> dict[str, Scale]:
    """Read scales.yaml (`scales: {id: scale}`)."""
    if not src.is_mapping(doc, "scales", 1, "a mapping with the key 'scales'"):
        return {}
    src.check_keys(doc, ("scales",), ("scales",), "scales.yaml")
    table = doc.get("scales")
    if table is None or not src.is_mapping(table, "scales", doc.value_line("scales")):
        return {}
    scales = {}
    for scale_id, m in table.items():
        if src.is_mapping(m, str(scale_id), table.value_line(scale_id), "a scale mapping"):
            scale = parse_scale(src, str(scale_id), m)
            if scale is not None:
                scales[str(scale_id)] = scale
    return scales


def _entries(src: Source, doc: Any, key: str, fields: tuple[str, ...]) -> list:
    """The mappings listed under `key`, each checked for exactly `fields`."""
    if not src.is_mapping(doc, key, 1, f"a mapping with the key '{key}'"):
        return []
    src.check_keys(doc, (key,), (key,), f"{key}.yaml")
    seq = src.sequence(doc, key, f"a list of {key}")
    entries = []
    for m, line in zip(seq or [], (seq.item_lines if seq else [])):
        if src.is_mapping(m, key, line):
            src.check_keys(m, fields, fields, f"an entry of '{key}'")
            entries.append(m)
    return entries


def parse_municipalities(src: Source, doc: Any) -> tuple[Municipality, ...]:
    """Read reference/municipalities.yaml; codes and slugs must be unique."""
    result, first = [], {}
    for m in _entries(src, doc, "municipalities", ("code", "slug", "name")):
        code, slug, name = src.integer(m, "code"), src.ident(m, "slug", "slug"), src.string(m, "name")
        duplicate = False
        for what, key, value in (("municipality code", "code", code),
                                 ("municipality slug", "slug", slug)):
            if value is not None and (what, value) in first:
                src.error("duplicate_reference", m.value_line(key), key, what=what, value=value,
                          first=first[(what, value)])
                duplicate = True
            elif value is not None:
                first[(what, value)] = m.value_line(key)
        if not duplicate and None not in (code, slug, name):
            result.append(Municipality(code, slug, name))
    return tuple(result)


def parse_experiments(src: Source, doc: Any,
                      municipalities: set[str]) -> tuple[Experiment, ...]:
    """Read reference/experiments.yaml; every municipality slug must be known."""
    result, first = [], {}
    for m in _entries(src, doc, "experiments", ("slug", "title", "municipalities")):
        slug, title = src.ident(m, "slug", "slug"), src.text(m, "title")
        if slug is not None and slug in first:
            src.error("duplicate_reference", m.value_line("slug"), "slug", what="experiment",
                      value=slug, first=first[slug])
            continue
        if slug is not None:
            first[slug] = m.value_line("slug")
        seq = src.sequence(m, "municipalities", "a list of municipality slugs")
        members = []
        for value, line in zip(seq or [], (seq.item_lines if seq else [])):
            if not isinstance(value, str) or value not in municipalities:
                src.error("unknown_municipality", line, "municipalities", value=value,
                          experiment=slug)
            else:
                members.append(value)
        if slug is not None and title is not None:
            result.append(Experiment(slug, title, tuple(members)))
    return tuple(result)

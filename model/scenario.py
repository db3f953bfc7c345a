"""Scenario files: TOML that extends a base, validated against the parameter schema.

A scenario file holds an optional ``extends = "base"`` (a preset name or a path relative to the
file), an optional ``[meta]`` table (``zh``, ``en``: one-line descriptions) and parameter
sections. Overrides (``section.field=value``, as given to ``cogov run --set``) are applied last.
Every mistake raises `ScenarioError` with one message naming the file, the field, the value and
what is allowed. `read_toml` is the one reader of the project's TOML files (scenarios, designs,
calibration targets): binary or non-UTF-8 files, bad TOML and absurd nesting are one line too.
"""

from __future__ import annotations

import copy
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .levers import lever_index
from .params import Params

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
BASE = "base"
MAX_DEPTH = 16  # tables and arrays within each other; the schema needs three
MAX_REF = 1024  # characters of a preset name or scenario path


class ScenarioError(ValueError):
    """A scenario or override that cannot run; the message is meant for the user as it is."""


def is_file(path: Path | str) -> bool:
    """Whether `path` names a file; a name no file system takes (too long, a NUL byte) names none."""
    try:
        return len(str(path)) <= MAX_REF and Path(path).is_file()
    except (OSError, ValueError):
        return False


def shorten(text: str, width: int = 60) -> str:
    """A user's value cut for a message (a 5,000-character name need not be shown whole)."""
    return text if len(text) <= width else text[:width] + "…"


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether tables and arrays nest deeper than `limit` (checked without recursion)."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v)
    return False


def _loads(text: str, origin: str, error: type[ValueError]) -> dict[str, Any]:
    """`tomllib.loads`, refusing absurd nesting with one line (TOML errors are the caller's)."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        data = None
    if data is None or _too_deep(data):
        raise error(f"{origin}: nested too deeply (at most {MAX_DEPTH} levels)")
    return data


def read_toml(path: Path, error: type[ValueError] = ScenarioError) -> dict[str, Any]:
    """A TOML file → data, or `error` with one line naming the file and what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot be read ({e.strerror or e})") from None
    if b"\0" in raw:
        raise error(f"{path}: a binary file, not TOML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(
            f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from None
    try:
        return _loads(text, str(path), error)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path}: not valid TOML: {e}") from None


@dataclass
class Scenario:
    name: str
    params: Params
    zh: str = ""
    en: str = ""
    path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def resolved(self) -> dict[str, Any]:
        """All parameter values, as plain data."""
        return self.params.model_dump(mode="json")


def presets() -> list[str]:
    """Names of the shipped presets (every scenario file except the shared base)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml") if p.stem != BASE)


def _resolve_path(ref: str, relative_to: Path | None = None) -> Path:
    """The file a preset name or path refers to (normalised: `a/../b` and `b` are one file)."""
    if not ref or len(ref) > MAX_REF or "\0" in ref:
        raise ScenarioError(f"scenario {shorten(ref)!r}: not a preset name or a path (at most {MAX_REF} characters)")
    p = Path(ref)
    if p.suffix == ".toml" or p.parent != Path("."):
        candidates = [p] if p.is_absolute() or relative_to is None else [relative_to / p, p]
    else:
        candidates = [SCENARIO_DIR / f"{ref}.toml"]
    for c in candidates:
        if is_file(c):
            return Path(os.path.normpath(c))
    known = ", ".join(presets())
    raise ScenarioError(f"scenario {ref!r} not found: give a preset name ({known}) or a path to a .toml file")


def _meta(data: dict[str, Any], path: Path) -> dict[str, str]:
    meta = data.pop("meta", {})
    if not isinstance(meta, dict):
        raise ScenarioError(f"{path}: `meta` = {meta!r}: must be a table with `zh` and `en` descriptions")
    for key in ("zh", "en"):
        if not isinstance(meta.get(key, ""), str):
            raise ScenarioError(f"{path}: `meta.{key}` = {meta[key]!r}: must be text (a one-line description)")
    return meta


def _read(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The merged parameter data and meta of a file and everything it extends."""
    if path.resolve() in {p.resolve() for p in seen}:
        raise ScenarioError(f"{seen[-1]}: `extends` forms a cycle: {' → '.join(map(str, (*seen, path)))}")
    data = read_toml(path)
    meta = _meta(data, path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data, meta
    if not isinstance(parent_ref, str):
        raise ScenarioError(f"{path}: `extends` = {parent_ref!r}: must be a preset name or a path")
    try:
        parent_path = _resolve_path(parent_ref, path.parent)
    except ScenarioError as e:
        raise ScenarioError(f"{path}: `extends`: {e}") from None
    parent, parent_meta = _read(parent_path, seen + (path,))
    return deep_merge(parent, data), {**parent_meta, **meta}


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for k, v in top.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def parse_override(text: str) -> tuple[str, Any]:
    """``section.field=value`` → (dotted name, value); the value is read as TOML, else as a string."""
    if "=" not in text:
        raise ScenarioError(f"--set {text!r}: expected section.field=value")
    name, raw = (s.strip() for s in text.split("=", 1))
    if not name:
        raise ScenarioError(f"--set {text!r}: expected section.field=value")
    try:
        value = _loads(f"v = {raw}", f"--set {text!r}", ScenarioError)["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return name, value


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for name, value in overrides.items():
        node = out
        *parents, leaf = name.split(".")
        for part in parents:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ScenarioError(f"--set {name}: `{part}` is a value, not a section")
            node = nxt
        node[leaf] = value
    return out


def _explain(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(x) for x in err["loc"])
    index = lever_index()
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(loc, list(index), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else "; `cogov levers` lists them all"
        return f"`{loc}` is not a lever{hint}"
    lever = index.get(loc)
    allowed = f"; allowed: {lever.allowed}" + (f" ({lever.unit})" if lever.unit else "") if lever else ""
    value = err.get("input")
    where = f"`{loc}` = {value!r}" if loc else "scenario"
    return f"{where}: {err['msg']}{allowed}"


def parse_params(data: dict[str, Any], origin: str) -> Params:
    try:
        return Params.model_validate(data)
    except ValidationError as e:
        lines = [_explain(err) for err in e.errors()]
        raise ScenarioError(f"{origin}: " + "; ".join(lines)) from None


def load_scenario(ref: str | Path, overrides: Mapping[str, Any] | list[str] | None = None) -> Scenario:
    """Load a preset name or scenario path, apply overrides and validate."""
    path = _resolve_path(str(ref))
    data, meta = _read(path)
    if isinstance(overrides, list):
        overrides = dict(parse_override(o) for o in overrides)
    overrides = dict(overrides or {})
    params = parse_params(data, str(path))
    if overrides:
        params = parse_params(apply_overrides(data, overrides), "--set " + ", ".join(overrides))
    name = path.stem if path.parent.resolve() == SCENARIO_DIR.resolve() else str(path)
    return Scenario(
        name=name, params=params, zh=meta.get("zh", ""), en=meta.get("en", ""), path=path, overrides=overrides
    )

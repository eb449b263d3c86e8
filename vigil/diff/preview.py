"""The reviewer's summary from a real `pulumi preview --json`.

Pulumi's preview JSON (the engine's `PreviewDigest`) holds `steps`: each with `op` (`same`, `create`, `update`,
`delete`, `replace`, `create-replacement`, `delete-replaced`, `read`, ...), `urn`, `oldState` / `newState`
(`type`, `inputs`, `parent`, `protect`, `retainOnDelete`, `provider`, ...), and for updates and replacements
`diffReasons`, `replaceReasons` and `detailedDiff`; plus `changeSummary` (op → count).

The steps are turned into two plan documents (before and after) and compared like two revisions; Pulumi's
own verdicts then take precedence: its replacements, and `same` for what it found unchanged.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Optional

from .compare import compare
from .danger import replacing_paths
from .model import ABSENT, ADDED, CHANGED, Diff, FieldChange, ResourceChange

SKIPPED_TYPES = ("pulumi:pulumi:Stack",)
REPLACING_OPS = ("replace", "create-replacement", "delete-replaced")
# Pulumi's marker of a secret in serialised state: {SIG_KEY: SECRET_SIG, "value": ...} (pulumi.runtime.rpc's
# _special_sig_key and _special_secret_sig, written out so the diff does not import the Pulumi SDK)
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SECRET = "[secret]"
CREATE_OPS = ("create", "create-replacement", "import", "import-replacement")
DELETE_OPS = ("delete", "delete-replaced", "discard")
IGNORED_OPS = ("read", "refresh", "remove-pending-replace")


class PreviewError(Exception):
    pass


def _name(urn: Optional[str]) -> Optional[str]:
    return urn.split("::")[-1] if urn and "::" in urn else None


def _parent(urn: Optional[str]) -> Optional[str]:
    if not urn or "::" not in urn:
        return None
    if urn.split("::")[2].endswith("pulumi:pulumi:Stack"):
        return None
    return _name(urn)


def _provider(reference: Optional[str]) -> Optional[str]:
    return _name(reference.rsplit("::", 1)[0]) if reference else None  # "<provider urn>::<id>"


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET
        return {k: _normalise(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _resource(urn: str, state: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": state.get("type") or urn.split("::")[2].rsplit("$", 1)[-1],
        "name": _name(state.get("urn") or urn),
        "parent": _parent(state.get("parent")),
        "inputs": _normalise(state.get("inputs") or {}),
        "options": {
            "protect": bool(state.get("protect")),
            "retainOnDelete": bool(state.get("retainOnDelete")),
            "deleteBeforeReplace": bool(state.get("deleteBeforeReplace")),
            "provider": _provider(state.get("provider")),
        },
        "custom": bool(state.get("custom", True)),
    }


MAX_DEPTH = 100  # objects and arrays nested in one another; Pulumi's preview JSON needs far fewer
MAX_BYTES = 256 * 2**20  # a preview of a thousand services' resources is some tens of MiB


def _depth_problem(document: Any) -> Optional[str]:
    """Nesting deeper than MAX_DEPTH, found without recursion (a hostile document must not exhaust the stack)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return None


class _Refused(ValueError):
    """What Pulumi never writes, refused while parsing."""


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"number {_short(text)} is too large")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 30:  # far beyond any value Pulumi writes; int() of thousands of digits is refused
        raise _Refused(f"number {_short(text)} is too large")
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {_short(key)!r}")
        out[key] = value
    return out


def _decoded(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("not UTF-8: saved as UTF-16 (PowerShell's `>` does that); write it with `| Out-File -Encoding utf8`")
    return data.decode("utf-8-sig")  # a byte order mark, as PowerShell's utf8 writes, is read


def load_preview(path: Path) -> dict[str, Any]:
    """Pulumi's preview JSON, refusing what Pulumi never writes (NaN, infinities, numbers of thousands of digits,
    duplicate keys, lone surrogates) rather than reading it some way."""
    try:
        with path.open("rb") as stream:  # at most MAX_BYTES, whatever it is (a pipe, /dev/zero)
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ValueError(f"more than {MAX_BYTES // 2**20} MiB, far more than a preview of thousands of resources")
        text = _decoded(data)
        document = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int, object_pairs_hook=_object)
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise PreviewError(f"{path}: cannot read preview JSON: nested deeper than this reader allows") from None
    except UnicodeEncodeError as exc:
        raise PreviewError(f"{path}: cannot read preview JSON: a string holds a lone surrogate {exc.object[exc.start]!r} (no character)") from None
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise PreviewError(f"{path}: cannot read preview JSON: {exc}") from None
    problem = _depth_problem(document)
    if problem:
        raise PreviewError(f"{path}: cannot read preview JSON: {problem}")
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise PreviewError(f"{path}: not `pulumi preview --json` output (no `steps` list)")
    for number, step in enumerate(document["steps"], 1):
        problem = _step_problem(step)
        if problem:
            raise PreviewError(f"{path}: step {number} is not a preview step: {problem}")
    return document


def _step_problem(step: Any) -> Optional[str]:
    """What makes a step unreadable (so a malformed document is one clear error, not a traceback), or None."""
    if not isinstance(step, dict):
        return "not an object"
    if not isinstance(step.get("op", ""), str):
        return "`op` is not a string"
    urn = step.get("urn")
    if not isinstance(urn, str) or urn.count("::") < 3:
        return f"`urn` is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>): {urn!r}"
    for key in ("diffReasons", "replaceReasons"):
        reasons = step.get(key) or []
        if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            return f"`{key}` is not a list of property names"
    for key in ("oldState", "newState"):
        state = step.get(key)
        if state is None:
            continue
        if not isinstance(state, dict):
            return f"`{key}` is not an object"
        if not isinstance(state.get("inputs") or {}, dict):
            return f"`{key}.inputs` is not an object"
        for field_ in ("type", "urn", "parent", "provider"):
            if not isinstance(state.get(field_) or "", str):
                return f"`{key}.{field_}` is not a string"
    return None


def from_preview(document: dict[str, Any], label: str = "pulumi preview") -> Diff:
    base: list[dict[str, Any]] = []
    head: list[dict[str, Any]] = []
    verdicts: dict[tuple[str, str], dict[str, Any]] = {}
    stack = ""
    for step in document["steps"]:
        op, urn = step.get("op", ""), step.get("urn", "")
        old, new = step.get("oldState"), step.get("newState")
        if urn.count("::") >= 3:
            stack = stack or urn.split("::")[0].rsplit(":", 1)[-1]
        state = new or old or {}
        if (state.get("type") or "") in SKIPPED_TYPES or urn.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
            continue
        if op in IGNORED_OPS:
            continue
        if op in CREATE_OPS:
            if new:
                head.append(_resource(urn, new))
        elif op in DELETE_OPS:
            if old:
                base.append(_resource(urn, old))
        else:  # same, update, replace: the resource exists before and after
            before, after = old or new, new or old
            if before and after:
                base.append(_resource(urn, before))
                resource = _resource(urn, after)
                old_name = _name(before.get("urn") or urn)
                if old_name != resource["name"]:
                    resource["aliases"] = [old_name]
                head.append(resource)
        key = (state.get("type") or "", _name(urn) or "")
        verdicts.setdefault(key, {"ops": set(), "replaceReasons": [], "diffReasons": []})
        verdicts[key]["ops"].add(op)
        verdicts[key]["replaceReasons"] += step.get("replaceReasons") or []
        verdicts[key]["diffReasons"] += step.get("diffReasons") or []
    diff = compare(
        {"stack": stack, "resources": _unique(base)}, {"stack": stack, "resources": _unique(head)}, "current stack", label, stack
    )
    return _apply_verdicts(diff, verdicts)


def _index(plan: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["type"], r["name"]): r for r in plan["resources"]}


def _unique(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in resources:
        seen.setdefault((resource["type"], resource["name"]), resource)
    return list(seen.values())


def _at(inputs: Any, reason: str) -> Any:
    """The value at a reason's path (`endpoint`, `tags.env`) of normalised inputs, or ABSENT."""
    for part in reason.split("."):
        if not isinstance(inputs, dict) or part not in inputs:
            return ABSENT
        inputs = inputs[part]
    return inputs


def _seen(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _unseen_reasons(change: ResourceChange, reasons: list[str]) -> tuple[FieldChange, ...]:
    """Pulumi's reasons that the two states do not show: above all a secret, `[secret]` on both sides, that changed
    (a rotated endpoint). Each is shown as what is seen, "changed": `[secret]` → `[secret] changed`."""
    old_inputs = (change.old or {}).get("inputs") or {}
    new_inputs = (change.new or {}).get("inputs") or {}
    out = []
    for reason in sorted(set(reasons)):
        path = f"inputs.{reason}"
        if any(f.path == path or f.path.startswith((path + ".", path + "[", path + "{")) for f in change.fields):
            continue
        old, new = _at(old_inputs, reason), _at(new_inputs, reason)
        if old is ABSENT and new is ABSENT:
            continue
        out.append(FieldChange(path, old, f"{_seen(old if new is ABSENT else new)} changed"))
    return tuple(sorted((*change.fields, *out), key=lambda f: f.path)) if out else change.fields


def _apply_verdicts(diff: Diff, verdicts: dict[tuple[str, str], dict[str, Any]]) -> Diff:
    """Pulumi knows best: its replacements stand, what it calls `same` is not a change, and a change it reports that
    the states cannot show (a secret, `[secret]` on both sides) is shown with its reason."""
    found = {(c.type, c.name) for c in diff.changes}
    before = _index(diff.base)
    quiet = [  # equal as far as the states show, yet Pulumi changes them
        ResourceChange(CHANGED, key[0], key[1], before[key], resource)
        for key, resource in _index(diff.head).items()
        if key not in found and key in before and verdicts.get(key, {}).get("ops", {"same"}) - {"same"}
    ]
    changes = []
    for change in sorted((*diff.changes, *quiet), key=lambda c: (c.type, c.name)):
        verdict = verdicts.get((change.type, change.name), {"ops": set(), "replaceReasons": [], "diffReasons": []})
        ops = verdict["ops"]
        if ops == {"same"}:
            continue
        fields, replaces = change.fields, change.replaces
        if change.kind != ADDED and change.old is not None and change.new is not None:
            fields = _unseen_reasons(change, verdict["diffReasons"] + verdict["replaceReasons"])
            replaces = tuple(dict.fromkeys((*replaces, *replacing_paths(change.type, fields))))
        if not fields and change.kind == CHANGED and not ops & set(REPLACING_OPS):
            continue  # Pulumi updates it in place but says neither why nor what: nothing to show
        if ops & set(REPLACING_OPS):
            reasons = [f"inputs.{k}" for k in verdict["replaceReasons"]]
            replaces = tuple(p for p in (c.path for c in fields) if any(p == r or p.startswith(r + ".") or p.startswith(r + "[") for r in reasons)) or tuple(reasons) or ("(provider)",)
        changes.append(ResourceChange(change.kind, change.type, change.name, change.old, change.new, fields, replaces, change.old_name))
    return Diff(diff.stack, diff.base_label, diff.head_label, diff.base, diff.head, tuple(changes))


def summarise_preview(path: Path) -> Diff:
    return from_preview(load_preview(path))

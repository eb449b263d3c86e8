"""`vigil import`: a service's spec from its existing monitors and alarms, and Pulumi's bulk import file.

1. Each object back to the spec (reverse.py, through the registry); the service's spec from them (assemble.py).
2. The spec is checked as `vigil validate` checks it, in a copy of the catalog: an alert the checks refuse leaves the
   spec with the checks' own words as its reason (nothing is dropped silently).
3. The stack is planned offline with the new service; each adopted object is paired with the planned resource that
   realises its alert (by the walks' own record of which declaration realises which alert), compared as its vendor
   stores things (compare.py): what vigil will change is said per object.
4. The import file (`pulumi import --file`): for each pair, the planned resource's type token, logical name, parent
   (the service's component, created empty by the import: `component: true`) and provider, and the object's id — so
   the first `pulumi up` finds them in the stack and updates them in place instead of creating twins.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import yaml

from spec import Catalog, SpecError, SpecErrors, load_catalog
from spec.service import MIN_REQUESTS
from spec.teams import TEAM_FILE_NAMES

from ..project import check_rules
from ..render.escape import printable
from ..stack import Stack, StackTarget, stack_target
from ..stack_config import stacks
from . import reverse
from .assemble import assemble
from .compare import COMPOSITE_ALARM, METRIC_ALARM, MONITOR, FieldDrift, cloudwatch_stored, compare_alarm, compare_monitor, datadog_stored
from .reverse import Finding
from .vendors import Estate

COMPONENT = "vigil:index:ServiceMonitoring"
ROUNDS = 20  # at most so many alerts refused by the checks, one round each


class ImportError_(Exception):
    """The import cannot go on (an existing file, a catalog that does not load): said, exit 2."""


@dataclass
class ImportResult:
    spec_path: Path
    import_path: Path
    findings: list[Finding]
    service_notes: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report: what became of each object, then the service-wide choices."""
        out = []
        for finding in self.findings:
            if finding.key is None:
                out.append(f"not expressed: {finding.label}: {finding.reason}")
                continue
            levels = ", ".join(f"{lv.level} {lv.value}" for lv in finding.levels)
            out.append(f"adopted: {finding.label} → {finding.where} ({levels})")
            out += [f"  - {note}" for note in finding.notes]
        out += [f"note: {note}" for note in self.service_notes]
        return out


def _teams(catalog_dir: Path) -> list[str]:
    for name in TEAM_FILE_NAMES:
        path = catalog_dir / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                return []
            teams = data.get("teams") if isinstance(data, dict) else None
            return sorted(teams) if isinstance(teams, dict) else []
    return []


def _copy_catalog(source: Path, into: Path, skip: str) -> None:
    if source.is_dir():
        for path in source.rglob("*"):
            if path.is_file() and path.name != skip:
                target = into / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def spec_text(data: dict[str, Any], findings: list[Finding], notes: list[str], schema: str) -> str:
    """The service's YAML, headed by what the import could not say and what it chose."""
    header = [f"# yaml-language-server: $schema={schema}", "#", f"# Imported by `vigil import` from {len(findings)} existing monitor(s) and alarm(s)."]
    missing = [f for f in findings if f.key is None]
    if missing:
        header.append("# Not expressed (left as they are, not in this spec):")
        header += [f"#   - {f.label}: {f.reason}" for f in missing]
    if notes:
        header.append("# Chosen on import (check them):")
        header += [f"#   - {note}" for note in notes]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    # names, queries and reasons come from the vendors: a newline in one would end its comment and start YAML
    return "\n".join(printable(line) for line in header) + "\n" + body


def _refused(errors: list[SpecError], spec_file: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The alerts the checks refuse: (section, alert, why), from errors placed in the new file under an alert."""
    out = []
    for error in errors:
        located = error.location is not None and Path(str(error.location.file)).name == spec_file.name
        parts = error.path.split(".")
        if parts[0].startswith("environments["):
            parts = parts[1:]
        if (located or error.location is None) and len(parts) >= 2 and parts[0] in ("alerts", "custom_alerts") and parts[1] in data.get(parts[0], {}):
            out.append((parts[0], parts[1], f"{error.path}: {error.message}"))
    return out


def _check(
    data: dict[str, Any], findings: list[Finding], target: StackTarget, catalog_dir: Path, service: str, environments: list[str]
) -> Stack:
    """Load and check the catalog with the new service; alerts refused are taken out (with the checks' words) until
    it holds. Raises SpecErrors for any other problem (the catalog's own, or one the import cannot place)."""
    selects = replace(target, settings=replace(target.settings, services=tuple(sorted({*target.settings.services, service}))))
    if not target.settings.teams and not target.settings.services:
        selects = target
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory(prefix="vigil-import-") as tmp:
            folder = Path(tmp) / "catalog"
            folder.mkdir()
            _copy_catalog(catalog_dir, folder, f"{service}.yaml")
            spec_file = folder / f"{service}.yaml"
            spec_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            try:
                loaded = load_catalog(folder, environments, strict=True)
                check_rules([Stack.of(selects, loaded)], {service})
                return Stack.of(selects, _relocated(loaded, catalog_dir))
            except SpecErrors as exc:
                refused = _refused(exc.errors, spec_file, data)
                if not refused:
                    raise
                for section, alert, why in refused:
                    data[section].pop(alert, None)
                    for finding in findings:
                        if finding.key == alert and finding.where.startswith(section):
                            finding.key, finding.match, finding.levels = None, None, []
                            finding.reason = f"vigil's checks refuse it: {why}"
                if "custom_alerts" in data and not data["custom_alerts"]:
                    data.pop("custom_alerts")
    raise SpecErrors([SpecError(None, "alerts", f"the imported spec still breaks vigil's checks after {ROUNDS} rounds")])


def _relocated(loaded: Catalog, catalog_dir: Path) -> Catalog:
    return replace(loaded, directory=catalog_dir)


def _pairs(findings: list[Finding], service: Any, deployment: Any) -> dict[int, str]:
    """Each adopted object's planned resource (its logical name), from the walks' record of which declaration realises
    which alert: a monitor holds every level of its alert (the first declared: the alert's own, before any guard); an
    alarm one level."""
    from program.checks import recorded_aws, recorded_datadog

    datadog = [d for d in recorded_datadog(service, deployment) if d.kind == "monitor" and d.alert is not None]
    aws = [d for d in recorded_aws(service, deployment) if d.kind == "metric_alarm" and d.alert is not None] if "aws" in deployment.backends_of(service) else []
    out: dict[int, str] = {}
    for finding in findings:
        if finding.key is None:
            continue
        if finding.vendor == "datadog":
            found = next((d for d in datadog if d.alert is not None and d.alert.id == finding.key), None)
        else:
            level = finding.levels[0].level if finding.levels else "critical"
            found = next((d for d in aws if d.alert is not None and d.alert.id == finding.key and d.alert.level == level), None)
        if found is not None:
            out[id(finding)] = found.logical
    return out


def _object_id(finding: Finding) -> Optional[str]:
    if finding.vendor == "datadog":
        return str(finding.obj["id"]) if finding.obj.get("id") is not None else None
    return str(finding.obj["AlarmName"])


def _changes(finding: Finding, resource: dict[str, Any]) -> list[FieldDrift]:
    if resource["type"] == MONITOR:
        return compare_monitor(datadog_stored(resource), finding.obj)
    if resource["type"] in (METRIC_ALARM, COMPOSITE_ALARM):
        return [d for d in compare_alarm(cloudwatch_stored(resource), finding.obj) if d.field != "AlarmName"]
    return []


def _words(drift: FieldDrift) -> str:
    if drift.field in ("message", "AlarmDescription"):
        return f"{drift.field} becomes vigil's"
    return f"{drift.field} {json.dumps(drift.live, ensure_ascii=False)[:80]} → {json.dumps(drift.planned, ensure_ascii=False)[:80]}"


def run_import(
    project: Path, stack: str, service: str, estate: Estate, catalog: Optional[Path], import_path: Path, force: bool
) -> ImportResult:
    """Everything but the live reads (the caller hands in the estate): writes the spec file and the import file."""
    from vigil.planning import plan_checked

    target = stack_target(project, stack, catalog)
    settings = target.settings
    catalog_dir = settings.catalog
    spec_path = catalog_dir / f"{service}.yaml"
    if spec_path.exists() and not force:
        raise ImportError_(f"{spec_path} exists: give --force to overwrite it")
    environment = settings.environment
    deployment = settings.deployment(target.config.project, stack)
    findings = [reverse.map_monitor(m, service, environment) for m in estate.monitors]
    findings += [reverse.map_alarm(a, service, environment, MIN_REQUESTS) for a in estate.metric_alarms]
    findings += [reverse.composite_finding(a) for a in estate.composite_alarms]
    assembly = assemble(service, findings, estate, deployment, _teams(catalog_dir), settings.aws_region)
    data = assembly.data
    environments = sorted({stack_target(project, s, catalog).settings.environment for s in stacks(project)} | {environment})
    checked = _check(data, findings, target, catalog_dir, service, environments)
    loaded = checked.catalog
    plan = plan_checked(project, checked, [service]).to_dict()
    resources = {r["name"]: r for r in plan["resources"]}
    subject = next(s for s in loaded.for_environment(environment) if s.service == service)
    pairs = _pairs(findings, subject, deployment)
    entries: list[dict[str, Any]] = [{"type": COMPONENT, "name": service, "component": True}]
    used: dict[str, Finding] = {}
    providers: set[str] = set()
    for finding in findings:
        logical = pairs.get(id(finding))
        if finding.key is None:
            continue
        if logical is None or logical not in resources:
            finding.notes.append("vigil's plan has no resource for it on this stack's backends: it is not in the import file")
            continue
        resource = resources[logical]
        finding.notes += [_words(d) for d in _changes(finding, resource)]
        if finding.vendor == "cloudwatch" and finding.obj["AlarmName"] != resource["inputs"].get("name"):
            finding.notes.append(f"CloudWatch names an alarm for good: the first `pulumi up` replaces it by {resource['inputs'].get('name')} (its history stays with the old name)")
        object_id = _object_id(finding)
        if logical in used:
            finding.notes.append(f"{used[logical].label} is imported as {logical} already: delete this one once vigil's is deployed (it holds every level)")
            continue
        if object_id is None:
            finding.notes.append("it has no id (an export without one): not in the import file")
            continue
        used[logical] = finding
        provider = resource["options"].get("provider")
        entry = {"type": resource["type"], "name": logical, "id": object_id, "parent": service}
        if provider:
            entry["provider"] = provider
            providers.add(provider)
        entries.append(entry)
    if len(entries) == 1:
        entries = []
    provider_types = {r["name"]: r["type"] for r in plan["resources"] if r["type"].startswith("pulumi:providers:")}
    document = {
        "nameTable": {name: f"urn:pulumi:{stack}::{plan['project']}::{provider_types[name]}::{name}" for name in sorted(providers) if name in provider_types},
        "resources": entries,
    }
    schema = os.path.relpath(project / "schema" / "service.schema.json", catalog_dir.resolve())
    catalog_dir.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(spec_text(data, findings, assembly.service_notes, schema), encoding="utf-8")
    import_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return ImportResult(spec_path, import_path, findings, assembly.service_notes, entries)

"""`vigil`: validate, plan, stacks, schema, docs, diff, preview-summary, replay, import, drift and backtest.

Exit codes: validate/plan/stacks/schema: 0 fine, 2 the spec or stack is wrong, 1 anything else.
replay: 0 every expectation holds, 1 one failed, 2 an invalid scenario or spec (file:line), or a plan it cannot read.
docs --check: 0 fresh, 1 stale, 2 the spec is wrong.
backtest: 0 done (alerts it could not back-test are said), 2 missing credentials, a missing or malformed recorded
file, or an invalid spec.
diff/preview-summary (like `terraform plan -detailed-exitcode`): 0 no changes, 2 changes, 1 an error
(including a base or head revision whose spec is invalid, and `diff --backtest` over recorded files it cannot read; a
back-test skipped for want of credentials changes nothing).
import: 0 written, 2 unreadable input (at its place), an existing file without --force, or an invalid catalog; 1 a
live read that failed. drift: 0 none, 2 drift, 1 an error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from spec import SpecErrors
from spec.grammar import NAME_PATTERN, PATTERN_HELP

from .stack_config import StackConfigError

if TYPE_CHECKING:
    from .diff.backtest import StackBacktest
    from .diff.model import Diff

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2
EXIT_CHANGES = 2  # for diff and preview-summary only


def _printable(text: str) -> str:
    from .render.escape import printable

    return "\n".join(printable(line) for line in text.split("\n"))


def _error(text: object) -> None:
    """A problem on stderr: names, paths and values in it may hold terminal escapes (a file named so, a stack
    argument), shown escaped."""
    print(_printable(str(text)), file=sys.stderr)  # each line escaped, the lines kept


def _validate(args: argparse.Namespace) -> int:
    from .project import check_catalog, find_project

    catalog, _ = check_catalog(find_project(), args.catalog)
    services = len(catalog.services[catalog.environments[0]]) if catalog.environments else 0
    print(f"ok: {services} service(s) valid in environment(s) {', '.join(catalog.environments) or '(none)'}")
    return EXIT_OK


def _plan(args: argparse.Namespace) -> int:
    from .planning import plan_stack
    from .progress import Bar
    from .project import find_project
    from .render.markdown import render_markdown
    from .render.plan_json import render_json
    from .render.table import render_table

    with Bar(f"plan {args.stack}") as bar:
        plan = plan_stack(find_project(), args.stack, args.catalog, services=args.service, progress=bar.step)
    renderers: dict[str, Callable[..., str]] = {"json": render_json, "table": render_table, "markdown": render_markdown}
    sys.stdout.write(renderers[args.format](plan))
    return EXIT_OK


def _stacks(args: argparse.Namespace) -> int:
    from .project import find_project, load_project

    _, resolved = load_project(find_project(), args.catalog)
    rows = [
        {"stack": s.name, "environment": s.environment, "teams": list(s.settings.teams), "services": s.service_names()}
        for s in resolved
        if args.environment is None or s.environment == args.environment
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return EXIT_OK
    for row in rows:
        teams = f" teams {', '.join(row['teams'])};" if row["teams"] else ""
        print(f"{row['stack']}: environment {row['environment']};{teams} {len(row['services'])} service(s): {', '.join(row['services'])}")
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
    from .docs import DocsError, collect, generate, stale, write
    from .docs.signal_tables import SignalTablesError, refreshed
    from .progress import Bar
    from .project import find_project

    project = find_project()
    try:
        with Bar("docs: plan stacks", unit="stack") as bar:
            files = {**generate(collect(project, args.catalog, progress=bar.step)), **refreshed(project)}
    except SignalTablesError as exc:
        _error(f"error: {exc}")
        return EXIT_ERROR
    if args.check:
        outdated = stale(project, files)
        for path in outdated:
            _error(f"stale: {path}")
        if outdated:
            print(f"{len(outdated)} generated doc(s) are stale: run `vigil docs` and commit them", file=sys.stderr)
            return EXIT_ERROR
        print(f"ok: {len(files)} generated doc(s) are up to date")
        return EXIT_OK
    try:
        changed = write(project, files)
    except DocsError as exc:
        _error(f"error: {exc}")
        return EXIT_ERROR
    print(f"wrote {len(changed)} of {len(files)} generated doc(s)" + "".join(f"\n  {p}" for p in changed))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from spec.schema import SCHEMAS

    sys.stdout.write(json.dumps(SCHEMAS[args.kind](), indent=2) + "\n")
    return EXIT_OK


def _render(args: argparse.Namespace, diff: Diff, max_length: Optional[int] = None, backtest: Optional[StackBacktest] = None) -> str:
    """A diff in the format asked, with its back-test after it (`vigil diff --backtest`)."""
    from .diff.backtest_report import backtest_json, backtest_markdown, backtest_text
    from .diff.render import RENDERERS, render_markdown

    limit = max_length or getattr(args, "max_length", None)
    if args.format == "json":
        text = RENDERERS["json"](diff)
        if backtest is None:
            return text
        return json.dumps({**json.loads(text), "backtest": backtest_json(backtest)}, indent=2, ensure_ascii=False) + "\n"
    labels = (diff.base_label, diff.head_label)
    section = ""
    if backtest is not None:
        section = backtest_markdown(backtest, labels, limit // 3 if limit else None) if args.format == "markdown" else backtest_text(backtest, labels)
    if args.format == "markdown" and limit:
        return render_markdown(diff, max_length=max(1000, limit - len(section))) + section
    return RENDERERS[args.format](diff) + section


def _diff(args: argparse.Namespace) -> int:
    from .diff.backtest import backtest_diffs
    from .diff.revisions import DiffError, diff_stacks, one_subprocess
    from .progress import Bar
    from .project import find_project
    from .stack_config import stacks

    if (args.days is not None or args.source is not None) and not args.backtest:
        print("error: --days and --from go with --backtest", file=sys.stderr)
        return EXIT_ERROR
    project = find_project()
    names = stacks(project) if args.all_stacks else list(dict.fromkeys(args.stack))
    backtests: dict[str, StackBacktest] = {}
    try:
        with contextlib.ExitStack() as scope:
            if args.backtest:  # the back-test's jobs run in the planning subprocess too: the imports are paid once
                scope.enter_context(one_subprocess(project))
            with Bar("diff: plan both sides", unit="job") as bar:
                diffs = diff_stacks(
                    project, names, args.base, args.head, catalog=args.catalog, isolated=args.isolated, full=args.full, progress=bar.at
                )
            if args.backtest:
                with Bar("diff: back-test both sides", unit="job") as bar:
                    backtests = backtest_diffs(
                        project, diffs, args.base, args.head, catalog=args.catalog, days=args.days or 14, source=args.source, progress=bar.at
                    )
    except DiffError as exc:
        _error(f"error: {exc}")
        return EXIT_ERROR
    if args.format == "json" and len(diffs) != 1:  # one stack keeps the single-diff document
        documents = [json.loads(_render(args, diff, backtest=backtests.get(diff.stack))) for diff in diffs]
        sys.stdout.write(json.dumps({"stacks": documents}, indent=2, ensure_ascii=False) + "\n")
    elif len(diffs) == 1:
        sys.stdout.write(_render(args, diffs[0], backtest=backtests.get(diffs[0].stack)))
    else:  # several stacks: a section per stack that changes, one line for the others
        changed = [diff for diff in diffs if diff.has_changes]
        share = (args.max_length - 400) // max(1, len(changed)) if args.max_length else None  # a comment's room, shared
        parts = [_render(args, diff, share, backtests.get(diff.stack)) for diff in changed]
        quiet = [diff.stack for diff in diffs if not diff.has_changes]
        if quiet:
            from .render.escape import code, markdown

            listed = markdown(", ".join(code(name) for name in quiet)) if args.format == "markdown" else _printable(", ".join(quiet))
            parts.append(f"No monitoring changes in stack(s) {listed}.\n")
        sys.stdout.write("\n".join(parts))
    failed = [b.failed for b in backtests.values() if b.failed]
    for reason in failed:
        print(f"error: back-test: {reason}", file=sys.stderr)
    if failed:
        return EXIT_ERROR
    return EXIT_CHANGES if any(diff.has_changes for diff in diffs) else EXIT_OK


def _preview_summary(args: argparse.Namespace) -> int:
    from .diff.preview import PreviewError, summarise_preview

    try:
        diff = summarise_preview(args.file)
    except PreviewError as exc:
        _error(f"error: {exc}")
        return EXIT_ERROR
    sys.stdout.write(_render(args, diff))
    return EXIT_CHANGES if diff.has_changes else EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    from .project import find_project
    from .replay import ReplayError
    from .replay.report import scenarios_json, scenarios_text, standard_json, standard_text
    from .replay.scenario import load_scenario
    from .replay.stack import DEFAULT_STACK, StackReplay, load_stack
    from .replay.standard import standard

    if args.standard == bool(args.files):
        _error("error: give scenario FILEs, or --standard")
        return EXIT_INVALID
    if args.service and not args.standard:
        _error("error: --service goes with --standard (a scenario names its service)")
        return EXIT_INVALID
    project = find_project()
    stacks: dict[str, StackReplay] = {}

    def stack(name: str) -> StackReplay:
        if name not in stacks:
            stacks[name] = load_stack(project, name, args.catalog)
        return stacks[name]

    try:
        if args.standard:
            target = stack(args.stack or DEFAULT_STACK)
            names = [args.service] if args.service else sorted(target.services)
            reports = [standard(target.service(name)) for name in names]
            ok = all(r.ok for r in reports)
            sys.stdout.write(json.dumps(standard_json(reports), indent=2) + "\n" if args.format == "json" else standard_text(reports))
        else:
            scenarios = [load_scenario(path) for path in args.files]
            results = [stack(args.stack or s.stack or DEFAULT_STACK).replay(s) for s in scenarios]
            ok = all(r.passed for r in results)
            sys.stdout.write(json.dumps(scenarios_json(results), indent=2) + "\n" if args.format == "json" else _printable(scenarios_text(results)))
    except ReplayError as exc:
        for line in str(exc).splitlines():
            _error(f"error: {line}")
        return EXIT_INVALID
    return EXIT_OK if ok else EXIT_ERROR


def _default_stack(project: Path) -> str:
    from .stack_config import stacks

    found = stacks(project)
    return "dev" if "dev" in found or not found else found[0]


def _import(args: argparse.Namespace) -> int:
    from .adopt.importer import ImportError_, run_import
    from .adopt.vendors import Estate, VendorInputError, VendorReadError, read_cloudwatch_file, read_cloudwatch_live, read_datadog_file, read_datadog_live
    from .project import find_project, stack_target
    from .render.escape import printable

    if not (args.datadog or args.datadog_file or args.cloudwatch or args.cloudwatch_file):
        print("error: give at least one of --datadog, --datadog-file FILE, --cloudwatch, --cloudwatch-file FILE", file=sys.stderr)
        return EXIT_INVALID
    if not re.fullmatch(NAME_PATTERN, args.service):
        print(f"error: --service {args.service!r}: {PATTERN_HELP[NAME_PATTERN]}", file=sys.stderr)
        return EXIT_INVALID
    if (args.tags and not args.datadog) or (args.prefix is not None and not args.cloudwatch):
        print("error: --tags goes with --datadog and --prefix with --cloudwatch (the live reads they narrow)", file=sys.stderr)
        return EXIT_INVALID
    if any(not tag.strip() for tag in args.tags or []):  # an empty filter would read every monitor of the organisation
        print("error: --tags: an empty tag (give a tag such as service:NAME)", file=sys.stderr)
        return EXIT_INVALID
    if args.prefix is not None and not 1 <= len(args.prefix) <= 255:  # DescribeAlarms' AlarmNamePrefix
        _error(f"error: --prefix {args.prefix[:40]!r}: an alarm name prefix of 1 to 255 characters")
        return EXIT_INVALID
    project = find_project()
    stack = args.stack or _default_stack(project)
    estate = Estate()
    try:
        for path in args.datadog_file or []:
            estate.extend(read_datadog_file(path))
        for path in args.cloudwatch_file or []:
            estate.extend(read_cloudwatch_file(path))
        if args.datadog or args.cloudwatch:
            settings = stack_target(project, stack, args.catalog).settings
            if args.datadog:
                estate.extend(read_datadog_live(settings.datadog_api_url, args.tags or [f"service:{args.service}"]))
            if args.cloudwatch:
                estate.extend(read_cloudwatch_live(settings.aws_region, args.prefix))
        result = run_import(project, stack, args.service, estate, args.catalog, args.import_file or Path(f"import-{args.service}.json"), args.force)
    except (VendorInputError, ImportError_) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except VendorReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for line in result.lines():
        print(printable(line))  # the vendors' names and queries: escapes and newlines shown, never sent raw
    print(f"wrote {result.spec_path}")
    print(f"wrote {result.import_path}")
    return EXIT_OK


def _drift(args: argparse.Namespace) -> int:
    from .adopt.drift import DriftError, drift_stack, render
    from .adopt.vendors import VendorInputError, VendorReadError
    from .project import find_project

    try:
        report = drift_stack(find_project(), args.stack, args.catalog, args.datadog_file, args.cloudwatch_file)
    except (DriftError, VendorInputError, VendorReadError, SpecErrors, StackConfigError) as exc:
        for line in str(exc).splitlines() or ["?"]:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(render(report, args.format))
    return EXIT_CHANGES if report.has_drift else EXIT_OK


def _backtest(args: argparse.Namespace) -> int:
    import time

    from .backtest import BacktestError, Files, Recording, backtest, latest, needed, plan_alerts
    from .backtest.report import backtest_json, backtest_markdown, backtest_text
    from .backtest.requests import document, window_ending
    from .backtest.run import Fetcher
    from .progress import Bar
    from .project import find_project, stack_target
    from .replay import ReplayError
    from .replay.stack import load_stack

    if args.record and args.source:
        _error("error: --record fetches from the vendors and --from reads recorded files: give one of them")
        return EXIT_INVALID
    project = find_project()
    now = int(time.time())
    try:
        stack = load_stack(project, args.stack, args.catalog)
        for name in args.service or []:
            stack.service(name)  # an unknown service is one error naming those there are
        if args.queries:
            found = needed(plan_alerts(stack, args.service), window_ending(now, args.days))
            if args.format == "json":
                sys.stdout.write(json.dumps(document(found), indent=2) + "\n")
            else:
                sys.stdout.write("".join(f"{r.id}: {json.dumps(r.document())}\n" for r in found))
            return EXIT_OK
        fetcher: Fetcher
        if args.source:
            fetcher = Files(args.source)
        else:
            from .backtest.live import Live

            backends: set[str] = {a.backend for a in plan_alerts(stack, args.service) if a.refused is None}
            live = Live(backends, stack_target(project, args.stack, args.catalog).settings.datadog_api_url)
            fetcher = Recording(live, args.record) if args.record else live
        with Bar(f"backtest {args.stack}", unit="request") as bar:
            result = backtest(stack, args.days, fetcher, args.service, now=now, end=latest if args.source else None, progress=bar.step)
    except BacktestError as exc:
        _error(f"error: {exc}")
        return EXIT_INVALID
    except ReplayError as exc:
        for line in str(exc).splitlines():
            _error(f"error: {line}")
        return EXIT_INVALID
    if args.charts:
        from .backtest.chart import write_charts

        write_charts(result, args.charts, stack.plan)
    renderers: dict[str, Callable[..., str]] = {
        "text": backtest_text,
        "markdown": backtest_markdown,
        "json": lambda r: json.dumps(backtest_json(r), indent=2) + "\n",
    }
    sys.stdout.write(renderers[args.format](result))
    return EXIT_OK


def _days(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 455:
        raise argparse.ArgumentTypeError(f"expected a number of days from 1 to 455 (CloudWatch keeps 455 days), got {text!r}")
    return value


MIN_LENGTH = 1000  # a summary's headings and notes alone take hundreds of characters


def _positive(text: str) -> int:
    value = 0 if not text.isdigit() else int(text) if len(text) < 20 else 10**19  # int() of thousands of digits is refused
    if value < MIN_LENGTH:
        raise argparse.ArgumentTypeError(f"expected a positive number of characters, at least {MIN_LENGTH} (its headings take hundreds), got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vigil", description="Monitoring as code: validate and plan the service catalog.")
    verbs = root.add_subparsers(
        dest="verb", required=True, metavar="{validate,plan,stacks,schema,docs,diff,preview-summary,replay,import,drift,backtest}"
    )

    validate = verbs.add_parser("validate", help="check every environment of every service (exit 2 on problems)")
    validate.add_argument("--catalog", type=Path, help="catalog folder (default: the stacks' monitoring:catalog)")
    validate.set_defaults(run=_validate)

    plan = verbs.add_parser("plan", help="the resources a stack would register, offline")
    plan.add_argument("--stack", required=True, help="stack name, e.g. dev or prod (reads Pulumi.<stack>.yaml)")
    plan.add_argument("--catalog", type=Path, help="catalog folder (default: the stack's monitoring:catalog)")
    plan.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    plan.add_argument(
        "--service", action="append", metavar="NAME", help="only this service's resources (and the shared ones); repeatable"
    )
    plan.set_defaults(run=_plan)

    stacks_verb = verbs.add_parser("stacks", help="the stacks, their environment and the services each deploys")
    stacks_verb.add_argument("--environment", help="only the stacks of this environment")
    stacks_verb.add_argument("--catalog", type=Path, help="catalog folder (default: the stacks' monitoring:catalog)")
    stacks_verb.add_argument("--format", choices=("text", "json"), default="text")
    stacks_verb.set_defaults(run=_stacks)

    docs = verbs.add_parser("docs", help="write docs/ (alert catalog, on-call) from the catalog and the stacks' plans")
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 and list the stale files when docs/ is out of date")
    docs.add_argument("--catalog", type=Path, help="catalog folder (default: the stacks' monitoring:catalog)")
    docs.set_defaults(run=_docs)

    schema = verbs.add_parser("schema", help="print the JSON Schema of a catalog file")
    schema.add_argument(
        "kind", nargs="?", choices=("service", "teams"), default="service", help="a service file (default) or the teams file"
    )
    schema.set_defaults(run=_schema)

    diff = verbs.add_parser(
        "diff", help="what a change does to monitoring between two git revisions (exit 0 none, 2 changes, 1 error)"
    )
    which = diff.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", action="append", help="stack to plan on both sides, e.g. dev or prod; repeatable")
    which.add_argument("--all-stacks", action="store_true", help="every stack (every Pulumi.<stack>.yaml)")
    diff.add_argument("--base", required=True, help="git revision to compare against, e.g. main or origin/main")
    diff.add_argument("--head", help="git revision with the change (default: the working tree)")
    diff.add_argument("--catalog", type=Path, help="catalog folder, relative to each revision's project root")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--max-length", type=_positive, help="Markdown: at most this many characters (PR comments are limited)")
    diff.add_argument(
        "--isolated", action="store_true", help="plan each side in a `python -m vigil plan` process of its own (slower)"
    )
    diff.add_argument(
        "--full", action="store_true", help="plan every service on both sides, even when only catalog files changed (slower, same result)"
    )
    diff.add_argument(
        "--backtest", action="store_true", help="back-test the alerts the change touches on both sides: notifications base → head (docs/backtest.md)"
    )
    diff.add_argument("--days", type=_days, help="with --backtest: how many days back (default 14)")
    diff.add_argument("--from", dest="source", type=Path, metavar="DIR", help="with --backtest: back-test recorded responses, without credentials")
    diff.set_defaults(run=_diff)

    preview = verbs.add_parser(
        "preview-summary", help="the reviewer's summary of a `pulumi preview --json` document (exit 0 none, 2 changes, 1 error)"
    )
    preview.add_argument("file", type=Path, help="file holding the output of `pulumi preview --json`")
    preview.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    preview.add_argument("--max-length", type=_positive, help="Markdown: at most this many characters (PR comments are limited)")
    preview.set_defaults(run=_preview_summary)

    replay = verbs.add_parser(
        "replay", help="replay scenarios (or the standard ones) through a stack's alerts (exit 0 all hold, 1 one failed, 2 invalid)"
    )
    replay.add_argument("files", nargs="*", type=Path, metavar="FILE", help="scenario files (docs/replay.md)")
    replay.add_argument("--standard", action="store_true", help="every service's standard scenarios: breaches, healthy runs, outages, SLO burns")
    replay.add_argument("--stack", help="stack to replay (default: the scenario's own, else dev)")
    replay.add_argument("--catalog", type=Path, help="catalog folder (default: the stack's monitoring:catalog)")
    replay.add_argument("--service", help="with --standard: only this service")
    replay.add_argument("--format", choices=("text", "json"), default="text")
    replay.set_defaults(run=_replay)

    adopt = verbs.add_parser(
        "import", help="spec YAML (and Pulumi's bulk import file) for a service's existing Datadog monitors and CloudWatch alarms"
    )
    adopt.add_argument("--service", required=True, metavar="NAME", help="the service to write: DIR/NAME.yaml")
    adopt.add_argument("--datadog", action="store_true", help="read the monitors live (datadog-api-client; DD_API_KEY, DD_APP_KEY)")
    adopt.add_argument("--tags", action="append", metavar="TAG", help="with --datadog: the monitors' tags to read (default service:NAME); repeatable")
    adopt.add_argument("--datadog-file", action="append", type=Path, metavar="FILE", help="monitors as GET /api/v1/monitor returns them (a JSON list, or one exported monitor); repeatable")
    adopt.add_argument("--cloudwatch", action="store_true", help="read the alarms live (boto3, the stack's monitoring:awsRegion)")
    adopt.add_argument("--prefix", metavar="P", help="with --cloudwatch: only alarms whose names start with P")
    adopt.add_argument("--cloudwatch-file", action="append", type=Path, metavar="FILE", help="the JSON `aws cloudwatch describe-alarms` prints; repeatable")
    adopt.add_argument("--catalog", type=Path, metavar="DIR", help="catalog folder to write into (default: the stack's monitoring:catalog)")
    adopt.add_argument("--stack", metavar="S", help="stack whose environment and catalog the service joins (default: dev)")
    adopt.add_argument("--import-file", type=Path, metavar="F", help="Pulumi's bulk import file to write (default: import-NAME.json here)")
    adopt.add_argument("--force", action="store_true", help="overwrite DIR/NAME.yaml when it exists")
    adopt.set_defaults(run=_import)

    drift = verbs.add_parser("drift", help="what the vendors hold against the stack's plan (exit 0 none, 2 drift, 1 error)")
    drift.add_argument("--stack", required=True, metavar="S", help="stack to compare (reads Pulumi.<S>.yaml)")
    drift.add_argument("--catalog", type=Path, help="catalog folder (default: the stack's monitoring:catalog)")
    drift.add_argument("--datadog-file", type=Path, metavar="F", help="monitors as GET /api/v1/monitor returns them, instead of reading Datadog live")
    drift.add_argument("--cloudwatch-file", type=Path, metavar="F", help="`aws cloudwatch describe-alarms` JSON, instead of reading CloudWatch live")
    drift.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    drift.set_defaults(run=_drift)

    back = verbs.add_parser(
        "backtest", help="how often the stack's alerts would have notified on real history (exit 0, 2 bad input or credentials)"
    )
    back.add_argument("--stack", required=True, help="stack to back-test, e.g. prod (reads Pulumi.<stack>.yaml)")
    back.add_argument("--service", action="append", metavar="NAME", help="only this service's alerts; repeatable")
    back.add_argument("--days", type=_days, default=14, help="how many days back, to now (default 14)")
    back.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    back.add_argument("--catalog", type=Path, help="catalog folder (default: the stack's monitoring:catalog)")
    back.add_argument("--queries", action="store_true", help="print every vendor request the back-test needs, and fetch nothing")
    back.add_argument("--record", type=Path, metavar="DIR", help="fetch live and write each response to DIR/<id>.json")
    back.add_argument("--from", dest="source", type=Path, metavar="DIR", help="back-test from recorded responses only, without credentials")
    back.add_argument("--charts", type=Path, metavar="DIR", help="write an SVG chart per back-tested alert to DIR")
    back.set_defaults(run=_backtest)
    return root


def main(argv: Optional[Sequence[str]] = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(words)
    except SystemExit as exc:
        # argparse exits 2 on a usage error; for diff and preview-summary 2 means "changes", so say 1 (an error)
        if exc.code == 2 and set(words) & {"diff", "preview-summary", "drift"}:
            return EXIT_ERROR
        raise
    invalid = EXIT_ERROR if args.verb in ("diff", "preview-summary") else EXIT_INVALID  # their 2 means "changes"
    try:
        return int(args.run(args))
    except SpecErrors as exc:
        for error in exc.errors:
            _error(error)
        print(f"{len(exc.errors)} problem(s) found", file=sys.stderr)
        return invalid
    except StackConfigError as exc:  # no project, or a stack file that is wrong
        for message in exc.messages:
            _error(f"error: {message}")
        return invalid
    except BrokenPipeError:
        return EXIT_OK

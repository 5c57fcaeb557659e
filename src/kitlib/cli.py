"""The ``kitlib`` command line.

Usage::

    kitlib report                              # every case, one report each, into reports/
    kitlib report --case bank --by provider    # one report per provider of the bank case
    kitlib report --data my.csv --codebook my.yaml --lang en --out out/
    kitlib codebook draft export.xlsx -o codebook.yaml    # draft a codebook from a raw export, to review
    kitlib codebook check codebook.yaml --data export.xlsx  # check a codebook (and the data against it)
    kitlib class-summary submissions/ --lang en  # per exercise: passes and most common mistakes (table + chart)
    kitlib exercises release student/            # student notebooks (no solutions) from exercises/solutions

Exit code 0 when every report succeeded, 1 when any failed, 2 on bad arguments.

Example
-------
>>> from kitlib.cli import parser
>>> parser().parse_args(["report", "--case", "bank"]).case
['bank']

References
----------
Python Software Foundation. *argparse*. https://docs.python.org/3/library/argparse.html
"""

from __future__ import annotations

import argparse
import sys

from kitlib.atomic import write_atomically
from kitlib.data.cases import CASES
from kitlib.errors import KitError
from kitlib.report.execute import FORMATS, BatchInterrupted, batch_lock, default_workers, output_folder, run_jobs
from kitlib.report.grid import GROUP_COLUMNS, plan
from kitlib.report.index import summary_table, write_index

__all__ = ["class_summary", "codebook", "exercises", "main", "parser", "report"]


def _parameter(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    for convert in (int, float):
        try:
            return name, convert(value)
        except ValueError:
            pass
    return name, value


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kitlib`` command."""
    main_parser = argparse.ArgumentParser(prog="kitlib", description="Internal service satisfaction kit.")
    commands = main_parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="run the case reports with papermill and write HTML")
    report.add_argument("--case", action="append", choices=CASES, help="case to report (repeatable; default: all)")
    report.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="your own survey file (CSV/XLSX), added to the reports (repeatable)")
    report.add_argument("--codebook", metavar="YAML", help="codebook of --data (default: codebook.yaml next to it)")
    report.add_argument("--by", choices=GROUP_COLUMNS, help="one report per provider or department")
    report.add_argument("--out", default="reports", help="output folder (default: reports)")
    report.add_argument("--workers", type=int, default=default_workers(),
                        help="parallel papermill runs (default: number of cores)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default: zh)")
    report.add_argument("--format", choices=FORMATS, default="html", dest="fmt",
                        help="html (code hidden, self-contained), pdf (A4, through headless Chromium), html,pdf or ipynb")
    report.add_argument("--min-group-size", type=int, default=5, help="smallest group that is reported (default 5)")
    report.add_argument("--wave", help="restrict every report to one survey wave")
    report.add_argument("--param", action="append", type=_parameter, default=[], metavar="NAME=VALUE",
                        help="further notebook parameter (repeatable), e.g. alpha_level=0.01")
    report.add_argument("--notebook", help="report notebook to run (default: notebooks/report.ipynb)")
    report.add_argument("--fresh-kernels", action="store_true",
                        help="start a new kernel for every report (default: one warm kernel per worker, reset between reports)")
    report.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the reports on a Dask distributed cluster (e.g. tcp://host:8786) instead of local workers")
    report.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    codebook = commands.add_parser("codebook", help="draft or check a codebook")
    codebook_commands = codebook.add_subparsers(dest="codebook_command", required=True)
    draft = codebook_commands.add_parser("draft", help="draft a commented codebook from a raw export (CSV/XLSX/SPSS)")
    draft.add_argument("file", help="the raw survey export")
    draft.add_argument("-o", "--output", help="where to write the YAML (default: print it)")
    check = codebook_commands.add_parser("check", help="check a codebook, and optionally a data file against it")
    check.add_argument("codebook", help="the codebook YAML")
    check.add_argument("--data", help="a data file to load with it")
    for command in (draft, check):
        command.add_argument("--sheet", help="XLSX sheet (name or 0-based position)")
        command.add_argument("--header-row", type=int, help="row number of the header (1-based), if not found automatically")
        command.add_argument("--encoding", help="text encoding of a CSV, if not UTF-8/UTF-16/GB18030 (e.g. big5)")
    summary = commands.add_parser("class-summary", help="instructor's view: passes and most common mistakes per exercise")
    summary.add_argument("folder", help="folder of participants' executed exercise notebooks and/or kitlib-checks.jsonl files")
    summary.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the table and chart (default: zh)")
    summary.add_argument("--out", help="where to write the CSV and PNG (default: FOLDER)")
    summary.add_argument("--top", type=int, default=3, help="mistakes listed per exercise (default 3)")
    exercises = commands.add_parser("exercises", help="course exercises")
    exercise_commands = exercises.add_subparsers(dest="exercises_command", required=True)
    release = exercise_commands.add_parser("release", help="write the student notebooks (solutions removed)")
    release.add_argument("out", help="folder for the student notebooks")
    release.add_argument("--source", default="exercises/solutions", help="solution notebooks (default: exercises/solutions)")
    release.add_argument("--check", action="store_true", help="write nothing; exit 1 if a student notebook is stale")
    return main_parser


def _sheet(value):
    return int(value) if value is not None and value.isdigit() else value


def codebook(args) -> int:
    """Run ``kitlib codebook draft|check``; return the exit code (2 on any KitError)."""
    from kitlib.data.codebook import load_codebook
    from kitlib.data.draft import draft_codebook
    from kitlib.data.readers import load_survey

    options = {"sheet": _sheet(args.sheet), "header_row": args.header_row, "encoding": args.encoding}
    try:
        if args.codebook_command == "draft":
            drafted = draft_codebook(args.file, **options)
            if args.output:
                write_atomically(args.output, drafted.yaml)
                print(f"wrote {args.output}: {drafted!r}")
                for note in drafted.notes:
                    print(f"review: {note}")
            else:
                print(drafted.yaml, end="")
            return 0
        book = load_codebook(args.codebook)
        print(f"ok: {book!r}; roles {book.roles or '-'}")
        if args.data:
            survey = load_survey(args.data, book, on_invalid="exclude", **options)
            actions = survey.quality["action"].value_counts().to_dict()
            print(f"ok: {survey!r}; quality report: {actions}")
            flagged = survey.quality[survey.quality["action"] != "recoded"]
            if len(flagged):
                print(flagged.head(20).to_string(index=False))
        return 0
    except KitError as error:
        print(f"kitlib codebook {args.codebook_command}: {error}", file=sys.stderr)
        return 2


def report(args) -> int:
    """Run the ``report`` command; return the exit code."""
    for option, value in (("--workers", args.workers), ("--min-group-size", args.min_group_size)):
        if value < 1:
            print(f"kitlib report: {option} must be at least 1", file=sys.stderr)
            return 2
    parameters = {"lang": args.lang, **dict(args.param)}
    if args.wave:
        parameters["wave"] = args.wave
    try:
        jobs, withheld = plan(args.case, args.data, args.codebook, args.by,
                              min_group_size=args.min_group_size, parameters=parameters)
    except KitError as error:
        print(f"kitlib report: {error}", file=sys.stderr)
        return 2
    for source, count in withheld.items():
        if count:
            print(f"note: {source}: {count} {args.by} group(s) withheld "
                  f"(fewer than {args.min_group_size} respondents or protecting such a group); no report for them")
    stopped = None
    try:
        out = output_folder(args.out)
        with batch_lock(out):  # held until the index is written: a second batch into --out is refused
            try:
                results = run_jobs(jobs, out, workers=args.workers, notebook=args.notebook, fmt=args.fmt,
                                   fresh_kernels=args.fresh_kernels, progress=not args.no_progress,
                                   scheduler=args.scheduler)
            except BatchInterrupted as interrupted:
                stopped, results = interrupted, interrupted.results
            index = write_index(results, out, lang=args.lang, withheld=withheld, min_group_size=args.min_group_size)
    except KitError as error:
        print(f"kitlib report: {error}", file=sys.stderr)
        return 2
    table = summary_table(results)
    shown = table.drop(columns="error")
    print(shown.to_string(index=False, na_rep="-", float_format=lambda value: f"{value:.1f}"))
    failed = table[table["status"] == "failed"]
    for _, row in failed.iterrows():
        print(f"FAILED {row['report']}: {row['error']}", file=sys.stderr)
    print(f"{len(table) - len(failed)} ok, {len(failed)} failed; index: {index}")
    if stopped is not None:
        print(f"kitlib report: stopped ({stopped}); the index lists what finished", file=sys.stderr)
        return 128 + int(stopped.signum)
    return 1 if len(failed) else 0


def class_summary(args) -> int:
    """Run ``kitlib class-summary FOLDER``; return the exit code (1 when there is nothing to summarise)."""
    from kitlib.exercises.class_summary import main as summarise

    try:
        return summarise(args.folder, lang=args.lang, out=args.out, top=args.top)
    except FileNotFoundError as error:
        print(f"kitlib class-summary: {error}", file=sys.stderr)
        return 2


def exercises(args) -> int:
    """Run ``kitlib exercises release OUT``; return the exit code."""
    from kitlib.exercises.student_release import release

    try:
        paths = release(args.source, args.out, check=args.check)
    except (FileNotFoundError, ValueError) as error:
        print(f"kitlib exercises release: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    return 1 if args.check and paths else 0


def main(argv=None) -> int:
    """Entry point of the ``kitlib`` console script."""
    args = parser().parse_args(argv)
    if args.command == "class-summary":
        return class_summary(args)
    if args.command == "exercises":
        return exercises(args)
    if args.command == "report":
        return report(args)
    return codebook(args)


if __name__ == "__main__":
    sys.exit(main())

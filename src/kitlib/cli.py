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
import gc
import shutil
import sys
from functools import partial

from kitlib._lazy import without_optional_iri_grammar
from kitlib.atomic import write_atomically
from kitlib.errors import KitError
from kitlib.i18n import CLI_TEXTS, LANGS, argparse_wording, argv_lang, display_table, locale_lang, quality_issue

# The data, the report runner and the stack are imported inside the commands (see kitlib._lazy):
# ``kitlib report`` starts its fork server before it imports anything else (:func:`early_fork_server`),
# and its workers before it loads and plans the surveys.

__all__ = ["class_summary", "codebook", "console", "early_fork_server", "exercises", "main", "parser", "report"]


def _parameter(text: str, lang: str = "en") -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(CLI_TEXTS("bad_parameter", lang, text=repr(text)))
    name, value = text.split("=", 1)
    for convert in (int, float):
        try:
            return name, convert(value)
        except ValueError:
            pass
    return name, value


def parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``kitlib`` command, its help in ``lang`` (default: the locale's language).

    ``args.messages`` is the language of the command's messages.  Call inside
    :func:`kitlib.i18n.argparse_wording` for argparse's own texts in ``lang`` too.
    """
    from kitlib.data.cases import CASES
    from kitlib.report.execute import FORMATS, default_workers
    from kitlib.report.grid import GROUP_COLUMNS

    lang = lang or locale_lang()

    def words(key: str) -> str:
        return CLI_TEXTS(key, lang)

    main_parser = argparse.ArgumentParser(prog="kitlib", description=words("description"))
    main_parser.add_argument("--lang", dest="messages", choices=LANGS, default=lang, help=words("lang"))
    commands = main_parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help=words("report"))
    report.add_argument("--case", action="append", choices=CASES, help=words("case"))
    report.add_argument("--data", action="append", default=[], metavar="FILE",
                        help=words("data"))
    report.add_argument("--codebook", metavar="YAML", help=words("codebook_of_data"))
    report.add_argument("--by", choices=GROUP_COLUMNS, help=words("by"))
    report.add_argument("--out", default="reports", help=words("out"))
    report.add_argument("--workers", type=int, default=default_workers(),
                        help=words("workers"))
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help=words("report_lang"))
    report.add_argument("--format", choices=FORMATS, default="html", dest="fmt",
                        help=words("format"))
    report.add_argument("--min-group-size", type=int, default=5, help=words("min_group_size"))
    report.add_argument("--wave", help=words("wave"))
    report.add_argument("--param", action="append", type=partial(_parameter, lang=lang), default=[], metavar="NAME=VALUE",
                        help=words("param"))
    report.add_argument("--notebook", help=words("notebook"))
    report.add_argument("--fresh-kernels", action="store_true",
                        help=words("fresh_kernels"))
    report.add_argument("--scheduler", metavar="ADDRESS",
                        help=words("scheduler"))
    report.add_argument("--no-progress", action="store_true", help=words("no_progress"))
    codebook = commands.add_parser("codebook", help=words("codebook"))
    codebook_commands = codebook.add_subparsers(dest="codebook_command", required=True)
    draft = codebook_commands.add_parser("draft", help=words("draft"))
    draft.add_argument("file", help=words("draft_file"))
    draft.add_argument("-o", "--output", help=words("draft_output"))
    check = codebook_commands.add_parser("check", help=words("check"))
    check.add_argument("codebook", help=words("check_codebook"))
    check.add_argument("--data", help=words("check_data"))
    for command in (draft, check):
        command.add_argument("--sheet", help=words("sheet"))
        command.add_argument("--header-row", type=int, help=words("header_row"))
        command.add_argument("--encoding", help=words("encoding"))
    summary = commands.add_parser("class-summary", help=words("class_summary"))
    summary.add_argument("folder", help=words("summary_folder"))
    summary.add_argument("--lang", choices=("zh", "en"), default="zh", help=words("summary_lang"))
    summary.add_argument("--out", help=words("summary_out"))
    summary.add_argument("--top", type=int, default=3, help=words("summary_top"))
    exercises = commands.add_parser("exercises", help=words("exercises"))
    exercise_commands = exercises.add_subparsers(dest="exercises_command", required=True)
    release = exercise_commands.add_parser("release", help=words("release"))
    release.add_argument("out", help=words("release_out"))
    release.add_argument("--source", default="exercises/solutions", help=words("release_source"))
    release.add_argument("--check", action="store_true", help=words("release_check"))
    for command in (draft, check, release):  # --lang after the subcommand too (report and class-summary have their own)
        command.add_argument("--lang", dest="messages", choices=LANGS, default=lang, help=words("lang"))
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
                print(CLI_TEXTS("wrote_codebook", args.messages, path=args.output, draft=repr(drafted)))
                for note in drafted.notes:
                    print(CLI_TEXTS("review", args.messages, note=note))
            else:
                print(drafted.yaml, end="")
            return 0
        book = load_codebook(args.codebook)
        print(CLI_TEXTS("codebook_ok", args.messages, book=repr(book), roles=book.roles or "-"))
        if args.data:
            survey = load_survey(args.data, book, on_invalid="exclude", **options)
            actions = display_table(survey.quality["action"].value_counts().rename_axis("action"), args.messages)
            print(CLI_TEXTS("survey_ok", args.messages, survey=repr(survey), actions=actions.iloc[:, 0].to_dict()))
            flagged = survey.quality[survey.quality["action"] != "recoded"].head(20)
            if len(flagged):
                worded = flagged.assign(issue=[quality_issue(issue, args.messages) for issue in flagged["issue"]])
                print(display_table(worded, args.messages).to_string(index=False))
        return 0
    except KitError as error:
        print(f"kitlib codebook {args.codebook_command}: {error}", file=sys.stderr)
        return 2


#: Options of ``kitlib report`` with which the batch forks no kernel (or runs none).
NO_FORK_OPTIONS = ("--scheduler", "--fresh-kernels", "--help", "-h")


def early_fork_server(argv):
    """The fork server of a ``kitlib report`` batch, started before the command line is even parsed (else None).

    Building the parser and planning import pandas, jupyter_client and the data
    readers (about 0.6 s); the fork server's import of the report stack, the
    longest step before the first report, starts before them and runs beside
    them on another core.  A command line that turns out to need no server
    (an abbreviated ``--sched``, say) only costs the start of one; :func:`main`
    stops it whatever happens.
    """
    if "report" not in argv or any(word.split("=")[0] in NO_FORK_OPTIONS for word in argv):
        return None
    from kitlib.report._forkserver import ForkServer, batch_folder

    return ForkServer(batch_folder())


def report(args, forkserver=None) -> int:
    """Run the ``report`` command; return the exit code.

    The fork server (``forkserver``, started by :func:`main`, or else by the
    workers) imports the stack and the workers start while the surveys are
    loaded, audited and planned; a plan that fails stops them.

    The command's imports, the runner's preparation and the planning run with
    the garbage collector paused; in the ``kitlib`` command (:func:`console`)
    what they leave is frozen (:func:`gc.freeze`, also what the workers
    inherit), so the collector walks only what the batch creates afterwards
    (the command's collections took about 1 s of a case batch, measured).
    """
    from kitlib.report._kernel import collector_paused

    with collector_paused():
        from kitlib.report.execute import BatchInterrupted, LocalWorkers, batch_lock, output_folder, prepare_runner, run_jobs, stop_signals
        from kitlib.report.grid import most_reports, plan_batch

        if not args.scheduler:
            prepare_runner()
    _freeze_if_exiting()

    for option, value in (("--workers", args.workers), ("--min-group-size", args.min_group_size)):
        if value < 1:
            print(f"kitlib report: {CLI_TEXTS('at_least_one', args.messages, option=option)}", file=sys.stderr)
            return 2
    parameters = {"lang": args.lang, **dict(args.param)}
    if args.wave:
        parameters["wave"] = args.wave
    most = most_reports(args.case, args.data, args.by)
    workers = None if args.scheduler else LocalWorkers(min(args.workers, most or args.workers), fresh_kernels=args.fresh_kernels,
                                                       forkserver=None if args.fresh_kernels else forkserver)
    stopped, finished = None, False
    try:
        with stop_signals():
            with collector_paused():
                jobs, withheld = plan_batch(args.case, args.data, args.codebook, args.by, min_group_size=args.min_group_size,
                                            parameters=parameters, share=workers.surveys if workers else None)
            _freeze_if_exiting()
            for source, counts in withheld.items():
                if counts.total:
                    print(CLI_TEXTS("withheld", args.messages, source=source, small=counts.small,
                                    protection=counts.protection, min_n=args.min_group_size))
            out = output_folder(args.out)
            with batch_lock(out):  # held until the index is written: a second batch into --out is refused
                try:
                    results = run_jobs(jobs, out, workers=workers, notebook=args.notebook, fmt=args.fmt,
                                       fresh_kernels=args.fresh_kernels, progress=not args.no_progress,
                                       scheduler=args.scheduler)
                except BatchInterrupted as interrupted:
                    stopped, results = interrupted, interrupted.results
                index = _write_index(results, out, withheld, args)
        finished = stopped is None
    except KitError as error:
        print(f"kitlib report: {error}", file=sys.stderr)
        return 2
    except BatchInterrupted as interrupted:  # while planning: no report has run
        print(f"kitlib report: {CLI_TEXTS('stopped', args.messages, reason=interrupted)}", file=sys.stderr)
        return 128 + int(interrupted.signum)
    finally:
        if workers is not None:
            workers.close(stop=not finished)  # a failed plan or a stop does not wait for kernels to warm up
    return _summarise(results, index, stopped, args)


def _write_index(results, out, withheld, args):
    from kitlib.report.index import write_index

    return write_index(results, out, lang=args.lang, withheld=withheld, min_group_size=args.min_group_size)


def _summarise(results, index, stopped, args) -> int:
    """Print the summary table, the failures and the stop; return the exit code."""
    from kitlib.report.index import summary_table

    table = summary_table(results)
    shown = display_table(table.drop(columns="error"), args.messages)
    print(shown.to_string(index=False, na_rep="-", float_format=lambda value: f"{value:.1f}"))
    failed = table[table["status"] == "failed"]
    for _, row in failed.iterrows():
        print(CLI_TEXTS("failed_report", args.messages, report=row["report"], error=row["error"]), file=sys.stderr)
    print(CLI_TEXTS("summary", args.messages, ok=len(table) - len(failed), failed=len(failed), index=index))
    if stopped is not None:
        print(f"kitlib report: {CLI_TEXTS('stopped', args.messages, reason=stopped)}", file=sys.stderr)
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
        print(CLI_TEXTS("out_of_date" if args.check else "wrote", args.messages, path=path))
    return 1 if args.check and paths else 0


def main(argv=None) -> int:
    """Entry point of the ``kitlib`` console script; help and messages in ``--lang``, else the locale's language."""
    argv = sys.argv[1:] if argv is None else list(argv)
    forkserver = early_fork_server(argv)
    try:
        lang = argv_lang(argv) or locale_lang()
        with without_optional_iri_grammar():  # this process never checks IRI formats
            with argparse_wording(lang):
                args = parser(lang).parse_args(argv)
            if args.command == "class-summary":
                return class_summary(args)
            if args.command == "exercises":
                return exercises(args)
            if args.command == "report":
                return report(args, forkserver)
            return codebook(args)
    finally:
        if forkserver is not None:  # stopped by the batch's workers already, unless none took it over
            forkserver.close()
            shutil.rmtree(forkserver.folder, ignore_errors=True)


#: Whether this process ends with the command (:func:`console`): only then are its objects frozen.
_EXITING = {"after_command": False}


def _freeze_if_exiting() -> None:
    """Move every object alive out of the collector's sight, in the ``kitlib`` command only.

    An in-process caller (a test, a notebook) keeps a collector that sees
    everything: frozen objects are never collected.
    """
    if _EXITING["after_command"]:
        gc.freeze()


def console() -> int:
    """The ``kitlib`` console script: :func:`main`, then the process's objects frozen for a quick exit.

    Python's exit runs full garbage collections over every object still alive;
    after a report batch (pandas, nbconvert and the rest imported, about 260,000
    objects) they took about 0.5 s, measured.  Objects frozen with
    :func:`gc.freeze` are left out of them; the process ends at once after
    every exit handler has run (kernels stopped, temporary folders removed).
    The report command also freezes what its start leaves (:func:`report`).
    Called in-process (tests, notebooks), :func:`main` freezes nothing.
    """
    _EXITING["after_command"] = True
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(console())

"""The ``index.html`` page and console summary of a report batch.

Example
-------
>>> from kitlib.report.execute import ReportResult
>>> from kitlib.report.index import summary_table
>>> summary_table([ReportResult("bank", "bank", "ok", "bank.html", 3.2, {"n": 120})])["n"].tolist()
[120]

References
----------
WHATWG. *HTML Living Standard*, the ``table`` element. https://html.spec.whatwg.org/
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kitlib.atomic import write_atomically
from kitlib.errors import OptionError

__all__ = ["reports_threshold", "summary_table", "write_index"]

HEADERS = {
    "report": {"zh": "报告", "en": "Report"},
    "status": {"zh": "状态", "en": "Status"},
    "n": {"zh": "样本量", "en": "n"},
    "csi": {"zh": "CSI", "en": "CSI"},
    "nps": {"zh": "NPS", "en": "NPS"},
    "largest_gap": {"zh": "最大差距维度", "en": "Largest gap dimension"},
    "seconds": {"zh": "用时 (秒)", "en": "Time (s)"},
    "detail": {"zh": "说明", "en": "Details"},
}
TEXT = {
    "title": {"zh": "内部服务满意度报告", "en": "Internal service satisfaction reports"},
    "ok": {"zh": "成功", "en": "ok"},
    "failed": {"zh": "失败", "en": "failed"},
    "counts": {"zh": "共 {total} 份报告：{ok} 份成功，{failed} 份失败。", "en": "{total} reports: {ok} ok, {failed} failed."},
    "withheld": {
        "zh": "{source}：{small} 个组少于 {min_n} 名受访者、{protection} 个组为防止相减反推出这些小组而隐藏，均未单独出报告（不列名称）。",
        "en": "{source}: no report for {small} group(s) with fewer than {min_n} respondents and {protection} group(s) hidden to "
              "protect them against differencing (names not listed).",
    },
    "kept": {"zh": "执行后的笔记本", "en": "executed notebook"},
    "threshold": {
        "zh": "保密阈值：少于 {min_n} 名受访者的组不单独显示；本批所有报告都使用这一阈值。",
        "en": "Confidentiality threshold: groups of fewer than {min_n} respondents are not shown; "
              "every report of this batch used this threshold.",
    },
    "stale": {
        "zh": "已从此文件夹删除上次运行留下、本次不再生成的 {count} 份报告（例如在更严格的阈值下现已隐藏的组）。",
        "en": "{count} report(s) of a previous run in this folder that this run does not produce "
              "(e.g. groups now withheld under a stricter threshold) were removed.",
    },
    "generated": {"zh": "生成时间", "en": "Generated"},
}


def _number(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def summary_table(results) -> pd.DataFrame:
    """One row per report: name, status, n, CSI, NPS, largest-gap dimension, seconds, error."""
    rows = []
    for result in results:
        summary = result.summary or {}
        rows.append({
            "report": result.name,
            "status": result.status,
            "n": summary.get("n"),
            "csi": summary.get("csi"),
            "nps": summary.get("nps"),
            "largest_gap": summary.get("largest_gap_dimension"),
            "seconds": round(result.seconds, 1),
            "error": result.error,
        })
    return pd.DataFrame(rows, columns=["report", "status", "n", "csi", "nps", "largest_gap", "seconds", "error"])


def _row(result, lang: str) -> str:
    summary = result.summary or {}
    label = html.escape(result.title)
    link = f'<a href="{html.escape(result.path)}">{label}</a>' if result.path else label
    others = [name for name in getattr(result, "files", None) or [] if name != result.path]
    if others:
        link += " " + " ".join(f'(<a href="{html.escape(name)}">{html.escape(Path(name).suffix[1:].upper())}</a>)'
                               for name in others)
    status = TEXT[result.status][lang]
    if result.status == "failed":
        detail = html.escape(result.error)
        if result.notebook:
            detail += f' (<a href="{html.escape(result.notebook)}">{TEXT["kept"][lang]}</a>)'
    else:
        detail = ""
    dimension = summary.get("largest_gap_dimension")
    if dimension and summary.get("largest_gap") is not None:
        dimension = f"{dimension} ({_number(summary['largest_gap'], 2)})"
    cells = [
        link,
        f'<span class="{result.status}">{status}</span>',
        _number(summary.get("n")),
        _number(summary.get("csi")),
        _number(summary.get("nps")),
        html.escape(str(dimension or "–")),
        _number(result.seconds),
        detail,
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def reports_threshold(results, min_group_size: int) -> int:
    """The threshold the reports used, checked against the batch's ``min_group_size``.

    Every result records the ``min_group_size`` its notebook was given; an
    index must not state one threshold while a report used another.

    Raises
    ------
    OptionError
        A report used a threshold other than ``min_group_size``.

    Example
    -------
    >>> from kitlib.report.execute import ReportResult
    >>> reports_threshold([ReportResult("a", "a", "ok", min_group_size=8)], 8)
    8
    """
    used = {result.min_group_size for result in results if getattr(result, "min_group_size", None) is not None}
    if used - {min_group_size}:
        raise OptionError(f"the reports used min_group_size {sorted(used)}, the batch states {min_group_size}; "
                          "set the threshold once with --min-group-size")
    return min_group_size


def write_index(results, out_dir, *, lang: str = "zh", withheld=None, min_group_size: int = 5) -> Path:
    """Write ``out_dir/index.html`` listing every report with its status and key figures.

    ``withheld`` maps a source to its :class:`~kitlib.report.grid.Withheld` groups (small, and hidden to
    protect them; a plain number counts small groups);
    only counts are shown, never the names of withheld groups.  The page
    states the confidentiality threshold (the one every report used, see
    :func:`reports_threshold`) and how many stale reports of a previous run
    the batch removed from the folder (its manifest, see
    :func:`kitlib.report.execute.tidy_output_folder`).
    """
    from kitlib.report.execute import read_manifest

    results = list(results)
    min_group_size = reports_threshold(results, min_group_size)
    ok = sum(result.status == "ok" for result in results)
    header = "".join(f"<th>{HEADERS[key][lang]}</th>" for key in HEADERS)
    notes = [TEXT["threshold"][lang].format(min_n=min_group_size)] + [
        TEXT["withheld"][lang].format(source=html.escape(source), small=getattr(counts, "small", counts),
                                      protection=getattr(counts, "protection", 0), min_n=min_group_size)
        for source, counts in (withheld or {}).items()
        if getattr(counts, "total", counts)
    ]
    removed = read_manifest(out_dir).removed_reports
    if removed:
        notes.append(TEXT["stale"][lang].format(count=removed))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{TEXT['title'][lang]}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: 4px 10px; text-align: left; }}
.ok {{ color: #2e7d32; }} .failed {{ color: #c0392b; font-weight: bold; }}
</style></head>
<body>
<h1>{TEXT['title'][lang]}</h1>
<p>{TEXT['counts'][lang].format(total=len(results), ok=ok, failed=len(results) - ok)}</p>
{''.join(f'<p>{note}</p>' for note in notes)}
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(_row(result, lang) for result in results)}
</tbody>
</table>
<p><small>{TEXT['generated'][lang]}: {stamp}</small></p>
</body></html>
"""
    path = Path(out_dir) / "index.html"
    write_atomically(path, page)
    return path

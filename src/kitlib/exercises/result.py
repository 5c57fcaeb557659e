"""The feedback object every ``check_*`` function returns.

A :class:`CheckResult` lists one :class:`Finding` per part of the answer: what
is right, and for a wrong part a hint in the participant's language (Chinese
or English).  When the wrong answer matches a *typical mistake* (a gap
computed as E − P, a reverse-keyed item left as it was…), the hint names that
mistake; ``result.mistakes`` lists their ids so tests can see which one fired.
Checks never raise on a wrong answer: they return a result that shows itself
as text, Markdown or HTML in a notebook.

Example
-------
>>> from kitlib.exercises.result import CheckResult, Finding
>>> result = CheckResult("demo", "en", [Finding("sum", True, "2 + 2 = 4, correct.")])
>>> result.correct
True
>>> print(result)
✔ demo: all correct
  ✔ sum: 2 + 2 = 4, correct.

References
----------
Hattie, J., & Timperley, H. (2007). The power of feedback. *Review of
Educational Research*, 77(1), 81–112.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

__all__ = ["CheckResult", "Finding"]

MORE_HELP = {
    "zh": "需要更多提示？用 hint_level={level} 再运行一次检查（共 {total} 级）。",
    "en": "More help: run the check again with hint_level={level} (of {total}).",
}
LEVEL_NAMES = {
    1: {"zh": "提示", "en": "nudge"},
    2: {"zh": "概念", "en": "concept"},
    3: {"zh": "示范一步", "en": "worked step"},
}
HEADLINES = {
    True: {"zh": "全部正确", "en": "all correct"},
    False: {"zh": "还不对，请看提示", "en": "not yet right, see the hints"},
}


@dataclass(frozen=True)
class Finding:
    """Feedback on one part of an answer.

    Attributes
    ----------
    part : str
        Which part of the answer (e.g. ``"gap"``, ``"weak_item"``).
    ok : bool
        Whether this part is right.
    message : str
        Confirmation or hint, in the participant's language.
    mistake : str or None
        Id of the typical mistake recognised in this part, if any.
    hints : tuple of str
        Tiered help for a wrong part, revealed one at a time
        (:attr:`CheckResult.hint_level`): a nudge, a pointer to the concept,
        a worked step.  A part not yet answered gets no worked step.
    """

    part: str
    ok: bool
    message: str
    mistake: str | None = None
    hints: tuple[str, ...] = ()


@dataclass
class CheckResult:
    """Outcome of one ``check_*`` call: overall verdict plus per-part findings.

    ``hint_level`` (0–3) is how many tiers of each wrong part's hints are shown:
    0 the diagnosis only, 1 adds a nudge, 2 the concept, 3 a worked step.
    """

    exercise: str
    lang: str
    findings: list[Finding] = field(default_factory=list)
    hint_level: int = 1

    @property
    def correct(self) -> bool:
        """True when there is at least one finding and every finding is right."""
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def mistakes(self) -> list[str]:
        """Ids of the typical mistakes recognised in the answer."""
        return [f.mistake for f in self.findings if f.mistake]

    @property
    def hints(self) -> list[str]:
        """Messages of the parts that are not right yet."""
        return [f.message for f in self.findings if not f.ok]

    def __bool__(self) -> bool:
        return self.correct

    def shown_hints(self, finding: Finding) -> list[str]:
        """The hints of ``finding`` revealed at the current :attr:`hint_level`."""
        return [] if finding.ok else list(finding.hints[: max(self.hint_level, 0)])

    def with_hint_level(self, level: int) -> CheckResult:
        """The same result showing ``level`` tiers of hints."""
        return CheckResult(self.exercise, self.lang, list(self.findings), level)

    def _more_help(self) -> str | None:
        total = max((len(f.hints) for f in self.findings if not f.ok), default=0)
        if self.hint_level < total:
            return MORE_HELP[self.lang].format(level=self.hint_level + 1, total=total)
        return None

    def _hint_lines(self, finding: Finding) -> list[str]:
        return [f"{LEVEL_NAMES[level][self.lang]} {level}: {hint}"
                for level, hint in enumerate(self.shown_hints(finding), start=1)]

    def to_record(self) -> dict:
        """What a class summary needs of this result (no answer values)."""
        return {
            "exercise": self.exercise, "correct": self.correct, "mistakes": self.mistakes,
            "parts": {f.part: f.ok for f in self.findings}, "lang": self.lang, "hint_level": self.hint_level,
        }

    def headline(self) -> str:
        mark = "✔" if self.correct else "✘"
        return f"{mark} {self.exercise}: {HEADLINES[self.correct][self.lang]}"

    def __str__(self) -> str:
        lines = [self.headline()]
        for f in self.findings:
            lines.append(f"  {'✔' if f.ok else '✘'} {f.part}: {f.message}")
            lines += [f"      → {hint}" for hint in self._hint_lines(f)]
        more = self._more_help()
        if more:
            lines.append(f"  ({more})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CheckResult(exercise={self.exercise!r}, correct={self.correct}, mistakes={self.mistakes})\n{self}"

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.headline()}**", ""]
        for f in self.findings:
            lines.append(f"- {'✔' if f.ok else '✘'} **{f.part}**: {f.message}")
            lines += [f"  - {hint}" for hint in self._hint_lines(f)]
        more = self._more_help()
        if more:
            lines += ["", f"*{more}*"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if self.correct else "#c0392b"
        rows = "".join(
            f"<li style='color:{'#2e7d32' if f.ok else '#c0392b'}'>{'✔' if f.ok else '✘'} "
            f"<b>{html.escape(f.part)}</b>: <span style='color:#222'>{html.escape(f.message)}</span>"
            + "".join(f"<div class='kitlib-hint' style='color:#555;margin-left:1.2em'>💡 {html.escape(h)}</div>"
                      for h in self._hint_lines(f))
            + "</li>"
            for f in self.findings
        )
        more = self._more_help()
        rows += f"<li style='list-style:none;color:#555'><i>{html.escape(more)}</i></li>" if more else ""
        return (
            f"<div class='kitlib-check' data-correct='{str(self.correct).lower()}' "
            f"style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<b style='color:{colour}'>{html.escape(self.headline())}</b><ul style='margin:4px 0'>{rows}</ul></div>"
        )

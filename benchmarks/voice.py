"""Benchmark: comment theming and SLA attainment against floors measured in the same run (issue 14).

* **Themes** — 100,000 Chinese comments, each four clauses drawn from the shipped case comments (all three
  cases; 83 distinct clauses, so nearly all comments are distinct and caching by comment saves nothing),
  with provider, department and respondent columns resampled from the cases:
  floor  = segmentation alone, ``rjieba.cut`` over every comment;
  kitlib = ``kl.comment_themes(frame, themes=<it_firm codebook themes>)`` (masking, segmentation, theme
  coding, sentiment, counts and shares per provider and department, quotes).
* **SLA** — 1,000,000 tickets resampled from the IT firm log (fresh ids, opened times shifted by whole
  weeks so the weekly charts have many weeks):
  floor  = a plain pandas merge with the standards and a groupby giving the response and resolution
  attainment shares per provider;
  kitlib = ``kl.sla(tickets, standards)`` (targets, attainment with Wilson intervals, medians and P90s,
  first-contact resolution, reopen rate, p and XmR charts, rating link).

ratio = best(kitlib) / best(floor), the fastest of ``--repeats`` runs of each, interleaved.  Goal: <= 2.

Usage: ``.venv/bin/python benchmarks/voice.py [--comments N] [--tickets N] [--repeats R]``
"""

from __future__ import annotations

import argparse
import re

import numpy as np
import pandas as pd
from _timing import best_of_interleaved

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.service.standards import read_standards

HAN = re.compile(r"[\u3400-\u9fff]")
CLAUSE_END = re.compile(r"(?<=[，。；！？,.;!?])")


def make_comments(n: int, seed: int = 1) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    surveys = [kl.load_case(case) for case in kl.CASES]
    texts = pd.concat([s.data["comment"] for s in surveys]).dropna().astype(str)
    texts = texts[texts.map(lambda t: bool(HAN.search(t)))]
    clauses = np.array(sorted({c.strip() for t in texts for c in CLAUSE_END.split(t) if c.strip()}), dtype=object)
    rows = pd.concat([s.data[["respondent_id", "provider", "department"]] for s in surveys], ignore_index=True)
    pick = rows.iloc[rng.integers(0, len(rows), n)].reset_index(drop=True)
    pick["respondent_id"] = [f"R{i:07d}" for i in range(n)]
    pick["comment"] = ["".join(parts) for parts in clauses[rng.integers(0, len(clauses), (n, 4))]]
    return pick, surveys[0].codebook.themes


def make_tickets(n: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    log = kl.read_tickets(case_dir("it_firm") / "tickets.csv")
    out = log.iloc[rng.integers(0, len(log), n)].reset_index(drop=True)
    shift = pd.to_timedelta(rng.integers(0, 26, n) * 7, unit="D")
    for column in ("opened", "first_response", "resolved"):
        out[column] = out[column] + shift
    out["request_id"] = [f"T{i:07d}" for i in range(n)]
    out.attrs.update(log.attrs)
    return out


def floor_segment(frame: pd.DataFrame) -> None:
    import rjieba

    for text in frame["comment"]:
        rjieba.cut(text)


def floor_sla(tickets: pd.DataFrame, standards: pd.DataFrame) -> pd.DataFrame:
    """Targets by two merges (category × priority, then the ``*`` category rows), met flags, groupby mean."""
    assert (standards["provider"] == "*").all(), "the floor handles the IT firm's standards (any provider)"
    specific = standards[standards["category"] != "*"].drop(columns="provider")
    generic = standards[standards["category"] == "*"].drop(columns=["provider", "category"])
    keys = tickets[["category", "priority"]]
    first = keys.merge(specific, on=["category", "priority"], how="left")
    second = keys.merge(generic, on="priority", how="left")
    targets = first[["response_hours", "resolution_hours"]].fillna(second[["response_hours", "resolution_hours"]])
    hour = pd.Timedelta(hours=1)
    met = pd.DataFrame({"provider": tickets["provider"].to_numpy(),
                        "response_ok": ((tickets["first_response"] - tickets["opened"]) / hour).to_numpy() <= targets["response_hours"].to_numpy(),
                        "resolution_ok": ((tickets["resolved"] - tickets["opened"]) / hour).to_numpy() <= targets["resolution_hours"].to_numpy()})
    return met.groupby("provider")[["response_ok", "resolution_ok"]].mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    frame, themes = make_comments(args.comments)
    import rjieba

    rjieba.cut("预热分词词典")  # load the dictionary outside the timings
    floor, mine = best_of_interleaved([lambda: floor_segment(frame), lambda: kl.comment_themes(frame, themes, respondent="respondent_id")],
                                      args.repeats)
    print(f"themes  {args.comments:>9,} comments: floor (rjieba) {floor:6.2f}s  kitlib {mine:6.2f}s  ratio {mine / floor:.2f}  (goal <= 2)")

    tickets = make_tickets(args.tickets)
    standards = read_standards(case_dir("it_firm") / "standards.csv")
    check = floor_sla(tickets, standards)
    result = kl.sla(tickets, standards)
    assert np.allclose(check.loc[result.table.index, "resolution_ok"], result.table["resolution_met"], atol=0.02), "floor differs"
    floor, mine = best_of_interleaved([lambda: floor_sla(tickets, standards), lambda: kl.sla(tickets, standards)], args.repeats)
    print(f"sla     {args.tickets:>9,} tickets:  floor (pandas)  {floor:6.2f}s  kitlib {mine:6.2f}s  ratio {mine / floor:.2f}  (goal <= 2)")


if __name__ == "__main__":
    main()

"""Ticket logs (IT firm) and journey touchpoints (bank) of the simulated cases, from their own seeded generators.

Planted truths
--------------
* Tickets: **IT Support meets its response targets (~95 %) but misses its resolution targets (~60 %)**; the
  other providers resolve 80–92 % on time, in the order of their survey satisfaction.  A ticket's rating
  (1–5) depends on whether it was resolved on time (about 1.2 points), not on the response time.
  In week :data:`OUTAGE_WEEK` an outage makes IT Support's resolution attainment collapse (a special-cause week).
* Journey: five stages 提出需求 → 受理 → 处理 → 交付 → 回访; **处理 (processing) is the moment of truth**
  (highest importance, lowest satisfaction) for every provider, and **受理 (acceptance) too for the
  Operations Centre**.

Example
-------
>>> from kitlib.casegen.service_logs import simulate_tickets
>>> len(simulate_tickets(20260301)) > 2000
True

References
----------
Carlzon, J. (1987). *Moments of Truth*. Ballinger.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["JOURNEY_STAGES", "OUTAGE_WEEK", "STANDARDS", "TICKET_CODEBOOK", "simulate_journey", "simulate_tickets", "standards_table"]

TICKET_SEED_OFFSET = 104729
JOURNEY_SEED_OFFSET = 1299709
WEEKS = 26
START = np.datetime64("2026-01-05T00:00")
OUTAGE_WEEK = 14
#: provider -> (tickets per week, response attainment, resolution attainment)
TICKET_PROFILE = {
    "IT Support": (55, 0.95, 0.60),
    "HR": (18, 0.90, 0.88),
    "Finance": (16, 0.90, 0.92),
    "Administration": (16, 0.88, 0.86),
    "Procurement": (12, 0.80, 0.80),
}
CATEGORIES = {"incident": 0.45, "request": 0.4, "inquiry": 0.15}
PRIORITIES = {"P1": 0.1, "P2": 0.35, "P3": 0.55}
#: Service standards (hours): response and resolution targets per priority, category "inquiry" faster to resolve.
STANDARDS = [
    ("*", "*", "P1", 1, 8), ("*", "*", "P2", 4, 24), ("*", "*", "P3", 8, 72),
    ("*", "inquiry", "P1", 1, 4), ("*", "inquiry", "P2", 2, 8), ("*", "inquiry", "P3", 4, 24),
]
TICKET_CODEBOOK = {
    "name": "it_firm_tickets",
    "title": {"zh": "服务工单记录（2026 年上半年）", "en": "Service ticket log (first half of 2026)"},
    "columns": {"request_id": "ticket_id", "provider": "provider", "unit": "department", "category": "category", "priority": "priority",
                "opened": "opened_at", "first_response": "first_response_at", "resolved": "resolved_at", "reopened": "reopened",
                "contacts": "contacts", "rating": "rating"},
    "rating_scale": [1, 5],
    "labels": {"category": {"incident": {"zh": "故障", "en": "Incident"}, "request": {"zh": "服务请求", "en": "Service request"},
                            "inquiry": {"zh": "咨询", "en": "Inquiry"}},
               "priority": {"P1": {"zh": "紧急", "en": "Urgent"}, "P2": {"zh": "高", "en": "High"}, "P3": {"zh": "普通", "en": "Normal"}}},
}
JOURNEY_STAGES = [
    {"stage": "request", "zh": "提出需求", "en": "Request"},
    {"stage": "acceptance", "zh": "受理", "en": "Acceptance"},
    {"stage": "processing", "zh": "处理", "en": "Processing"},
    {"stage": "delivery", "zh": "交付", "en": "Delivery"},
    {"stage": "follow_up", "zh": "回访", "en": "Follow-up"},
]
#: stage -> (mean satisfaction, mean importance) on 1–7; provider shifts below
JOURNEY_MEANS = {"request": (5.6, 4.6), "acceptance": (5.3, 5.2), "processing": (4.4, 6.3), "delivery": (5.4, 5.6), "follow_up": (5.2, 3.8)}
JOURNEY_SHIFTS = {("Operations Centre", "acceptance"): (-1.1, 0.9)}


def standards_table() -> pd.DataFrame:
    """The IT firm's service standards as written to ``standards.csv``."""
    return pd.DataFrame(STANDARDS, columns=["provider", "category", "priority", "response_hours", "resolution_hours"])


def _target(category: str, priority: str, which: int) -> float:
    chosen = None
    for _provider, cat, pri, *hours in STANDARDS:
        if pri == priority and cat in ("*", category):
            if chosen is None or cat != "*":
                chosen = hours[which]
    return float(chosen)


def simulate_tickets(seed: int, departments=("Software Development", "Sales", "Consulting", "Product", "Marketing")) -> pd.DataFrame:
    """The IT firm's ticket log (one row per ticket, timestamps to the minute)."""
    rng = np.random.default_rng(seed + TICKET_SEED_OFFSET)
    rows = []
    for week in range(WEEKS):
        for provider, (volume, response_rate, resolution_rate) in TICKET_PROFILE.items():
            n = rng.poisson(volume)
            if provider == "IT Support" and week == OUTAGE_WEEK:
                n, resolution_rate = int(n * 1.6), 0.2
            for _ in range(n):
                category = rng.choice(list(CATEGORIES), p=list(CATEGORIES.values()))
                priority = rng.choice(list(PRIORITIES), p=list(PRIORITIES.values()))
                opened = START + np.timedelta64(week * 7 * 24 * 60 + int(rng.integers(0, 5 * 24 * 60)), "m")
                response_target, resolution_target = _target(category, priority, 0), _target(category, priority, 1)
                response_ok = rng.random() < response_rate
                response = response_target * (rng.uniform(0.1, 0.95) if response_ok else rng.uniform(1.1, 3.0))
                resolution_ok = rng.random() < resolution_rate
                resolution = max(response + 0.2, resolution_target * (rng.uniform(0.2, 0.95) if resolution_ok else rng.uniform(1.1, 3.5)))
                reopened = rng.random() < (0.04 if resolution_ok else 0.25)
                contacts = 1 if (resolution_ok and rng.random() < 0.7) else int(rng.integers(2, 5))
                rated = rng.random() < 0.4
                rating = int(np.clip(np.rint(3.0 + 1.2 * resolution_ok + 0.1 * response_ok + rng.normal(0, 0.8)), 1, 5)) if rated else None
                rows.append({"opened": opened, "provider": provider, "department": str(rng.choice(departments)), "category": str(category),
                             "priority": str(priority), "response": response, "resolution": resolution, "reopened": int(reopened),
                             "contacts": contacts, "rating": rating})
    frame = pd.DataFrame(rows).sort_values(["opened", "provider"], kind="stable").reset_index(drop=True)
    minutes = np.timedelta64(1, "m")

    def stamp(values):
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M")

    out = pd.DataFrame({
        "ticket_id": [f"T{i:06d}" for i in range(1, len(frame) + 1)],
        "provider": frame["provider"], "department": frame["department"], "category": frame["category"], "priority": frame["priority"],
        "opened_at": stamp(frame["opened"]),
        "first_response_at": stamp(frame["opened"] + np.rint(frame["response"] * 60).astype(int) * minutes),
        "resolved_at": stamp(frame["opened"] + np.rint(frame["resolution"] * 60).astype(int) * minutes),
        "reopened": frame["reopened"], "contacts": frame["contacts"], "rating": frame["rating"].astype("Int64"),
    })
    return out


def simulate_journey(seed: int, respondents: pd.DataFrame) -> pd.DataFrame:
    """Touchpoint ratings (satisfaction and importance, 1–7) of each respondent at each journey stage (long format)."""
    rng = np.random.default_rng(seed + JOURNEY_SEED_OFFSET)
    rows = []
    for respondent, provider in zip(respondents["respondent_id"], respondents["provider"]):
        mood = rng.normal(0, 0.6)
        for spec in JOURNEY_STAGES:
            satisfaction, importance = JOURNEY_MEANS[spec["stage"]]
            shift = JOURNEY_SHIFTS.get((provider, spec["stage"]), (0.0, 0.0))
            rows.append({"respondent_id": respondent, "provider": provider, "stage": spec["stage"],
                         "satisfaction": int(np.clip(np.rint(satisfaction + shift[0] + mood + rng.normal(0, 1.0)), 1, 7)),
                         "importance": int(np.clip(np.rint(importance + shift[1] + rng.normal(0, 0.9)), 1, 7))})
    return pd.DataFrame(rows)

"""Write a simulated case to ``datasets/<case>/``: data, codebook and README.

Files are written byte-for-byte reproducibly (fixed column order, ``\\n``
line ends, UTF-8, integers only) and atomically (temp file + rename).

Example
-------
>>> import tempfile
>>> from kitlib.casegen import generate_case
>>> folder = generate_case("it_firm", tempfile.mkdtemp())
>>> sorted(p.name for p in folder.iterdir())
['README.md', 'codebook.yaml', 'responses.csv', 'self_assessment.csv', 'standards.csv', 'tickets.csv', 'tickets.yaml']

References
----------
Wilkinson, M. D. et al. (2016). The FAIR guiding principles for scientific data
management and stewardship. *Scientific Data*, 3, 160018.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from kitlib.atomic import write_atomically
from kitlib.casegen import service_logs
from kitlib.casegen.items import DIMENSION_LABELS, SERVQUAL_ITEMS
from kitlib.casegen.simulate import COMMENT_SHARE, CROSS_LOADING, CROSS_MAIN_LOADING, LOADING, PLANTED_SHARE, WEAK_LOADING, simulate_case
from kitlib.casegen.stories import CaseStory
from kitlib.casegen.voices import EXTRA_COMMENT_SHARE, PLANTED_THEME_SHARE, THEMES
from kitlib.data.codebook import SERVQUAL_DIMENSIONS
from kitlib.service.kano import ANSWER_OPTIONS, CATEGORY_NAMES

__all__ = ["build_codebook", "build_readme", "write_case"]


def _group_column(column: str, zh: str, en: str, values: dict) -> dict:
    return {
        "id": column, "kind": "group", "text_zh": zh, "text_en": en,
        "labels": {value: {"zh": spec["zh"], "en": spec["en"]} for value, spec in values.items()},
    }


def build_codebook(story: CaseStory) -> dict:
    """The codebook of a case as a plain mapping (dumped to YAML by :func:`write_case`)."""
    columns = [{"id": "respondent_id", "kind": "id", "text_zh": "受访者编号", "text_en": "Respondent ID"}]
    if story.waves:
        columns.append({"id": "wave", "kind": "wave", "text_zh": "调查期次", "text_en": "Survey wave"})
    columns.append(_group_column("department", "受访者所在部门（内部客户）", "Respondent's department (internal customer)", story.departments))
    columns.append(_group_column("provider", "被评价的服务部门", "Rated service department", story.providers))
    for prefix, kind in (("E", "servqual_E"), ("P", "servqual_P")):
        for spec in SERVQUAL_ITEMS:
            text = spec[prefix]
            columns.append({
                "id": f"{prefix}{spec['item']:02d}", "kind": kind, "dimension": spec["dimension"],
                "item": spec["item"], "scale": {"min": 1, "max": 7}, "reverse": spec["reverse"],
                "text_zh": text["zh"].replace("{provider_zh}", "该部门"),
                "text_en": text["en"].replace("{provider_en}", "This department"),
            })
    for dimension in SERVQUAL_DIMENSIONS:
        label = DIMENSION_LABELS[dimension]
        columns.append({
            "id": f"W_{dimension}", "kind": "importance", "dimension": dimension, "scale": {"min": 0, "max": 100},
            "text_zh": f"重要性分配（共100分）：{label['zh']}", "text_en": f"Importance points (of 100): {label['en']}",
        })
    for number, feature in enumerate(story.features, start=1):
        columns += [
            {"id": f"K{number:02d}_f", "kind": "kano_functional", "feature": feature.id,
             "text_zh": f"如果提供“{feature.zh}”，您觉得如何？", "text_en": f"If '{feature.en}' is provided, how do you feel?"},
            {"id": f"K{number:02d}_d", "kind": "kano_dysfunctional", "feature": feature.id,
             "text_zh": f"如果不提供“{feature.zh}”，您觉得如何？", "text_en": f"If '{feature.en}' is not provided, how do you feel?"},
        ]
    for number, feature in enumerate(story.features, start=1):
        columns.append({
            "id": f"K{number:02d}_imp", "kind": "importance", "feature": feature.id, "scale": {"min": 1, "max": 7},
            "text_zh": f"“{feature.zh}”对您有多重要？", "text_en": f"How important is '{feature.en}' to you?",
        })
    columns += [
        {"id": "nps", "kind": "nps", "scale": {"min": 0, "max": 10},
         "text_zh": "您有多大可能向同事推荐该部门的服务？（0–10）",
         "text_en": "How likely are you to recommend this department's service to a colleague? (0-10)"},
        {"id": "overall", "kind": "overall", "scale": {"min": 1, "max": 7},
         "text_zh": "总体而言，您对该部门的服务满意吗？（1–7）", "text_en": "Overall, how satisfied are you with this department's service? (1-7)"},
        {"id": "comment", "kind": "comment", "required": False, "text_zh": "意见与建议", "text_en": "Comments and suggestions"},
    ]
    return {
        "name": story.name,
        "title": story.title,
        "respondent_id": "respondent_id",
        "rated_unit": "provider",
        "dimensions": DIMENSION_LABELS,
        "features": {f.id: {"zh": f.zh, "en": f.en} for f in story.features},
        "kano_options": ANSWER_OPTIONS,
        "themes": {name: {k: v for k, v in spec.items() if v is not None} for name, spec in THEMES.items()},
        "columns": columns,
    }


def build_readme(story: CaseStory, responses: pd.DataFrame) -> str:
    """Markdown README of a case: story (zh + en), files, planted truths, how to regenerate."""
    small = [d for d, spec in story.departments.items() if spec["size"] < 5]
    gaps = {d: story.perception_means[d] - story.expectation_means[d] for d in SERVQUAL_DIMENSIONS}
    lines = [
        f"# {story.title['en']}", f"# {story.title['zh']}", "",
        "## Story", "", story.story["en"], "", "## 案例故事", "", story.story["zh"], "",
        "## Files", "",
        f"- `responses.csv` — {len(responses)} rows, one per respondent x rated provider "
        f"({responses.shape[1]} columns, UTF-8). Described column by column in `codebook.yaml`.",
        "- `self_assessment.csv` — each provider's staff rating their own service on the 22 perception items (gap-model view).",
        "- `codebook.yaml` — kind, dimension, scale, reverse keying and zh/en text of every column.", "",
        "## Planted truths (what the analyses should recover)", "",
        "- Five SERVQUAL factors (tangibles 1-4, reliability 5-9, responsiveness 10-13, assurance 14-17, "
        f"empathy 18-22), correlated {0.55}, loadings {LOADING} except the **weak item {story.weak_item}** "
        f"(loading {WEAK_LOADING}: low item-total correlation, alpha rises if it is deleted).",
        f"- **Cross-loading item {story.cross_loading[0]}**: loads {CROSS_MAIN_LOADING} on its own dimension and "
        f"{CROSS_LOADING} on {story.cross_loading[1]} (EFA shows the second loading; the 5-factor CFA fits well, not perfectly).",
        "- Item 13 is negatively worded and reverse-keyed (`reverse: true`); `load_survey` recodes it.",
        f"- **Largest gap: {story.largest_gap}** (planted mean gaps before provider effects: "
        + ", ".join(f"{d} {g:+.1f}" for d, g in gaps.items()) + ").",
        "- Provider effects (perception shifts): "
        + "; ".join(f"{p}: " + ", ".join(f"{d} {s:+.2f}" for d, s in spec["effects"].items()) for p, spec in story.providers.items()) + ".",
        f"- Provider self-view is rosier than the receivers' view by {story.self_view_bias} points, "
        f"and by {story.self_view_bias + 0.6:.1f} in {story.largest_gap} (the providers' blind spot).",
        f"- KANO: each feature's planted category is given by {PLANTED_SHARE:.0%} of respondents:",
    ]
    lines += [f"  - {f.id} {f.en} / {f.zh}: **{CATEGORY_NAMES[f.category]['en']} ({f.category})**" for f in story.features]
    lines.append(f"- Department(s) with fewer than 5 respondents, which every report must suppress: **{', '.join(small)}**.")
    if story.waves:
        lines.append(
            f"- Two waves, {story.waves[0]} (before) and {story.waves[-1]} (after the training); perception shifts after: "
            + ", ".join(f"{d} {s:+.2f}" for d, s in story.wave_effects.items()) + "."
        )
    if story.planted_theme:
        provider, theme = story.planted_theme
        lines.append(
            f"- Comments (`comment`, ~{COMMENT_SHARE + EXTRA_COMMENT_SHARE:.0%} of respondents, mostly Chinese, some English) are coded by the "
            f"`themes:` of `codebook.yaml`. **Planted theme: {provider}'s commenters write about {theme} "
            f"({THEMES[theme]['en']} / {THEMES[theme]['zh']})** with probability {PLANTED_THEME_SHARE:.0%}, mostly negatively; "
            "everyone else picks a theme at random, negative when their satisfaction is low. Comment texts come from a separate "
            "seeded generator, so the numbers never depend on them."
        )
    if "tickets" in story.extras:
        lines += [
            "- `tickets.csv` (+ `tickets.yaml`, its ticket codebook, and `standards.csv`, the service standards per provider × "
            "category × priority in hours, `*` = any): a 26-week ticket log. **IT Support meets its response targets (~95 %) "
            "but misses its resolution targets (~60 %)**; the other providers resolve 80–92 % on time, in the order of their survey "
            "satisfaction, so **satisfaction tracks resolution, not response**: a ticket's rating (1–5) is ~1.2 points higher when "
            f"it is resolved on time. **Week {service_logs.OUTAGE_WEEK + 1}** (from the start) is an outage: IT Support's resolution "
            "attainment collapses to ~20 % (a special-cause week on the p-chart).",
        ]
    if "journey" in story.extras:
        stages = " → ".join(f"{s['zh']} ({s['en']})" for s in service_logs.JOURNEY_STAGES)
        lines += [
            f"- `journey.csv` (+ `journey.yaml`, the declared journey): satisfaction and importance (1–7) of each respondent at "
            f"each stage {stages}. **Moment of truth: 处理 (processing)** — most important, least satisfying — for every provider, "
            "and **受理 (acceptance) too for the Operations Centre**.",
        ]
    lines += [
        "- Data-quality cases: ~0.2 % blank item answers, ~1 % straight-liners on the perception items, "
        "~1 % importance allocations that do not add to 100 (flagged in `survey.quality`).", "",
        "## Regenerate", "",
        f"`python -m kitlib.casegen datasets` rewrites all cases byte for byte (seed {story.seed}); "
        "a test checks that regeneration reproduces the committed files exactly.", "",
    ]
    return "\n".join(lines)


def write_case(story: CaseStory, out_dir) -> Path:
    """Simulate ``story`` and write its four files into ``out_dir/<case>/``; return that folder."""
    folder = Path(out_dir) / story.name
    responses, staff = simulate_case(story)
    write_atomically(folder / "responses.csv", responses.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    write_atomically(folder / "self_assessment.csv", staff.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    codebook = yaml.safe_dump(build_codebook(story), allow_unicode=True, sort_keys=False, width=120)
    write_atomically(folder / "codebook.yaml", codebook.encode("utf-8"))
    if "tickets" in story.extras:
        tickets = service_logs.simulate_tickets(story.seed, [d for d, spec in story.departments.items() if spec["size"] >= 5])
        write_atomically(folder / "tickets.csv", tickets.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        write_atomically(folder / "standards.csv", service_logs.standards_table().to_csv(index=False, lineterminator="\n").encode("utf-8"))
        ticket_book = yaml.safe_dump(service_logs.TICKET_CODEBOOK, allow_unicode=True, sort_keys=False, width=120)
        write_atomically(folder / "tickets.yaml", ticket_book.encode("utf-8"))
    if "journey" in story.extras:
        journey = service_logs.simulate_journey(story.seed, responses[["respondent_id", "provider"]])
        write_atomically(folder / "journey.csv", journey.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        declared = {"stages": service_logs.JOURNEY_STAGES, "scale": [1, 7]}
        write_atomically(folder / "journey.yaml", yaml.safe_dump(declared, allow_unicode=True, sort_keys=False, width=120).encode("utf-8"))
    write_atomically(folder / "README.md", build_readme(story, responses).encode("utf-8"))
    return folder

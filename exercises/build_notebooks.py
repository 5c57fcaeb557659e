"""Write the exercise notebooks (templates) and their solutions from one source.

Every exercise is a list of cells; a TODO cell has a template text (answers
``None`` / ``...``) and a solution text.  Running this script rewrites
``exercises/NN_*.ipynb`` and ``exercises/solutions/NN_*.ipynb`` so the two
never drift apart; ``tests/test_exercises.py`` checks the files are current.

Run: ``.venv/bin/python exercises/build_notebooks.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

LANG_LINE = 'lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English'


def md(text):
    return ("md", text.strip())


def code(text, tags=()):
    return ("code", text.strip(), tuple(tags))


def todo(template, solution):
    return ("todo", template.strip(), solution.strip())


def params(*lines):
    return code("\n".join((LANG_LINE,) + lines), tags=("parameters",))


def check(text):
    return code(text, tags=("check",))


INTRO = """
**怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
"""

EXERCISES = {}

EXERCISES["01_codebook_cleaning"] = [
    md("""
# 练习 1：读懂编码手册，清理数据 / Exercise 1: read the codebook, clean the data

**中文**：调查数据旁边总有一本编码手册（codebook）：每一列测量什么、量表范围、是否反向计分、属于哪个维度。本练习直接用 pandas 读原始 CSV，按编码手册找出反向题、完成反向计分，并找出因人数太少而必须隐藏的部门。

**English**: every survey file comes with a codebook saying what each column measures, its scale, whether it is reverse-keyed and which dimension it belongs to. Here you read the raw CSV with pandas, use the codebook to find and recode the reverse-keyed items, and list the departments too small to report.
""" + INTRO),
    params('case = "it_firm"', "min_group_size = 5  # 少于此人数的部门要隐藏 / smaller groups are suppressed"),
    code("""
import dataclasses

import pandas as pd

import kitlib as kl
from kitlib.cases import case_dir
from kitlib.exercises import check_cleaning

folder = case_dir(case)
raw = pd.read_csv(folder / "responses.csv")          # 原始数据，未处理 / raw answers, untouched
book = kl.load_codebook(folder / "codebook.yaml")    # 编码手册 / the codebook
survey = kl.load_case(case)                          # kitlib 读入并校验后的数据 / validated by kitlib
columns = pd.DataFrame([dataclasses.asdict(c) for c in book.columns.values()])
columns[["id", "kind", "dimension", "scale_min", "scale_max", "reverse", "text_zh", "text_en"]].head(30)
"""),
    md("""
## 任务 / Tasks
1. `reverse_items`：编码手册中所有反向计分（`reverse` 为 True）的列。/ All columns the codebook marks `reverse: true`.
2. `recoded`：把反向题的**感知**列（P）反向计分后的整列数值（新值 = 最小值 + 最大值 − 原值）。/ The recoded **perception** (P) reverse-keyed column (new = min + max − old), one value per row.
3. `small_departments`：受访人数少于 `min_group_size` 的部门名单（数不同的 `respondent_id`）。/ Departments with fewer than `min_group_size` distinct respondents.
"""),
    todo(
        """
# TODO 1–3
reverse_items = ...
recoded = ...
small_departments = ...
answer = {"reverse_items": reverse_items, "recoded": recoded, "small_departments": small_departments}
""",
        """
reverse_items = [c.id for c in book.columns.values() if c.reverse]
perception = next(c for c in reverse_items if book.columns[c].kind == "servqual_P")
column = book.columns[perception]
recoded = column.scale_min + column.scale_max - raw[perception]
people = raw.groupby("department")["respondent_id"].nunique()
small_departments = sorted(people[people < min_group_size].index)
answer = {"reverse_items": reverse_items, "recoded": recoded, "small_departments": small_departments}
answer["small_departments"], people
""",
    ),
    check("check_cleaning(answer, survey, lang=lang, min_group_size=min_group_size)"),
    md("""
**想一想 / Think**: `kl.load_case` 已经替你做了反向计分，并在 `survey.quality` 里记录了每一处处理。/ `kl.load_case` already recodes and logs every action in `survey.quality`.
"""),
    code('survey.quality["action"].value_counts()'),
]

EXERCISES["02_servqual_gap"] = [
    md("""
# 练习 2：先手算 SERVQUAL 差距，再用 kitlib / Exercise 2: SERVQUAL gaps by hand, then with kitlib

**中文**：差距 = 感知 P − 期望 E。负数表示服务没有达到内部客户的期望。先用 pandas 手算某个服务部门五个维度的差距，再用 `kl.servqual_gaps` 得到同样的结果（外加置信区间、t 检验和效应量 d_z）。

**English**: gap = perception P − expectation E; negative means the service falls short of what internal customers expect. Compute one provider's five dimension gaps with pandas, then get the same (plus confidence intervals, t-tests and the effect size d_z) from `kl.servqual_gaps`.
""" + INTRO),
    params('case = "it_firm"', 'provider = "IT Support"', "min_group_size = 5"),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_gap
from kitlib.widgets import gap_explorer

survey = kl.load_case(case)
book = survey.codebook
data = survey.filter(provider=provider).data
pd.DataFrame(book.servqual_pairs(), columns=["dimension", "E item", "P item"]).head(8)
"""),
    md("""
## 任务 1 / Task 1
对每个维度：每道题算 P 的平均分和 E 的平均分，题目差距 = P 平均 − E 平均；维度差距 = 该维度各题差距的平均。结果写成字典 `{维度: 差距}`。
For each dimension: per item, mean P minus mean E; the dimension gap is the mean of its item gaps. Give a dict `{dimension: gap}`.
"""),
    todo(
        """
# TODO 1
answer = None
""",
        """
item_gaps = {}
for dimension, e_item, p_item in book.servqual_pairs():
    item_gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
answer = {dimension: sum(values) / len(values) for dimension, values in item_gaps.items()}
answer
""",
    ),
    check("check_gap(answer, survey, provider=provider, lang=lang)"),
    md("""
## 任务 2 / Task 2
用 `kl.servqual_gaps` 计算同一个服务部门的差距，取出 `dimensions` 表里的 `gap` 列（以维度为索引），再检查一次。两种算法可能在第三位小数上略有不同：kitlib 先算每位受访者的维度分（缺答时用已答题的平均）。
Use `kl.servqual_gaps` on the same provider, take the `gap` column of the `dimensions` table (indexed by dimension) and check again. The two may differ in the third decimal: kitlib first scores each respondent (averaging the answered items).
"""),
    todo(
        """
# TODO 2
result = kl.servqual_gaps(survey.filter(provider=provider))
kitlib_gaps = ...
""",
        """
result = kl.servqual_gaps(survey.filter(provider=provider))
kitlib_gaps = result.dimensions.set_index("dimension")["gap"]
result
""",
    ),
    check("check_gap(kitlib_gaps, survey, provider=provider, lang=lang)"),
    code("kl.plot.gap_bars(result, lang=lang);"),
    md("""
## 差距浏览器 / Gap explorer
选择案例、服务部门和维度，看各业务部门感受到的差距。人数少于 `min_group_size` 的部门（以及能据此反推出它的部门）会被隐藏。
Pick a case, provider and dimension to see the gap felt by each department. Departments below `min_group_size` (and any that would reveal them) are hidden.
"""),
    code("gap_explorer(lang=lang, case=case, provider=provider, min_group_size=min_group_size)"),
]

EXERCISES["03_reliability"] = [
    md("""
# 练习 3：信度——找出“弱题” / Exercise 3: reliability — spot the weak item

**中文**：Cronbach's α 衡量同一维度的题目是否测的是同一件事。α = k/(k−1)·(1 − 各题方差之和 / 总分方差)。“弱题”与同维度其他题关联弱：校正题总相关（r_drop）最低，删掉它 α 反而上升。

**English**: Cronbach's alpha shows whether a dimension's items measure one thing: alpha = k/(k−1)·(1 − sum of item variances / variance of the total). A weak item hangs together poorly with its scale: lowest corrected item-total correlation (r_drop); deleting it raises alpha.
""" + INTRO),
    params('case = "manufacturer"'),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_reliability

survey = kl.load_case(case)
model = survey.codebook.servqual_model("P")
data = survey.data
model
"""),
    md("""
## 任务 / Tasks
1. `alpha`：五个感知（P）维度各自的 α，字典 `{维度: α}`（只用完整作答的行）。/ Alpha of each of the five perception scales, a dict `{dimension: alpha}` (complete rows).
2. `weak_item`：r_drop 最低的那道 P 题（如 `"P07"`）。提示：`kl.item_analysis(data, items)`。/ The P item with the lowest r_drop (e.g. `"P07"`). Hint: `kl.item_analysis(data, items)`.
"""),
    todo(
        """
# TODO
alpha = ...
weak_item = ...
answer = {"alpha": alpha, "weak_item": weak_item}
""",
        """
def cronbach_alpha(items):
    complete = items.dropna()
    k = complete.shape[1]
    return k / (k - 1) * (1 - complete.var().sum() / complete.sum(axis=1).var())


alpha = {dimension: cronbach_alpha(data[items]) for dimension, items in model.items()}
items_table = pd.concat([kl.item_analysis(data, items) for items in model.values()])
weak_item = items_table["r_drop"].idxmin()
answer = {"alpha": alpha, "weak_item": weak_item}
items_table.sort_values("r_drop").head()
""",
    ),
    check("check_reliability(answer, survey, lang=lang)"),
    md("**用 kitlib 对照 / Compare with kitlib** (`alpha`, Feldt CI, `omega_total`):"),
    code("kl.reliability(data, model)"),
]

EXERCISES["04_efa_cfa"] = [
    md("""
# 练习 4：解读 EFA 与 CFA / Exercise 4: interpret EFA and CFA

**中文**：SERVQUAL 假定 22 道感知题属于 5 个维度。平行分析告诉我们数据支持几个因子；探索性因子分析（EFA）的载荷显示每道题归属哪个因子；验证性因子分析（CFA）检验五维模型的拟合（CFI ≥ 0.90、RMSEA ≤ 0.08 为可接受）。

**English**: SERVQUAL assumes the 22 perception items form 5 dimensions. Parallel analysis says how many factors the data support; EFA loadings show where each item belongs; CFA tests the five-dimension model (acceptable: CFI ≥ 0.90 and RMSEA ≤ 0.08).
""" + INTRO),
    params('case = "it_firm"'),
    code("""
import kitlib as kl
from kitlib.exercises import check_factor_analysis

survey = kl.load_case(case)
items = survey.servqual("P").dropna()
model = survey.codebook.servqual_model("P")
pa = kl.parallel_analysis(items)
kl.plot.scree(pa, lang=lang);
pa
"""),
    code("""
loadings = kl.efa(items, pa.n_factors).loadings
loadings.round(2).style.background_gradient(cmap="Blues", vmin=0, vmax=1)
"""),
    code("""
fitted = kl.cfa(items, model)
fitted.fit.round(3)
"""),
    md("""
## 任务 / Tasks
1. `n_factors`：平行分析建议的因子数。/ The number of factors parallel analysis suggests.
2. `weakest_item`：在任何因子上载荷都很低的题（每题取绝对值最大的载荷，找最小的）。/ The item with no clear home (smallest largest-|loading|).
3. `fit_acceptable`：CFA 是否同时满足 CFI ≥ 0.90 和 RMSEA ≤ 0.08（True / False）。/ Whether the CFA meets both CFI ≥ 0.90 and RMSEA ≤ 0.08.
"""),
    todo(
        """
# TODO
n_factors = ...
weakest_item = ...
fit_acceptable = ...
answer = {"n_factors": n_factors, "weakest_item": weakest_item, "fit_acceptable": fit_acceptable}
""",
        """
n_factors = pa.n_factors
weakest_item = loadings.abs().max(axis=1).idxmin()
fit_acceptable = bool(fitted.fit["cfi"] >= 0.90 and fitted.fit["rmsea"] <= 0.08)
answer = {"n_factors": n_factors, "weakest_item": weakest_item, "fit_acceptable": fit_acceptable}
answer
""",
    ),
    check("check_factor_analysis(answer, survey, lang=lang)"),
]

EXERCISES["05_kano_by_hand"] = [
    md("""
# 练习 5：用评价表手工做 KANO 分类 / Exercise 5: KANO classification by hand

**中文**：每位受访者对一个功能回答两个问题：**具备**该功能时感觉如何（正向问题），**不具备**时感觉如何（反向问题）。选项：1 我喜欢，2 理应如此，3 无所谓，4 能忍受，5 我不喜欢。查下表（行 = 具备时，列 = 不具备时）得到类别。

**English**: each respondent answers two questions per feature: how they feel if it is **present** (functional) and if it is **absent** (dysfunctional). Options: 1 like, 2 expect, 3 neutral, 4 live with, 5 dislike. Look the pair up (rows = functional, columns = dysfunctional).

| 具备时 \\ 不具备时 / functional \\ dysfunctional | 1 喜欢 like | 2 理应如此 expect | 3 无所谓 neutral | 4 能忍受 live with | 5 不喜欢 dislike |
|---|---|---|---|---|---|
| 1 喜欢 like | Q | A | A | A | O |
| 2 理应如此 expect | R | I | I | I | M |
| 3 无所谓 neutral | R | I | I | I | M |
| 4 能忍受 live with | R | I | I | I | M |
| 5 不喜欢 dislike | R | R | R | R | Q |

A 魅力型 attractive · O 期望型 one-dimensional · M 必备型 must-be · I 无差异 indifferent · R 反向 reverse · Q 可疑 questionable
""" + INTRO),
    params('case = "it_firm"', 'feature = "F03"', "n_pairs = 12"),
    code("""
import kitlib as kl
from kitlib.exercises import check_kano
from kitlib.widgets import kano_classifier

survey = kl.load_case(case)
functional, dysfunctional = survey.codebook.kano_pairs()[feature]
pairs = survey.data[[functional, dysfunctional]].dropna().astype(int).head(n_pairs)
print(survey.codebook.label(feature, lang))
pairs
"""),
    md("""
## 任务 / Task
按顺序给出这 `n_pairs` 组回答的类别，例如 `["M", "O", ...]`。/ Give the category of each answer pair in order, e.g. `["M", "O", ...]`.
"""),
    todo(
        """
# TODO
categories = ...
""",
        """
table = {1: "QAAAO", 2: "RIIIM", 3: "RIIIM", 4: "RIIIM", 5: "RRRRQ"}  # row = functional, column = dysfunctional
categories = [table[f][d - 1] for f, d in pairs.itertuples(index=False)]
categories
""",
    ),
    check("check_kano(categories, pairs, lang=lang)"),
    md("""
## KANO 分类器 / KANO classifier
选两个回答，看类别和原因。/ Pick the two answers and see the category and why.
"""),
    code("kano_classifier(lang=lang)"),
]

EXERCISES["06_better_worse"] = [
    md("""
# 练习 6：Better/Worse 系数——先改进什么？/ Exercise 6: Better/Worse — what to improve first?

**中文**：对每个功能数出 A、O、M、I 的人数。Better = (A + O)/(A + O + M + I)：做好后满意度能提升多少；Worse = −(O + M)/(A + O + M + I)：做不好时满意度下降多少（负数）。先改进 |Worse| 最大的功能：先消除不满，再创造惊喜。

**English**: count A, O, M, I per feature. Better = (A + O)/(A + O + M + I): how much satisfaction rises when it is provided; Worse = −(O + M)/(A + O + M + I): how much it falls when it is not (negative). Improve the feature with the largest |Worse| first: remove dissatisfaction before adding delight.
""" + INTRO),
    params('case = "manufacturer"'),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_better_worse

survey = kl.load_case(case)
book = survey.codebook
pd.Series({feature: book.label(feature, lang) for feature in book.kano_pairs()})
"""),
    md("""
## 任务 / Tasks
用 `kl.kano_classify` 给每人每个功能分类，数 A、O、M、I、R、Q，然后算 `better`、`worse`（字典或 Series，以功能编号为键）和 `improve_first`（功能编号）。
Classify every respondent and feature with `kl.kano_classify`, count A, O, M, I, R, Q, then compute `better`, `worse` (dict or Series keyed by feature id) and `improve_first` (a feature id).
"""),
    todo(
        """
# TODO
better = ...
worse = ...
improve_first = ...
answer = {"better": better, "worse": worse, "improve_first": improve_first}
""",
        """
counts = {}
for feature, (functional, dysfunctional) in book.kano_pairs().items():
    both = survey.data[[functional, dysfunctional]].dropna()
    counts[feature] = pd.Series(kl.kano_classify(both[functional], both[dysfunctional])).value_counts()
counts = pd.DataFrame(counts).T.reindex(columns=list("AOMIRQ")).fillna(0)
total = counts[["A", "O", "M", "I"]].sum(axis=1)
better = (counts["A"] + counts["O"]) / total
worse = -(counts["O"] + counts["M"]) / total
improve_first = worse.idxmin()
answer = {"better": better, "worse": worse, "improve_first": improve_first}
pd.DataFrame({"better": better, "worse": worse}).round(3)
""",
    ),
    check("check_better_worse(answer, survey, lang=lang)"),
    md("**用 kitlib 对照 / Compare with kitlib**:"),
    code("""
kano = kl.kano_table(survey)
kl.plot.kano_map(kano, lang=lang);
kano[["feature", f"label_{lang}", "category", "better", "worse", "fong_significant"]]
"""),
]

EXERCISES["07_nps_csi"] = [
    md("""
# 练习 7：NPS 与 CSI / Exercise 7: NPS and CSI

**中文**：NPS（净推荐值）= 推荐者（9–10 分）百分比 − 贬损者（0–6 分）百分比；7–8 分是被动者，两边都不算。CSI（满意度指数）把各维度感知平均分换算为 0–100：(平均 − 1)/(7 − 1) × 100，再按受访者分配的重要性加权。

**English**: NPS = % promoters (9–10) − % detractors (0–6); 7–8 are passives and count for neither. CSI rescales each dimension's perception mean to 0–100, (mean − 1)/(7 − 1) × 100, and weights it by the importance respondents allocated.
""" + INTRO),
    params('case = "bank"', 'provider = "Operations Centre"'),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_csi, check_nps

survey = kl.load_case(case)
mine = survey.filter(provider=provider)
scores = mine.data["nps"].dropna()
scores.value_counts().sort_index()
"""),
    md("## 任务 1：NPS / Task 1: NPS (−100 … 100)"),
    todo(
        """
# TODO 1
nps = None
""",
        """
nps = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
nps, kl.nps(scores)
""",
    ),
    check("check_nps(nps, scores, lang=lang)"),
    md("""
## 任务 2：CSI / Task 2: CSI (0–100)
1. 每位受访者每个维度的感知分 = 该维度已答 P 题的平均；只保留五个维度都有分的人。/ Each respondent's dimension score = mean of the answered P items; keep respondents with all five.
2. 权重：每人的 `W_<维度>` 点数除以本人总点数，再对所有人取平均。/ Weights: each respondent's `W_<dimension>` points divided by their total, averaged over respondents.
3. CSI = Σ 权重 × (维度平均 − 1)/6 × 100。/ CSI = Σ weight × (dimension mean − 1)/6 × 100.
"""),
    todo(
        """
# TODO 2
csi = None
""",
        """
model = survey.codebook.servqual_model("P")
dimension_scores = pd.DataFrame({d: mine.data[items].mean(axis=1) for d, items in model.items()}).dropna()
points = mine.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
weights = points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
weights = weights / weights.sum()
csi = sum(weights[d] * 100 * (dimension_scores[d].mean() - 1) / 6 for d in model)
csi, kl.csi(mine)
""",
    ),
    check("check_csi(csi, mine, lang=lang)"),
]

EXERCISES["08_ipa"] = [
    md("""
# 练习 8：重要性–表现分析（IPA）/ Exercise 8: importance–performance analysis

**中文**：横轴表现（感知平均分），纵轴重要性（100 点分配的平均比例）。以各维度的平均值为十字线分成四个象限：继续保持（重要、表现好）、重点改进（重要、表现差）、低优先级（不重要、表现差）、可能过度投入（不重要、表现好）。

**English**: performance (mean perception) across, importance (mean share of the 100-point allocation) up. Crosshairs at the means of the dimensions give four quadrants: keep up the good work (important, good), concentrate here (important, poor), low priority (less important, poor), possible overkill (less important, good).
""" + INTRO),
    params('case = "it_firm"'),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_ipa
from kitlib.widgets import ipa_what_if

survey = kl.load_case(case)
model = survey.codebook.servqual_model("P")
"""),
    md("""
## 任务 / Tasks
1. `quadrants`：每个维度的象限，字典 `{维度: "keep_up" | "concentrate" | "low_priority" | "overkill"}`（中文或英文名称也可以）。等于分界值算“高”。/ Each dimension's quadrant (ties count as high).
2. `priority`：应优先改进的维度列表。/ The list of dimensions to improve first.
"""),
    todo(
        """
# TODO
quadrants = ...
priority = ...
answer = {"quadrants": quadrants, "priority": priority}
""",
        """
performance = pd.Series({d: survey.data[items].mean(axis=1).mean() for d, items in model.items()})
points = survey.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
importance = 100 * points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
importance_cut, performance_cut = importance.mean(), performance.mean()


def quadrant(importance_value, performance_value):
    if importance_value >= importance_cut:
        return "keep_up" if performance_value >= performance_cut else "concentrate"
    return "overkill" if performance_value >= performance_cut else "low_priority"


quadrants = {d: quadrant(importance[d], performance[d]) for d in model}
priority = [d for d, q in quadrants.items() if q == "concentrate"]
answer = {"quadrants": quadrants, "priority": priority}
pd.DataFrame({"importance": importance, "performance": performance, "quadrant": pd.Series(quadrants)})
""",
    ),
    check("check_ipa(answer, survey, lang=lang)"),
    md("**kitlib 的 IPA 图 / kitlib's IPA grid**:"),
    code("kl.plot.ipa_grid(kl.ipa(survey), lang=lang);"),
    md("""
## 假如……/ What if …
选一个维度，拖动重要性或表现，看它落到哪个象限（十字线是各维度的平均值，也会随之移动）。
Choose a dimension and drag its importance or performance to see its quadrant (the crosshairs are the means, so they move too).
"""),
    code("ipa_what_if(survey, lang=lang)"),
]

EXERCISES["09_service_standard_pdca"] = [
    md("""
# 练习 9：根据结果设计服务标准，走完 PDCA / Exercise 9: design a service standard and close the PDCA loop

**中文**：银行案例有两轮调查：2025Q4（培训前）和 2026Q2（培训后）。计划（Plan）阶段：用培训前的数据找出某服务部门差距最大的维度，写出服务标准的基线和目标；执行（Do）；检查（Check）：第二轮调查后看差距变化；处理（Act）：有效则固化，无效则调整。

**English**: the bank case has two waves: 2025Q4 (before training) and 2026Q2 (after). Plan: from the before-wave find the provider's dimension with the largest shortfall and state baseline and target; Do; Check: after the second wave measure the change in the gap; Act: make it permanent or adjust.
""" + INTRO),
    params('case = "bank"', 'provider = "Operations Centre"'),
    code("""
import pandas as pd

import kitlib as kl
from kitlib.exercises import ACTIVITIES, check_service_standard

survey = kl.load_case(case)
book = survey.codebook
wave = survey.wave_column()
before, after = sorted(survey.data[wave].dropna().unique())
mine = survey.filter(provider=provider)
pd.DataFrame(ACTIVITIES).T
"""),
    md("""
## 任务 / Tasks
1. `focus_dimension`：培训前（before）这一轮中该部门差距（P − E，各题差距的平均）最负的维度。/ The dimension with the most negative gap in the before-wave.
2. `baseline`：该维度 P 题平均分（培训前）。/ That dimension's mean P (before).
3. `target`：你的目标值（高于基线，不超过 7）。/ Your target (above the baseline, at most 7).
4. `pdca_order`：把上表四个活动（`standard`, `training`, `resurvey`, `adopt`）按 PDCA 顺序排列。/ Order the four activities as Plan, Do, Check, Act.
5. `gap_change`：该维度差距的变化 = 培训后差距 − 培训前差距。/ Change in that gap = after − before.
"""),
    todo(
        """
# TODO
focus_dimension = ...
baseline = ...
target = ...
pdca_order = ...
gap_change = ...
answer = {"focus_dimension": focus_dimension, "baseline": baseline, "target": target,
          "pdca_order": pdca_order, "gap_change": gap_change}
""",
        """
def dimension_gaps(data):
    gaps = {}
    for dimension, e_item, p_item in book.servqual_pairs():
        gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
    return pd.Series({d: sum(v) / len(v) for d, v in gaps.items()})


first = mine.filter(**{wave: before}).data
second = mine.filter(**{wave: after}).data
gaps_before, gaps_after = dimension_gaps(first), dimension_gaps(second)
focus_dimension = gaps_before.idxmin()
baseline = first[book.servqual_model("P")[focus_dimension]].mean().mean()
target = min(round(baseline + 0.5, 1), 7.0)
pdca_order = ["standard", "training", "resurvey", "adopt"]
gap_change = gaps_after[focus_dimension] - gaps_before[focus_dimension]
answer = {"focus_dimension": focus_dimension, "baseline": baseline, "target": target,
          "pdca_order": pdca_order, "gap_change": gap_change}
pd.DataFrame({before: gaps_before, after: gaps_after}).round(2)
""",
    ),
    check("check_service_standard(answer, survey, provider=provider, lang=lang)"),
]


def notebook(cells, solution: bool):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        elif cell[0] == "code":
            new = nbformat.v4.new_code_cell(cell[1])
            if cell[2]:
                new.metadata["tags"] = list(cell[2])
            nb.cells.append(new)
        else:
            new = nbformat.v4.new_code_cell(cell[2] if solution else cell[1])
            new.metadata["tags"] = ["solution" if solution else "todo"]
            nb.cells.append(new)
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number:02d}"
    return nb


def render(name: str, solution: bool) -> str:
    return nbformat.writes(notebook(EXERCISES[name], solution)) + "\n"


def targets() -> dict[Path, str]:
    files = {}
    for name in EXERCISES:
        files[HERE / f"{name}.ipynb"] = render(name, solution=False)
        files[HERE / "solutions" / f"{name}.ipynb"] = render(name, solution=True)
    return files


def main(argv: list[str]) -> int:
    stale = []
    for path, text in targets().items():
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"out of date: {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Scenario discovery: under which assumptions does one arrangement *not* beat another?

``cogov discover`` treats a set of the model's assumptions as deeply uncertain, samples them with a
Latin hypercube, runs every sampled scenario on both arrangements (by default ``co_governance`` and
``administrative_only``) with the same sampled values and the same seeds, and asks PRIM (patient
rule induction, Friedman and Fisher 1999, as used for scenario discovery by Bryant and Lempert 2010)
for the region of the assumption space where the policy fails to do better — with CART as a
cross-check.

- **Uncertainties.** Numeric levers whose source is marked ``assumption`` and states a range, that
  both arrangements leave at the same value (a lever the arrangements set differently is the policy
  difference itself, not an uncertainty about the world). The default set (`DEFAULT_UNCERTAIN`) is
  the capacity, skill, fit, growth, load and feedback assumptions the comparison turns on; each is
  varied over its plausible range (``plausible`` in the schema; `experiments.factors.assumption_range`).
  ``--uncertain NAME[=LOW:HIGH]`` adds a lever or changes a range; ``--only`` drops the defaults.
- **Sampling.** A Latin hypercube of ``n`` scenarios (``scipy.stats.qmc.LatinHypercube`` seeded by
  the master seed), mapped linearly to each range (integers rounded).
- **Runs.** Every scenario is two design points (``sNNNN:POLICY`` and ``sNNNN:VERSUS``) run through
  the batch engine into the store: resumable, exactly one row per run, local workers or Dask.
  Replicate r of a scenario uses the same seed on both arrangements (common random numbers, so the
  difference is the arrangements', not the random streams'); different scenarios get different
  seeds, so a finding does not rest on one random stream.
- **Outcome.** Per scenario, the replicate means of ``resolution_rate`` and ``satisfaction_rate``
  (the share of parties satisfied, as a 回访 survey counts it)
  and the differences POLICY − VERSUS. A *case of interest* is a scenario where the policy does not
  beat the reference on resolution or on satisfaction (a difference ≤ 0). The two halves of the
  condition are analysed on their own as well.
- **PRIM.** ``ema_workbench.analysis.prim.Prim`` peels the sampled inputs toward the cases of
  interest. The box reported is, on the peeling trajectory, the one with the highest coverage whose
  density reaches the threshold (ties: the denser, then fewer restricted levers); if none reaches
  it, the densest box is shown and marked as not reaching it. Quasi-p-values (one-sided binomial test of each
  restriction, Bryant and Lempert 2010) say whether a restriction is more than chance. A second box
  is sought among the cases the first leaves out.
- **CART.** A classification tree (``ema_workbench.analysis.cart.CART``, scikit-learn underneath,
  seeded) on the same data; its leaves where cases of interest are the majority are the cross-check.
- **Outputs.** ``results/<experiment>/discovery.md``, ``scenarios.csv`` (one row per scenario: the
  sampled values, both arrangements' outcomes, the differences and their replicate standard errors,
  the flags), ``outcomes.png`` and per analysed condition ``prim_tradeoff_*.png``, ``prim_box_*.png``,
  ``prim_scatter_*.png`` and ``cart_tree_*.png``.
"""

from __future__ import annotations

import difflib
import math
import warnings
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from ..model.levers import lever_index
from ..model.scenario import ScenarioError, load_scenario
from .batch import PointsDesign
from .documents import reproduce, write_documents
from .factors import Factor, assumption_range, latin_hypercube, make_factor, parse_range_spec
from .runs import derive_seed
from .store import code_version, done_keys, load_runs, now

# The default uncertainties: assumptions both presets share that the comparison turns on. Each is
# varied over its plausible range (`cogov levers` shows it; docs/levers.md lists it).
DEFAULT_UNCERTAIN = (
    "offices.capacity_per_day",  # what offices can take: the reference's only capacity
    "offices.skill",  # how well offices settle what they take
    "offices.silo_penalty",  # 推诿: wrong office, transfer, delay
    "grid.skill",  # on-the-spot mediation by grid workers
    "social_orgs.skill",  # professional mediators' skill
    "social_orgs.cases_per_staff_day",  # professional mediators' capacity
    "volunteers.skill",  # volunteer mediators' skill
    "routing.routing_accuracy",  # how often triage picks the best-fitting handler
    "fit.mediation.neighbor",  # handler–dispute fit for the commonest category …
    "fit.office.neighbor",  # … for mediation and for offices
    "disputes.rigid_soft_factor",  # soft handlers on cases that need rigid power
    "disputes.incidence_per_year",  # load
    "categories.neighbor.growth_per_day",  # how fast the commonest category grows unattended
    "feedback.trust_rate",  # how much one experience moves trust
    "feedback.satisfaction_rate",  # how much one experience moves satisfaction
    # how the arrangements fail (DESIGN §7): each can cost either side
    "offices.pressure_reach",  # paper closures under assessment pressure, by any handler
    "social_orgs.deference",  # captured organisations defer to offices (二政府)
    "routing.joint_coordination",  # what joint handling loses to coordination
    "routing.handoff_delay_days",  # a hand-off between kinds of handler: delay …
    "disputes.handoff_jump",  # … and intensity
    "routing.rehandle_delay_days",  # re-handling (重办) at the same handler
    "routing.max_attempts",  # attempts a case gets on every ladder
    "volunteers.load_dropout",  # volunteer fatigue under load (倦怠)
    "volunteers.max_share",  # where the volunteer pool saturates
    "grid.devolved_burden",  # grid workers' time taken by devolved programmes (不堪重负)
    "feedback.record_weight",  # how far legitimacy follows a handler's record
    "population.migrant_access",  # migrants' access to services
    "self_governance.quorum",  # forums below quorum go through the motions
    # prices: under a matched budget they decide what the money buys
    "offices.staff_cost_per_year",
    "social_orgs.staff_cost_per_year",
    "volunteers.coordination_cost_per_year",
)
OUTCOMES = {"resolution": "resolution_rate", "satisfaction": "satisfaction_rate"}
TARGETS = {
    "any": "does not beat the reference on resolution or on satisfaction",
    "resolution": "does not beat the reference on resolution",
    "satisfaction": "does not beat the reference on satisfaction",
}
MIN_CASES = 3  # PRIM and CART are run on a condition with at least this many cases (and some non-cases)


# --------------------------------------------------------------------------- uncertainties


def _get(tree: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        tree = tree[part]
    return tree


def _tidy(x: float) -> float:
    """A range end read from a source, without binary noise (0.7999999999999999 → 0.8)."""
    return float(f"{x:.10g}")


def resolve_uncertain(
    specs: list[str], policy: str, versus: str, fixed: dict[str, Any], only: bool = False, origin: str = "--uncertain"
) -> tuple[list[Factor], list[str]]:
    """The levers to sample: the defaults (unless ``only``) with ``specs`` added or their ranges changed.

    Every mistake is a `ScenarioError` naming the option, the lever, the value and what is allowed."""
    index = lever_index()
    pairs: dict[str, tuple[float, float] | None] = {} if only else {n: None for n in DEFAULT_UNCERTAIN}
    given: set[str] = set()
    for spec in specs:
        name, rng = parse_range_spec(spec, origin)
        if name in given:
            raise ScenarioError(f"{origin}: `{name}` is named twice")
        given.add(name)
        lv = index.get(name)
        if lv is None:
            close = difflib.get_close_matches(name, list(index), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise ScenarioError(f"{origin}: `{name}` is not a lever{hint} (`cogov levers` lists them all)")
        if lv.kind not in ("int", "float"):
            raise ScenarioError(
                f"{origin}: `{name}` is a {lv.kind} lever ({lv.allowed}); discovery samples numeric "
                "levers only (int or float) — fix it with --set instead"
            )
        pairs[name] = rng
    if not pairs:
        raise ScenarioError(f"{origin}: nothing to sample; name at least one lever (allowed: any int or float lever)")
    a = load_scenario(policy, fixed).resolved()
    b = load_scenario(versus, fixed).resolved()
    factors, notes = [], []
    for name, rng in pairs.items():
        if name in fixed:
            if name in given:
                raise ScenarioError(f"{origin}: `{name}` is also fixed by --set; sample it or fix it, not both")
            notes.append(f"`{name}` not sampled: fixed by --set")
            continue
        if _get(a, name) != _get(b, name):
            raise ScenarioError(
                f"{origin}: `{name}` is set differently by {policy} ({_get(a, name)}) and {versus} "
                f"({_get(b, name)}): it is part of the policy difference, not an uncertainty; "
                "allowed: levers both arrangements share"
            )
        f = make_factor(name, rng, origin)
        if rng is None:
            f = Factor(f.name, f.kind, _tidy(f.low), _tidy(f.high))
        factors.append(f)
    if not factors:
        raise ScenarioError(f"{origin}: every lever is fixed by --set; nothing is left to sample")
    return factors, notes


def source_range_note(f: Factor) -> str:
    """Where a factor's range comes from: the lever's source, or the command line."""
    lv = lever_index()[f.name]
    rng = assumption_range(lv)
    if rng is not None and math.isclose(rng[0], f.low, abs_tol=1e-9) and math.isclose(rng[1], f.high, abs_tol=1e-9):
        return f"source: {lv.source}"
    return f"given on the command line (the source says: {lv.source})"


# --------------------------------------------------------------------------- the experiment


class PairedDesign(PointsDesign):
    """Design points ``sNNNN:PRESET``: replicate r of a scenario has one seed for every preset."""

    def seed(self, label: str, replicate: int) -> int:
        return derive_seed(self.master_seed, label.split(":", 1)[0], replicate)


@dataclass
class Discovery:
    name: str
    policy: str
    versus: str
    factors: list[Factor]
    n: int
    replicates: int
    steps: int
    master_seed: int
    fixed: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @cached_property
    def _unit(self) -> np.ndarray:
        return latin_hypercube(len(self.factors), self.n, self.master_seed)

    def unit(self) -> np.ndarray:
        """The Latin hypercube on [0, 1]^d, one row per scenario (deterministic given the master seed)."""
        return self._unit

    def labels(self) -> list[str]:
        return [f"s{i:04d}" for i in range(self.n)]

    def inputs(self) -> pd.DataFrame:
        """The sampled lever values, one row per scenario."""
        rows = [{f.name: f.value(u) for f, u in zip(self.factors, row)} for row in self.unit()]
        return pd.DataFrame(rows, index=pd.Index(self.labels(), name="scenario"))

    def design(self) -> PairedDesign:
        points = []
        for label, (_, row) in zip(self.labels(), self.inputs().iterrows()):
            ov = {
                **self.fixed,
                **{k: (int(v) if f.kind == "int" else float(v)) for (k, v), f in zip(row.items(), self.factors)},
            }
            points.append((f"{label}:{self.policy}", self.policy, ov))
            points.append((f"{label}:{self.versus}", self.versus, ov))
        identity = {
            "analysis": "discovery",
            "policy": self.policy,
            "versus": self.versus,
            "factors": [asdict(f) for f in self.factors],
            "n": self.n,
            "sampler": "scipy.stats.qmc.LatinHypercube",
            "set": self.fixed,
            "seeds": "common within a scenario, distinct across scenarios",
        }
        return PairedDesign(
            name=self.name,
            base=self.policy,
            points=points,
            replicates=self.replicates,
            steps=self.steps,
            master_seed=self.master_seed,
            identity=identity,
            common_seeds=False,
        )


def scenario_table(db: sqlite_utils.Database, disc: Discovery) -> tuple[pd.DataFrame, list[str]]:
    """One row per scenario: sampled values, each arrangement's replicate means, the differences
    POLICY − VERSUS with their replicate standard errors, and the case-of-interest flags."""
    notes: list[str] = []
    runs = load_runs(db, disc.name)
    x = disc.inputs()
    cols = list(OUTCOMES.values())
    if len(runs):
        vals = runs[["point", "replicate", *cols]].copy()
        vals[["scenario", "preset"]] = vals["point"].str.split(":", n=1, expand=True)
    else:
        vals = pd.DataFrame(columns=["scenario", "preset", "replicate", *cols])
    table = x.copy()
    for p, tag in ((disc.policy, "policy"), (disc.versus, "versus")):
        part = vals[vals["preset"] == p].groupby("scenario")[cols].mean()
        for short, col in OUTCOMES.items():
            table[f"{short}_{tag}"] = part[col].reindex(table.index)
    wide = vals.pivot_table(index=["scenario", "replicate"], columns="preset", values=cols, aggfunc="first")
    for short, col in OUTCOMES.items():
        table[f"diff_{short}"] = table[f"{short}_policy"] - table[f"{short}_versus"]
        if len(wide) and (col, disc.policy) in wide and (col, disc.versus) in wide:
            per_rep = (wide[(col, disc.policy)] - wide[(col, disc.versus)]).groupby(level="scenario")
            se = per_rep.std(ddof=1) / np.sqrt(per_rep.count())
            table[f"se_{short}"] = se.reindex(table.index) if disc.replicates > 1 else np.nan
        else:
            table[f"se_{short}"] = np.nan
    diffs = [f"diff_{s}" for s in OUTCOMES]
    complete = table[diffs].notna().all(axis=1)
    if (~complete).any():
        notes.append(
            f"{int((~complete).sum())} of {len(table)} scenarios lack a finished run or a defined metric on "
            "one side; they are left out of the analysis"
        )
    table["complete"] = complete
    table["coi_resolution"] = complete & (table["diff_resolution"] <= 0)
    table["coi_satisfaction"] = complete & (table["diff_satisfaction"] <= 0)
    table["coi_any"] = table["coi_resolution"] | table["coi_satisfaction"]
    return table, notes


# --------------------------------------------------------------------------- PRIM and CART


@dataclass
class PrimBoxResult:
    """One PRIM box: where it sits on the trajectory, its statistics and its limits."""

    number: int  # 1 for the first box, 2 for the box found among the cases the first leaves out
    index: int  # the chosen step of the peeling trajectory
    coverage: float
    density: float
    mass: float
    n: int
    k: int
    res_dim: int
    meets_threshold: bool
    limits: pd.DataFrame  # lever, low, high, full_low, full_high, qp_low, qp_high (restricted levers only)
    trajectory: pd.DataFrame
    prim_box: Any = None  # the ema_workbench PrimBox (for its plots)


def _ema():
    """ema_workbench's PRIM and CART modules, imported quietly (it warns about optional parallel backends)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart, prim
        from ema_workbench.analysis import scenario_discovery_util as sdutil
    return prim, cart, sdutil


def choose_box(trajectory: pd.DataFrame, threshold: float) -> tuple[int, bool]:
    """The trajectory step to report: highest coverage among those with density ≥ threshold (then
    higher density, then fewer restricted levers); else the densest step (then highest coverage)."""
    t = trajectory.reset_index(drop=True)
    ok = t[t["density"] >= threshold - 1e-12]
    if len(ok):
        best = ok.sort_values(["coverage", "density", "res_dim"], ascending=[False, False, True], kind="stable")
        return int(best.index[0]), True
    best = t.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(best.index[0]), False


def run_prim(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_boxes: int = 2,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> list[PrimBoxResult]:
    """PRIM boxes for the cases ``y`` (bool) in inputs ``x``; the first box always, a further one only
    if it reaches the threshold and covers at least `MIN_CASES` cases. ``ranges`` are the sampled
    ranges reported beside the limits (default: the data's extent)."""
    ranges = ranges or {}
    prim, _, sdutil = _ema()
    y = np.asarray(y, dtype=bool)
    x = x.reset_index(drop=True).astype(float)
    # y is 0/1, so any threshold in (0, 1] counts exactly the cases (ema counts y ≥ threshold)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y.astype(int), threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min)
    out: list[PrimBoxResult] = []
    for number in range(1, max_boxes + 1):
        # Prim.find_box, without its final acceptance test (which would replace a box below the
        # threshold by the whole space and lose its trajectory): the box is chosen here instead
        p._update_yi_remaining(p)
        for done in p._boxes:
            done._frozen = True
        if int(y[p.yi_remaining].sum()) < (1 if number == 1 else MIN_CASES):
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.PrimBox(p, p.box_init, p.yi_remaining[:])
            box = p._paste(p._peel(box))
        p._boxes.append(box)
        traj = box.peeling_trajectory.reset_index(drop=True)
        i, meets = choose_box(traj, threshold)
        if number > 1 and (not meets or int(traj.loc[i, "k"]) < MIN_CASES):
            break
        box.select(i)
        lims = box.box_lims[i]
        init = p.box_init
        rows = []
        for lever in sdutil._determine_restricted_dims(lims, init):
            qp = box.qp[i].get(lever, [-1, -1])
            lo, hi = float(lims.loc[0, lever]), float(lims.loc[1, lever])
            full = ranges.get(lever, (float(init.loc[0, lever]), float(init.loc[1, lever])))
            rows.append(
                {
                    "lever": lever,
                    "low": lo,
                    "high": hi,
                    "full_low": full[0],
                    "full_high": full[1],
                    # a side is restricted when PRIM moved it off the data's extent
                    "cut_low": lo > float(init.loc[0, lever]),
                    "cut_high": hi < float(init.loc[1, lever]),
                    "qp_low": float(qp[0]) if qp[0] >= 0 else math.nan,
                    "qp_high": float(qp[1]) if qp[1] >= 0 else math.nan,
                }
            )
        limits = pd.DataFrame(
            rows, columns=["lever", "low", "high", "full_low", "full_high", "cut_low", "cut_high", "qp_low", "qp_high"]
        )
        r = traj.loc[i]
        out.append(
            PrimBoxResult(
                number,
                i,
                float(r["coverage"]),
                float(r["density"]),
                float(r["mass"]),
                int(r["n"]),
                int(r["k"]),
                int(r["res_dim"]),
                meets,
                limits,
                traj,
                box,
            )
        )
        if not meets:
            break
    return out


@dataclass
class CartResult:
    leaves: pd.DataFrame  # one row per leaf with cases of interest in the majority: coverage, density, mass, rule
    rules: str  # the whole tree as text
    splits_on: list[str]  # levers the tree splits on
    clf: Any = None
    feature_names: list[str] = field(default_factory=list)


def run_cart(x: pd.DataFrame, y: np.ndarray, mass_min: float = 0.05, max_depth: int = 4, seed: int = 0) -> CartResult:
    """A seeded classification tree; the leaves where cases of interest are the majority."""
    _, cart, sdutil = _ema()
    from sklearn import tree

    y = np.asarray(y, dtype=bool)
    x = x.reset_index(drop=True).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = cart.CART(x, y.astype(int), mass_min=mass_min)
    c.clf = tree.DecisionTreeClassifier(
        min_samples_leaf=max(1, int(mass_min * len(x))), max_depth=max_depth, random_state=seed % 2**32
    )
    c.clf.fit(c._x, c.y)
    init = sdutil._make_box(x)
    rows = []
    for lims, stats in zip(c.boxes, c.stats):
        if stats["density"] < 0.5 or not np.isfinite(stats["density"]):
            continue
        parts = []
        for lever in sdutil._determine_restricted_dims(lims, init):
            lo, hi = float(lims.loc[0, lever]), float(lims.loc[1, lever])
            full_lo, full_hi = float(init.loc[0, lever]), float(init.loc[1, lever])
            if lo > full_lo and hi < full_hi:
                parts.append(f"{lo:.4g} ≤ {lever} ≤ {hi:.4g}")
            elif lo > full_lo:
                parts.append(f"{lever} ≥ {lo:.4g}")
            else:
                parts.append(f"{lever} ≤ {hi:.4g}")
        rows.append(
            {
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "n": int(round(stats["mass"] * len(x))),
                "rule": " and ".join(parts) or "(everywhere)",
            }
        )
    leaves = pd.DataFrame(rows, columns=["coverage", "density", "mass", "n", "rule"])
    leaves = leaves.sort_values("coverage", ascending=False, kind="stable").reset_index(drop=True)
    names = list(x.columns)
    used = sorted({names[i] for i in c.clf.tree_.feature if i >= 0}, key=names.index)
    rules = tree.export_text(c.clf, feature_names=names, decimals=4, show_weights=True)
    return CartResult(leaves, rules, used, c.clf, names)


@dataclass
class TargetResult:
    target: str
    cases: int
    total: int
    boxes: list[PrimBoxResult]
    cart: CartResult | None
    skipped: str = ""  # why PRIM and CART were not run
    y: np.ndarray | None = None  # the flags analysed


def analyse(
    table: pd.DataFrame, disc: Discovery, threshold: float, peel_alpha: float, mass_min: float, max_boxes: int = 2
) -> dict[str, TargetResult]:
    """PRIM and CART for each condition that has enough cases and non-cases."""
    data = table[table["complete"]]
    x = data[[f.name for f in disc.factors]]
    out = {}
    for target in TARGETS:
        y = data[f"coi_{target}"].to_numpy(dtype=bool)
        k, n = int(y.sum()), len(y)
        if n == 0:
            out[target] = TargetResult(target, 0, 0, [], None, "no finished scenarios")
        elif k == 0:
            out[target] = TargetResult(target, 0, n, [], None, f"no case of interest in {n} scenarios")
        elif k == n:
            out[target] = TargetResult(target, k, n, [], None, f"every one of the {n} scenarios is a case of interest")
        elif k < MIN_CASES:
            out[target] = TargetResult(
                target, k, n, [], None, f"only {k} case{'s' if k > 1 else ''} of interest; too few for rule induction"
            )
        else:
            same = next((t for t, r in out.items() if r.total and np.array_equal(r.y, y)), None)
            if same is not None:
                out[target] = TargetResult(
                    target, k, n, [], None, f"the same cases as condition `{same}`; see there", y=y
                )
                continue
            boxes = run_prim(
                x, y, threshold, peel_alpha, mass_min, max_boxes, ranges={f.name: (f.low, f.high) for f in disc.factors}
            )
            cart_res = run_cart(x, y, mass_min, seed=disc.master_seed)
            out[target] = TargetResult(target, k, n, boxes, cart_res, y=y)
    return out


# --------------------------------------------------------------------------- reporting


def _f(x: Any, digits: int = 3) -> str:
    if x is None:
        return "—"
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return "—"
        return f"{x:.{digits}g}"
    return str(x)


def outcome_summary(table: pd.DataFrame, disc: Discovery) -> dict[str, Any]:
    data = table[table["complete"]]
    s: dict[str, Any] = {"scenarios": len(table), "complete": len(data)}
    for short in OUTCOMES:
        d = data[f"diff_{short}"]
        se = data[f"se_{short}"]
        s[short] = {
            "mean": float(d.mean()) if len(d) else math.nan,
            "min": float(d.min()) if len(d) else math.nan,
            "max": float(d.max()) if len(d) else math.nan,
            "cases": int((d <= 0).sum()),
            "se": float(se.mean()) if se.notna().any() else math.nan,
            # cases of interest whose difference is within two standard errors of zero
            "marginal": int(((d <= 0) & (d.abs() <= 2 * se)).sum()) if se.notna().any() else None,
        }
    s["any"] = int(data["coi_any"].sum())
    return s


def margin_drivers(table: pd.DataFrame, disc: Discovery) -> pd.DataFrame:
    """Spearman rank correlation of each sampled lever with each difference (and its p-value): what
    widens or narrows the policy's margin, whether or not the margin ever closes."""
    from scipy.stats import spearmanr

    data = table[table["complete"]]
    rows = []
    for short in OUTCOMES:
        for f in disc.factors:
            if len(data) < 3 or data[f.name].nunique() < 2 or data[f"diff_{short}"].nunique() < 2:
                rho, pv = math.nan, math.nan
            else:
                rho, pv = spearmanr(data[f.name], data[f"diff_{short}"])
            rows.append({"difference": short, "lever": f.name, "rho": float(rho), "p": float(pv)})
    out = pd.DataFrame(rows)
    out["abs"] = out["rho"].abs()
    return out.sort_values(["difference", "abs"], ascending=[True, False], kind="stable").drop(columns="abs")


def run_code_versions(db: sqlite_utils.Database, name: str) -> str:
    """The code version(s) the experiment's finished runs recorded."""
    if "runs" not in db.table_names():
        return "—"
    rows = db.query(
        "select code_version, count(*) as n from runs where experiment = ? and status = 'done' "
        "group by code_version order by n desc",
        [name],
    )
    found = [f"{r['code_version']} ({r['n']} runs)" for r in rows]
    return ", ".join(found) or "—"


def box_sentence(b: PrimBoxResult) -> str:
    parts = []
    for _, r in b.limits.iterrows():
        if r["cut_low"] and r["cut_high"]:
            parts.append(f"{r['low']:.4g} ≤ `{r['lever']}` ≤ {r['high']:.4g}")
        elif r["cut_low"]:
            parts.append(f"`{r['lever']}` ≥ {r['low']:.4g}")
        else:
            parts.append(f"`{r['lever']}` ≤ {r['high']:.4g}")
    return " and ".join(parts) or "(no restriction: the whole space)"


def markdown(
    disc: Discovery,
    table: pd.DataFrame,
    results: dict[str, TargetResult],
    notes: list[str],
    meta: dict[str, Any],
    threshold: float,
    figures: dict[str, list[str]],
) -> str:
    s = outcome_summary(table, disc)
    P, V = disc.policy, disc.versus
    L = [
        f"# Scenario discovery: {disc.name}",
        "",
        f"Where in the space of the model's assumptions does `{P}` not beat `{V}`? "
        f"{disc.n} scenarios (Latin hypercube over {len(disc.factors)} assumptions) × 2 arrangements × "
        f"{disc.replicates} replicate{'s' if disc.replicates > 1 else ''}, {disc.steps} days; replicate r of a scenario "
        "uses the same seed on both arrangements. Outcome per scenario: the difference "
        f"{P} − {V} of the replicate means of `resolution_rate` and `satisfaction_rate`. A case of interest is a "
        "scenario where the difference is ≤ 0 on resolution or on satisfaction.",
        "",
    ]
    L += ["## Uncertainties", "", "| lever | range | default | range from |", "|---|---|---|---|"]
    idx = lever_index()
    for f in disc.factors:
        L.append(f"| `{f.name}` | {f.describe()} | {idx[f.name].default} | {source_range_note(f)} |")
    if disc.fixed:
        L += ["", "Fixed for every run (`--set`): " + ", ".join(f"`{k}` = {v}" for k, v in disc.fixed.items())]
    L += [
        "",
        "## Outcomes",
        "",
        f"{s['complete']} of {s['scenarios']} scenarios complete.",
        "",
        f"| difference {P} − {V} | mean | min | max | scenarios ≤ 0 | mean replicate SE | of those ≤ 0, within 2 SE of 0 |",
        "|---|---|---|---|---|---|---|",
    ]
    for short, col in OUTCOMES.items():
        o = s[short]
        L.append(
            f"| `{col}` | {_f(o['mean'])} | {_f(o['min'])} | {_f(o['max'])} | {o['cases']} | {_f(o['se'])} | "
            f"{'—' if o['marginal'] is None else o['marginal']} |"
        )
    L += ["", f"Cases of interest (≤ 0 on either): **{s['any']} of {s['complete']}**.", ""]
    data = table[table["complete"]]
    if len(data):
        L += [
            "### Where the margin is thinnest",
            "",
            "The scenarios with the smallest difference (± its replicate standard error):",
            "",
            "| difference | scenario | value | SE | the other difference |",
            "|---|---|---|---|---|",
        ]
        for short, other in (("resolution", "satisfaction"), ("satisfaction", "resolution")):
            for sid, r in data.nsmallest(3, f"diff_{short}").iterrows():
                L.append(
                    f"| {short} | {sid} | {_f(r[f'diff_{short}'])} | {_f(r[f'se_{short}'])} | "
                    f"{_f(r[f'diff_{other}'])} |"
                )
        drivers = margin_drivers(table, disc)
        L += [
            "",
            "What moves the margin: Spearman rank correlation of each lever with each difference across "
            "the scenarios (negative: the lever narrows the policy's advantage), the five strongest:",
            "",
            "| difference | lever | ρ | p |",
            "|---|---|---|---|",
        ]
        for short, part in drivers.groupby("difference", sort=False):
            for _, r in part.head(5).iterrows():
                L.append(f"| {short} | `{r['lever']}` | {r['rho']:+.2f} | {_f(r['p'], 2)} |")
        L.append("")
    if "outcomes" in figures:
        L += [f"![differences per scenario]({figures['outcomes'][0]})", ""]
    for target, res in results.items():
        L += [f"## Condition `{target}`: {P} {TARGETS[target]}", "", f"{res.cases} of {res.total} scenarios.", ""]
        if res.skipped:
            L += [
                f"Not analysed on its own: {res.skipped}."
                + (
                    f" Within these ranges `{P}` beats `{V}` on this condition in every sampled scenario."
                    if res.cases == 0 and res.total
                    else ""
                ),
                "",
            ]
            continue
        for b in res.boxes:
            verdict = (
                f"reaches the density threshold {threshold:g}"
                if b.meets_threshold
                else f"**does not reach the density threshold {threshold:g}**; the densest box is shown"
            )
            L += [
                f"### PRIM box {b.number}" + (" (among the cases box 1 leaves out)" if b.number > 1 else ""),
                "",
                box_sentence(b),
                "",
                f"Coverage {b.coverage:.2f} (cases of interest inside / all), density {b.density:.2f} (cases inside / "
                f"scenarios inside), mass {b.mass:.2f} ({b.n} scenarios, {b.k} cases), {b.res_dim} restricted "
                f"lever{'s' if b.res_dim != 1 else ''}; step {b.index} of the peeling trajectory; {verdict}.",
                "",
                "| lever | box low | box high | sampled range | quasi-p low | quasi-p high |",
                "|---|---|---|---|---|---|",
            ]
            for _, r in b.limits.iterrows():
                L.append(
                    f"| `{r['lever']}` | {r['low']:.4g} | {r['high']:.4g} | {r['full_low']:.4g} – {r['full_high']:.4g} "
                    f"| {_f(r['qp_low'])} | {_f(r['qp_high'])} |"
                )
            L.append("")
        L += [
            "Quasi-p: the chance, under a one-sided binomial test, of a density this high without the restriction "
            "(Bryant and Lempert 2010); a restriction with quasi-p above 0.05 is not distinguishable from chance.",
            "",
        ]
        for key in (f"prim_tradeoff_{target}", f"prim_box_{target}", f"prim_scatter_{target}"):
            if key in figures:
                L += [f"![{key}]({figures[key][0]})", ""]
        c = res.cart
        if c is not None:
            L += [
                "### CART cross-check",
                "",
                f"A classification tree (depth ≤ 4, leaves ≥ 5% of the scenarios) splits on: "
                f"{', '.join(f'`{n}`' for n in c.splits_on) or 'nothing'}.",
                "",
            ]
            if len(c.leaves):
                L += [
                    "Leaves where cases of interest are the majority:",
                    "",
                    "| coverage | density | scenarios | rule |",
                    "|---|---|---|---|",
                ]
                for _, r in c.leaves.iterrows():
                    L.append(f"| {r['coverage']:.2f} | {r['density']:.2f} | {r['n']} | {r['rule']} |")
            else:
                L.append("No leaf has a majority of cases of interest.")
            prim_levers = {lv for b in res.boxes for lv in b.limits["lever"]}
            shared = [n for n in c.splits_on if n in prim_levers]
            L += ["", f"Levers both PRIM and CART use: {', '.join(f'`{n}`' for n in shared) or 'none'}.", ""]
            if f"cart_tree_{target}" in figures:
                L += [f"![cart tree]({figures[f'cart_tree_{target}'][0]})", ""]
    if notes:
        L += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    L += reproduce(
        [
            ("command", f"`{meta['command']}`"),
            ("master seed", disc.master_seed),
            ("code version of the runs", f"{meta['run_code']}; of this analysis: {meta['code_version']}"),
            ("date", meta["date"]),
            ("runs stored", f"{meta['runs']} (experiment `{disc.name}` in {meta['db']})"),
            (
                "PRIM",
                f"ema_workbench {meta['ema_version']}, peel α {meta['peel_alpha']:g}, minimum mass "
                f"{meta['mass_min']:g}, density threshold {threshold:g}",
            ),
        ]
    )
    return "\n".join(L)


def plots(
    disc: Discovery, table: pd.DataFrame, results: dict[str, TargetResult], out_dir: Path, threshold: float
) -> dict[str, list[str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .report import figure_style

    figs: dict[str, list[str]] = {}

    def save(fig, key):
        fig.savefig(out_dir / f"{key}.png", dpi=100)
        figs[key] = [f"{key}.png"]

    data = table[table["complete"]]
    with matplotlib.rc_context(figure_style()):
        if len(data):
            fig = Figure(figsize=(6, 4.5), layout="constrained")
            ax = fig.subplots()
            kinds = [
                (~data["coi_any"], "beats on both", "tab:blue", "o"),
                (data["coi_any"], "case of interest", "tab:red", "x"),
            ]
            for mask, lab, col, mk in kinds:
                ax.scatter(
                    data.loc[mask, "diff_resolution"],
                    data.loc[mask, "diff_satisfaction"],
                    s=14,
                    c=col,
                    marker=mk,
                    label=f"{lab} ({int(mask.sum())})",
                    alpha=0.8,
                )
            ax.axhline(0, lw=0.7, color="grey")
            ax.axvline(0, lw=0.7, color="grey")
            ax.set_xlabel(f"resolution_rate: {disc.policy} − {disc.versus}")
            ax.set_ylabel(f"satisfaction_rate: {disc.policy} − {disc.versus}")
            ax.set_title("differences per scenario (replicate means)")
            ax.legend()
            save(fig, "outcomes")
        for target, res in results.items():
            if not res.boxes:
                continue
            b0 = res.boxes[0]
            fig = Figure(figsize=(6, 4.5), layout="constrained")
            ax = fig.subplots()
            t = b0.trajectory
            sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
            fig.colorbar(sc, ax=ax, label="restricted levers")
            for b in res.boxes[:1]:
                ax.scatter(
                    [b.coverage],
                    [b.density],
                    s=120,
                    facecolors="none",
                    edgecolors="red",
                    label=f"box {b.number} (step {b.index})",
                )
            ax.axhline(threshold, lw=0.7, ls="--", color="grey", label=f"threshold {threshold:g}")
            ax.set_xlabel("coverage")
            ax.set_ylabel("density")
            ax.set_xlim(0, 1.02)
            ax.set_ylim(0, 1.02)
            ax.set_title(f"PRIM peeling trajectory: {target}")
            ax.legend(loc="lower left")
            save(fig, f"prim_tradeoff_{target}")
            if len(b0.limits):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        f = b0.prim_box.inspect(b0.index, style="graph")[0]
                    f = f[0] if isinstance(f, tuple) else f
                    f.set_size_inches(8, max(2.5, 0.6 * len(b0.limits) + 1.5))
                    f.savefig(out_dir / f"prim_box_{target}.png", dpi=100, bbox_inches="tight")
                    figs[f"prim_box_{target}"] = [f"prim_box_{target}.png"]
                    plt.close(f)
                except Exception as e:  # the ema plot is a nicety; the table has the same numbers
                    res.boxes[0].limits.attrs["plot_error"] = str(e)
                fig = _scatter(data, b0, target)
                save(fig, f"prim_scatter_{target}")
            if res.cart is not None and res.cart.clf is not None:
                from sklearn import tree

                depth = res.cart.clf.get_depth()
                fig = Figure(figsize=(max(7, 2.6 * 2 ** min(depth, 4) / 2), 1.8 * (depth + 1)), layout="constrained")
                FigureCanvasAgg(fig)  # plot_tree measures text, which needs a real canvas
                ax = fig.subplots()
                tree.plot_tree(
                    res.cart.clf,
                    feature_names=res.cart.feature_names,
                    class_names=["beats", "case"],
                    filled=True,
                    impurity=False,
                    proportion=False,
                    fontsize=6,
                    ax=ax,
                )
                ax.set_title(f"CART: {target}")
                save(fig, f"cart_tree_{target}")
    return figs


def _scatter(data: pd.DataFrame, b: PrimBoxResult, target: str):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    lim = b.limits.sort_values(["qp_low", "qp_high"], key=lambda s: s.fillna(1.0)).reset_index(drop=True)
    y = data[f"coi_{target}"].to_numpy(bool)
    fig = Figure(figsize=(5.5, 4.5), layout="constrained")
    ax = fig.subplots()
    if len(lim) >= 2:
        a, c = lim.loc[0], lim.loc[1]
        xs, ys = data[a["lever"]], data[c["lever"]]
        ax.add_patch(
            Rectangle(
                (a["low"], c["low"]),
                a["high"] - a["low"],
                c["high"] - c["low"],
                fill=False,
                ec="red",
                lw=1.2,
                label="box (these two levers)",
            )
        )
        ax.set_ylabel(c["lever"])
    else:
        a = lim.loc[0]
        xs = data[a["lever"]]
        ys = data[f"diff_{'resolution' if target == 'resolution' else 'satisfaction'}"]
        ax.axvspan(a["low"], a["high"], color="red", alpha=0.08, label="box")
        ax.set_ylabel(f"diff_{'resolution' if target == 'resolution' else 'satisfaction'}")
    ax.scatter(xs[~y], ys[~y], s=12, c="tab:blue", label="beats", alpha=0.7)
    ax.scatter(xs[y], ys[y], s=16, c="tab:red", marker="x", label="case of interest")
    ax.set_xlabel(a["lever"])
    ax.set_title(
        f"box {b.number}, {target}: the two most significant restrictions"
        if len(lim) >= 2
        else f"box {b.number}, {target}"
    )
    ax.legend(fontsize=7)
    return fig


def print_summary(disc: Discovery, table: pd.DataFrame, results: dict[str, TargetResult], threshold: float) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    s = outcome_summary(table, disc)
    t = Table(
        title=f"{disc.policy} − {disc.versus}, {s['complete']} scenarios × {disc.replicates} replicates",
        header_style="bold",
    )
    for c in ("difference", "mean", "min", "max", "≤ 0", "mean SE", "≤ 0 within 2 SE"):
        t.add_column(c, justify="left" if c == "difference" else "right", no_wrap=c == "difference")
    for short, col in OUTCOMES.items():
        o = s[short]
        t.add_row(
            col,
            _f(o["mean"]),
            _f(o["min"]),
            _f(o["max"]),
            str(o["cases"]),
            _f(o["se"]),
            "—" if o["marginal"] is None else str(o["marginal"]),
        )
    out.print(t)
    out.print(f"cases of interest (≤ 0 on resolution or satisfaction): [bold]{s['any']}[/] of {s['complete']}")
    for target, res in results.items():
        if res.skipped:
            out.print(
                f"[bold]{target}[/]: {res.skipped}"
                + (" — the policy wins everywhere sampled" if res.cases == 0 and res.total else "")
            )
            continue
        for b in res.boxes:
            bt = Table(
                title=f"{target}: PRIM box {b.number} — coverage {b.coverage:.2f}, density {b.density:.2f}, "
                f"{b.n} scenarios" + ("" if b.meets_threshold else f" (below threshold {threshold:g})"),
                header_style="bold",
            )
            for c in ("lever", "low", "high", "sampled", "qp low", "qp high"):
                bt.add_column(c, justify="left" if c == "lever" else "right", no_wrap=c == "lever")
            for _, r in b.limits.iterrows():
                bt.add_row(
                    r["lever"],
                    f"{r['low']:.4g}",
                    f"{r['high']:.4g}",
                    f"{r['full_low']:.4g}–{r['full_high']:.4g}",
                    _f(r["qp_low"]),
                    _f(r["qp_high"]),
                )
            out.print(bt)
        if res.cart is not None:
            top = res.cart.leaves.head(3)
            out.print(f"  CART splits on: {', '.join(res.cart.splits_on) or 'nothing'}")
            for _, r in top.iterrows():
                out.print(
                    f"  CART leaf: coverage {r['coverage']:.2f}, density {r['density']:.2f}: {r['rule']}",
                    highlight=False,
                )


def write_outputs(
    db: sqlite_utils.Database,
    disc: Discovery,
    out_dir: Path,
    command: str,
    db_path: str,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    draw: bool = True,
) -> tuple[pd.DataFrame, dict[str, TargetResult], Path]:
    from importlib.metadata import version

    table, notes = scenario_table(db, disc)
    results = analyse(table, disc, threshold, peel_alpha, mass_min)
    out_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_dir / "scenarios.csv", index_label="scenario")
    margin_drivers(table, disc).to_csv(out_dir / "margin_drivers.csv", index=False)
    figures = plots(disc, table, results, out_dir, threshold) if draw else {}
    meta = {
        "command": command,
        "code_version": code_version(),
        "date": now(),
        "runs": len(done_keys(db, disc.name)),
        "db": db_path,
        "run_code": run_code_versions(db, disc.name),
        "ema_version": version("ema_workbench"),
        "peel_alpha": peel_alpha,
        "mass_min": mass_min,
    }
    text = markdown(disc, table, results, disc.notes + notes, meta, threshold, figures)
    paths = write_documents(text, out_dir, "discovery", f"Scenario discovery: {disc.name}")
    return table, results, paths["markdown"]

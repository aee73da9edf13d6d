"""The feedback loop, simulated: HR nominates from the model's suggestions, the model retrains on
what followed, quarter after quarter, on the synthetic Binjai whose hidden truth is known.

The city is generated as usual for the quarters before the loop. In each loop quarter, for each
arm (exploration share, decisions as labels or not):

1. the model is trained on everything before the quarter (the city's history, then what the loop
   produced in the arm's earlier quarters);
2. every person the city's HR nominated that quarter is shown the model's ``k`` suggestions for
   the programs offered then (with the arm's exploration share, ``model.exploration``), logged
   with their propensities;
3. HR reads each list from the top and accepts as many programs as it nominated in the city's
   own history that quarter: a program of low true benefit for the person (below the quarter's
   median over the candidates) is rejected, mostly as "not relevant to the job", and a good one
   is sometimes rejected for a reason that says nothing about fit; mandatory programs are always
   accepted. Every examined item is a decision;
4. each accepted nomination is completed with its true probability; people's own
   self-enrolments of the quarter are the city's (the model does not change them).

Reported per arm and quarter: the true value of the nominations (benefit x P(complete) from
the truth, and the same for the city's own pre-model nominations as a reference), HR's accept
rate, catalogue coverage and the popularity concentration (Gini) of the nominations, and how the
offline evaluation of that quarter's model judges it: the plain NDCG@10 on the quarter's
completions (the echo), the truth-graded NDCG@10, and the exposure-corrected precision (SNIPS).

Simplifications, said plainly: seats are not limited in the loop, people's competency levels do
not learn from the loop's completions (the truth's levels are the city's), and assessments and
SKP are the city's.

Run: ``python -m benchmarks.feedback_loop [--employees 2000 --years 4 --loop-quarters 4]``
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "feedback_loop.json"
KEY = b"feedback-loop-key"
NEUTRAL = ("already_planned", "scheduling", "budget", "other")
P_FIT_SAID, P_GOOD_REJECTED = 0.8, 0.1


@dataclass(frozen=True)
class Arm:
    name: str
    explore_share: float
    use_decisions: bool


ARMS = (Arm("follow", 0.0, False), Arm("decisions", 0.0, True),
        Arm("explore", 0.2, False), Arm("explore+decisions", 0.2, True))


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative counts (0: even, near 1: all on one)."""
    x = np.sort(np.asarray(counts, float))
    if x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


class Loop:
    """One arm of the loop over a generated city (see the module docstring)."""

    def __init__(self, world, truth, arm: Arm, loop_quarters: list[str], k: int, seed: int,
                 config, progress=print):
        from service.pseudonym import person_key

        self.world, self.truth, self.arm, self.k = world, truth, arm, k
        self.quarters = loop_quarters
        self.config = replace(config, use_decisions=arm.use_decisions)
        self.rng = np.random.default_rng([seed, 19, ARMS.index(arm) if arm in ARMS else 9])
        self.say = progress
        tables = world.tables
        off = tables["offerings"].copy()
        off["quarter"] = _quarters(off["start_date"])
        self.offerings = off
        enr = tables["enrollments"].merge(off[["offering_id", "quarter"]], on="offering_id",
                                          how="left")
        first = loop_quarters[0]
        self.history = enr[enr["quarter"] < first].drop(columns="quarter")
        self.city_loop = enr[enr["quarter"] >= first]
        dec = tables["decisions"]
        self.decisions = dec[dec["decided_at"] < _quarter_start(first)]
        self.impressions: list[pd.DataFrame] = []
        self.id_of = {person_key(e, KEY): e for e in tables["employees"]["employee_id"]}
        self.jp = tables["programs"].set_index("program_id")["jp"].astype(float)
        self.mandatory = tables["programs"].set_index("program_id")["mandatory"].astype(
            str).str.lower().eq("true")

    def frames(self) -> dict[str, pd.DataFrame]:
        from model.snapshot import conform
        from service.pseudonym import pseudonymise_tables

        tables = dict(self.world.tables)
        tables["enrollments"] = self.history.reset_index(drop=True)
        tables["decisions"] = self.decisions.reset_index(drop=True)
        return conform(pseudonymise_tables(tables, key=KEY))

    def exposure(self) -> pd.DataFrame:
        return (pd.concat(self.impressions, ignore_index=True) if self.impressions else
                pd.DataFrame(columns=["person_key", "program_id", "quarter", "propensity"]))

    def step(self, q: str) -> dict:
        from commands.oracle_harness import oracle_from_truth
        from model.evaluation import evaluate
        from model.exploration import explore
        from model.recommender import Recommender
        from synthetic.oracle import oracle_benefit, oracle_p_complete

        started = time.perf_counter()
        frames = self.frames()
        rec = Recommender(self.config).fit(frames, q)
        ctx = rec.context(frames, q)
        city_q = self.city_loop[self.city_loop["quarter"] == q]
        noms = city_q[city_q["source"] == "nominated"]
        n_nom = noms.groupby("employee_id").size()
        keys = {pk: e for pk, e in self.id_of.items() if e in n_nom.index}
        people = sorted(set(keys) & set(ctx.snap.people.index))
        ranked = rec.recommend(ctx, people, k=self.k + 20, quarter=q, reasons=False)
        lists = {pk: g["program_id"].tolist() for pk, g in ranked.groupby("person_key", sort=False)}
        shown_rows = []
        for pk in people:
            for rank, slot in enumerate(explore(lists.get(pk, []), self.k, self.arm.explore_share,
                                                self.rng), start=1):
                shown_rows.append((pk, slot.item, rank, slot.explored, slot.propensity))
        shown = pd.DataFrame(shown_rows, columns=["person_key", "program_id", "rank", "explored",
                                                  "propensity"])
        shown["employee_id"] = shown["person_key"].map(self.id_of)
        shown["quarter"] = q
        pairs = shown[["employee_id", "program_id", "quarter"]]
        benefit = oracle_benefit(self.truth, pairs)
        p_done = oracle_p_complete(self.truth, pairs)
        shown["benefit"], shown["p_complete"] = benefit, p_done
        cutoff = float(np.median(benefit)) if len(benefit) else 0.0
        before = self.decisions[(self.decisions["decision"] == "rejected")
                                & (self.decisions["reason_code"] == "not_relevant")]
        rejected_before = set(zip(before["employee_id"], before["program_id"]))
        reshown = sum(pair in rejected_before
                      for pair in zip(shown["employee_id"], shown["program_id"]))
        decisions, nominated = self._review(shown, n_nom, cutoff, q)
        new = self._outcomes(nominated, q)
        organic = city_q[city_q["source"] != "nominated"]
        organic = organic.merge(new[["employee_id", "program_id"]], how="left", indicator=True)
        organic = organic[organic["_merge"] == "left_only"].drop(columns=["_merge", "quarter"])
        self.history = pd.concat([self.history, new, organic], ignore_index=True)
        self.decisions = pd.concat([self.decisions, decisions], ignore_index=True)
        self.impressions.append(shown[["person_key", "program_id", "quarter", "propensity"]])

        # How the offline evaluation judges this quarter's model on what followed.
        frames_after = self.frames()
        oracle = oracle_from_truth(self.truth, list(self.id_of.values()), KEY)
        res = evaluate(frames_after, q, k=10, oracle=oracle, recommender=rec,
                       exposure=self.exposure())
        city_value = _value(self.truth, noms.assign(quarter=q))
        offered = self.offerings.loc[self.offerings["quarter"] == q, "program_id"].unique()
        counts = nominated["program_id"].value_counts().reindex(offered, fill_value=0)
        corr = res.get("ranking_corrected", {})
        row = {
            "quarter": q, "arm": self.arm.name, "people_shown": len(people),
            "nominations": int(len(nominated)), "city_nominations": int(len(noms)),
            "filled_share": float(len(nominated) / max(int(n_nom.loc[
                [keys[p] for p in people]].sum()), 1)),
            "accept_rate": float((decisions["decision"] == "accepted").mean())
            if len(decisions) else float("nan"),
            "true_value_per_nomination": float(np.mean(nominated["value"]))
            if len(nominated) else float("nan"),
            "true_value_per_person": float(nominated["value"].sum() / max(len(people), 1)),
            "city_true_value_per_nomination": float(np.mean(city_value)),
            "true_benefit_per_nomination": float(np.mean(nominated["benefit"]))
            if len(nominated) else float("nan"),
            "coverage_shown": float(shown["program_id"].nunique() / max(len(offered), 1)),
            "coverage_nominated": float((counts > 0).mean()),
            "gini_nominations": gini(counts.to_numpy()),
            "explored_share": float(shown["explored"].mean()) if len(shown) else 0.0,
            "fit_rejections_so_far": int((self.decisions["reason_code"] == "not_relevant").sum()),
            # Suggestions shown again to a person who had rejected them as not relevant.
            "reshown_fit_rejected": int(reshown),
        }
        for name in ("model", "most_popular", "oracle"):
            m = res["ranking"].get(name, {})
            row[f"{name}.naive_ndcg@10"] = m.get("ndcg@10")
            row[f"{name}.true_ndcg@10"] = m.get("true_ndcg@10")
            row[f"{name}.snips_precision@10"] = corr.get(name, {}).get("snips_precision@10")
            row[f"{name}.naive_precision@10"] = corr.get(name, {}).get("naive_precision@10")
            row[f"{name}.support"] = corr.get(name, {}).get("support")
        row["seconds"] = round(time.perf_counter() - started, 1)
        self.say(f"  {self.arm.name:18s} {q}: value/nomination {row['true_value_per_nomination']:.3f}"
                 f" (city {row['city_true_value_per_nomination']:.3f}), accept "
                 f"{row['accept_rate']:.2f}, naive NDCG {row['model.naive_ndcg@10']:.3f}, true NDCG "
                 f"{row['model.true_ndcg@10']:.3f} ({row['seconds']} s)")
        return row

    def _review(self, shown: pd.DataFrame, n_nom: pd.Series, cutoff: float, q: str
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """HR reads each list from the top until it has accepted the city's number."""
        rng = self.rng
        good = shown["benefit"].to_numpy() >= cutoff
        mandatory = self.mandatory.reindex(shown["program_id"]).fillna(False).to_numpy()
        u = rng.random(len(shown))
        accept = mandatory | (good & (u >= P_GOOD_REJECTED))
        fit_said = rng.random(len(shown)) < P_FIT_SAID
        reason = np.where(~good & fit_said & ~mandatory, "not_relevant",
                          rng.choice(NEUTRAL, size=len(shown)))
        shown = shown.assign(accept=accept, reason=reason)
        want = shown["employee_id"].map(n_nom).to_numpy()
        taken = shown.groupby("person_key")["accept"].cumsum().to_numpy()
        before = taken - shown["accept"].to_numpy()  # accepted before this item
        examined = before < want
        looked = shown[examined]
        day = (pd.Timestamp(_quarter_start(q)) + pd.Timedelta(days=3)).strftime("%Y-%m-%d")
        n0 = len(self.decisions)
        decisions = pd.DataFrame({
            "decision_id": [f"LOOP-{n0 + i:07d}" for i in range(len(looked))],
            "employee_id": looked["employee_id"].to_numpy(),
            "program_id": looked["program_id"].to_numpy(), "offering_id": "",
            "decision": np.where(looked["accept"], "accepted", "rejected"),
            "reason_code": np.where(looked["accept"], "", looked["reason"]), "reason": "",
            "decided_by": "hr_loop", "decided_at": day, "model_version": "loop"})
        nominated = looked[looked["accept"].to_numpy()].copy()
        nominated["value"] = nominated["benefit"] * nominated["p_complete"]
        return decisions, nominated

    def _outcomes(self, nominated: pd.DataFrame, q: str) -> pd.DataFrame:
        rng = self.rng
        off = self.offerings[self.offerings["quarter"] == q]
        by_prog = off.groupby("program_id")["offering_id"].apply(list)
        starts = off.set_index("offering_id")["start_date"]
        n = len(nominated)
        choice = [opts[int(rng.integers(len(opts)))] for opts in by_prog.reindex(
            nominated["program_id"]).to_numpy()]
        done = rng.random(n) < nominated["p_complete"].to_numpy()
        dropped = ~done & (rng.random(n) < 0.5)
        status = np.where(done, "completed", np.where(dropped, "dropped", "no_show"))
        jp = self.jp.reindex(nominated["program_id"]).to_numpy()
        earned = np.where(done, jp, np.where(dropped, np.floor(jp * rng.uniform(0, .5, n)), 0.0))
        score = np.clip(55 + 35 * nominated["benefit"].to_numpy() + rng.normal(0, 7, n), 0, 100)
        date = pd.to_datetime(starts.reindex(choice).to_numpy()) - pd.to_timedelta(
            rng.integers(1, 14, n), unit="D")
        return pd.DataFrame({
            "employee_id": nominated["employee_id"].to_numpy(),
            "program_id": nominated["program_id"].to_numpy(), "offering_id": choice,
            "date": date.strftime("%Y-%m-%d"), "status": status, "jp_earned": earned,
            "post_test_score": np.where(done, score.round(1), np.nan), "source": "nominated",
            "study_load_jp": np.nan, "prior_attempts": np.nan})


def _quarters(dates: pd.Series) -> pd.Series:
    from model.quarters import quarters_of

    return quarters_of(pd.to_datetime(dates))


def _quarter_start(q: str) -> str:
    from model.quarters import quarter_start

    return str(quarter_start(q))


def _value(truth, rows: pd.DataFrame) -> np.ndarray:
    from synthetic.oracle import oracle_scores

    if rows.empty:
        return np.array([np.nan])
    return oracle_scores(truth, rows[["employee_id", "program_id", "quarter"]])


def run(employees: int, years: int, seed: int, loop_quarters: int, arms=ARMS, k: int = 10,
        config=None, progress=print) -> dict:
    import tempfile

    from model.config import ModelConfig
    from synthetic import generate, write_world
    from synthetic.oracle import load_truth

    world = generate(n_employees=employees, years=years, seed=seed)
    # The last quarter is left out: its trainings are still running at the city's end.
    quarters = world.meta["quarters"][:-1]
    loop = quarters[-loop_quarters:]
    config = config or ModelConfig()
    with tempfile.TemporaryDirectory() as tmp:
        write_world(world, Path(tmp) / "raw", Path(tmp) / "truth")
        truth = load_truth(Path(tmp) / "truth")
    # The reference: the same evaluation of the first loop quarter on the city's own history,
    # where the completions followed HR's pre-model nominations (no echo).
    from commands.oracle_harness import oracle_from_truth
    from model.evaluation import evaluate
    from model.snapshot import conform
    from service.pseudonym import pseudonymise_tables

    ids = list(world.tables["employees"]["employee_id"])
    base = evaluate(conform(pseudonymise_tables(dict(world.tables), key=KEY)), loop[0], k=k,
                    oracle=oracle_from_truth(truth, ids, KEY), config=config)
    before = {name: {"naive_ndcg@10": base["ranking"][name]["ndcg@10"],
                     "true_ndcg@10": base["ranking"][name]["true_ndcg@10"]}
              for name in ("model", "most_popular", "oracle")}
    progress(f"before the loop ({loop[0]}, HR's own nominations): model naive NDCG@10 "
             f"{before['model']['naive_ndcg@10']:.3f}, true {before['model']['true_ndcg@10']:.3f}")
    rows = []
    for arm in arms:
        progress(f"arm {arm.name} (exploration {arm.explore_share:.0%}, decisions "
                 f"{'used' if arm.use_decisions else 'ignored'})")
        sim = Loop(world, truth, arm, loop, k, seed, config, progress)
        rows += [sim.step(q) for q in loop]
    return {"employees": employees, "years": years, "seed": seed, "loop_quarters": loop,
            "k": k, "before_loop": before, "rows": rows, "summary": summarise(rows)}


def summarise(rows: list[dict]) -> dict:
    """Per arm: the loop's mean true value, its last quarter's coverage and Gini, and the gap
    between the naive offline NDCG@10 and the truth-graded one."""
    frame = pd.DataFrame(rows)
    out = {}
    for arm, g in frame.groupby("arm", sort=False):
        last = g.iloc[-1]
        out[arm] = {
            "true_value_per_nomination": float(g["true_value_per_nomination"].mean()),
            "city_true_value_per_nomination": float(g["city_true_value_per_nomination"].mean()),
            "accept_rate": float(g["accept_rate"].mean()),
            "reshown_fit_rejected": int(g["reshown_fit_rejected"].sum()),
            "coverage_nominated_last": float(last["coverage_nominated"]),
            "gini_nominations_last": float(last["gini_nominations"]),
            "model_naive_ndcg@10": float(g["model.naive_ndcg@10"].mean()),
            "model_true_ndcg@10": float(g["model.true_ndcg@10"].mean()),
            "model_snips_precision@10": float(pd.to_numeric(
                g["model.snips_precision@10"]).mean()),
            "popular_naive_ndcg@10": float(g["most_popular.naive_ndcg@10"].mean()),
            "popular_true_ndcg@10": float(g["most_popular.true_ndcg@10"].mean()),
        }
    return out


def _print(result: dict) -> None:
    cols = ["quarter", "arm", "nominations", "accept_rate", "true_value_per_nomination",
            "city_true_value_per_nomination", "coverage_nominated", "gini_nominations",
            "model.naive_ndcg@10", "model.true_ndcg@10", "model.snips_precision@10",
            "most_popular.naive_ndcg@10", "most_popular.true_ndcg@10"]
    frame = pd.DataFrame(result["rows"])[cols]
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(frame.to_string(index=False))
    b = result["before_loop"]
    print(f"\nbefore the loop ({result['loop_quarters'][0]} on HR's own nominations): "
          + "; ".join(f"{n} naive NDCG@10 {m['naive_ndcg@10']:.3f}, true {m['true_ndcg@10']:.3f}"
                      for n, m in b.items()))
    print("\nper arm (mean over the loop's quarters; coverage and Gini of the last one):")
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print(pd.DataFrame(result["summary"]).T.to_string())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--loop-quarters", type=int, default=4)
    parser.add_argument("--arms", nargs="+", default=[a.name for a in ARMS],
                        choices=[a.name for a in ARMS])
    args = parser.parse_args(argv)
    arms = [a for a in ARMS if a.name in args.arms]
    result = run(args.employees, args.years, args.seed, args.loop_quarters, arms)
    _print(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

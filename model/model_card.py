"""Model cards after Mitchell et al. (2019), in Markdown and HTML, from evaluation results.

The card feeds the data-protection impact assessment (UU 27/2022 art. 34): it states the intended
use, the data window, metrics overall and by group against baselines, and the caveats. It holds
aggregates only, never a person.
"""

from __future__ import annotations

import markdown


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "" if v is None else str(v)


def _pairs(values: dict, fmt: str) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {fmt.format(v)}" for k, v in values.items())


def _table(rows: dict[str, dict], columns: list[str]) -> str:
    head = "| | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    body = "".join(f"| {name} | " + " | ".join(_fmt(m.get(c)) for c in columns) + " |\n"
                   for name, m in rows.items())
    return head + body


def real_data_section(oulad: dict) -> list[str]:
    """The OULAD table (checkpoint engine vs a plain gradient boosting, both protocols, every
    horizon) from ``benchmarks/results/oulad.json``."""
    return ["## Engagement on real data: OULAD withdrawal, 2014 presentations",
            "Synthetic figures above; these are real students (Open University, no click "
            "stream). P(withdraw) of the checkpoint engine against a plain "
            "HistGradientBoostingClassifier on OULAD's own columns, same training "
            "presentations (fixed: 2013; walk-forward: what had ended before each start).",
            oulad["table"],
            "Engine >= plain + 0.01 ROC-AUC with Brier and ECE no worse: "
            + ", ".join(f"{k}: {'yes' if v else 'no'}"
                        for k, v in oulad["engine_beats_plain"].items()) + "."]


def render_markdown(evaluation: dict, version: str | None = None, gates: dict | None = None,
                    drift: dict | None = None, oulad: dict | None = None) -> str:
    """The card as Markdown; ``oulad``: the OULAD benchmark's results, shown beside the
    synthetic figures."""
    k = evaluation["k"]
    train = evaluation["train"]
    cols = [f"ndcg@{k}", f"recall@{k}", f"precision@{k}", f"map@{k}", "coverage", "eligibility"]
    eng = evaluation.get("engagement", {})
    parts = [
        f"# Model card: asn-reco {('version ' + version) if version else ''}".rstrip(),
        "## Model details",
        "Hybrid training recommender for the civil servants (ASN) of Kota Binjai: eligibility rules, "
        "a gradient-boosted ranker over competency-gap, fit, JP-need, collaborative (EASE) and "
        "popularity signals, and calibrated gradient-boosted engagement models "
        "(P(complete | nominated), P(reaching the yearly JP duty), expected JP).",
        "## Intended use",
        "Suggests training to HR analysts of BKPSDM, who decide (UU 27/2022 art. 10: a human "
        "decides, and who decided is recorded). Not for appraisal, promotion or sanctions. "
        "Suggestions and engagement scores must not be shown to third parties.",
        "## Data window",
        f"Trained on the quarters {train['train_quarters'][0]} to {train['train_quarters'][-1]} "
        f"(serving from {train['as_of']}); examples: {_pairs(train['n_examples'], '{:,}')}; "
        f"label rates: {_pairs(train['label_rates'], '{:.3f}')}.",
        f"Evaluated on quarter {evaluation['as_of']} (trained on the quarters before it only): "
        f"{_pairs(evaluation['test_set'], '{:,}')}.",
        "## Ranking metrics against baselines",
        _table(evaluation["ranking"], cols),
    ]
    summary = evaluation.get("summary", {})
    if summary.get("ndcg_lift_over_best_baseline") is not None:
        parts.append(f"NDCG@{k} lift over the best baseline: "
                     f"{summary['ndcg_lift_over_best_baseline']:+.1%}.")
    if summary.get("share_of_oracle") is not None:
        parts.append(f"Share of the oracle's NDCG@{k} (synthetic truth): {summary['share_of_oracle']:.1%}.")
    corrected = evaluation.get("ranking_corrected")
    if corrected is not None:
        parts.append("## Ranking corrected for what HR was shown (off-policy)")
        if "note" in corrected:
            parts.append(f"Not estimated: {corrected['note']}.")
        else:
            parts += [
                "Judged only on the suggestions shown in the test quarter (the exposure log), "
                "each weighed by the inverse of the probability it was shown: the plain figure "
                "rewards rankings that resemble the one shown; the self-normalised estimate "
                "(SNIPS) is the completion rate a ranking's suggestions would have had if shown; "
                "support is the share of its suggestions the log covers (low support: few pairs "
                "behind the estimate; exploration raises it).",
                _table(corrected, [f"naive_precision@{k}", f"snips_precision@{k}",
                                   f"ips_precision@{k}", "support", "people"])]
    if "completion" in eng:
        rows = {"model": eng["completion"], **eng.get("completion_baselines", {})}
        parts += ["## Engagement: P(complete | nominated)",
                  _table(rows, ["roc_auc", "pr_auc", "brier", "ece", "base_rate", "n"])]
        calibrated = train.get("completion_calibrated_on")
        if calibrated:
            parts.append("Calibration: " + (
                "isotonic on cross-fitted predictions." if calibrated == "crossfit" else
                f"Platt on quarter {calibrated}, predicted by trees fitted on the quarters "
                "before it (one quarter ahead)."))
    if eng.get("checkpoints"):
        parts += ["## Engagement during the training: P(complete) at each checkpoint",
                  "The checkpoint engine on the test quarter's enrolments with what was known by "
                  "each checkpoint (before the start, the first task's due date, days 30/60/90).",
                  _table(eng["checkpoints"], ["roc_auc", "brier", "ece", "base_rate", "n"])]
    duty = eng.get("duty", {})
    parts += ["## Engagement: P(reaching the JP duty)",
              _table({"model": duty}, ["roc_auc", "pr_auc", "brier", "ece", "n"])
              if "roc_auc" in duty else duty.get("note", "not evaluated")]
    parts.append("## Metrics by group (NDCG@%d; groups under 10 people not shown)" % k)
    for attr, values in evaluation.get("ranking_by_group", {}).items():
        parts.append(f"- **{attr}**: " + ", ".join(f"{g}: {v:.3f}" for g, v in values.items()))
    by_age = eng.get("completion_by_age_band", {})
    if by_age:
        parts += ["Completion model by age band:",
                  _table(by_age, ["roc_auc", "brier", "ece", "base_rate", "n"])]
    if oulad and "table" in oulad:
        parts += real_data_section(oulad)
    if gates:
        parts += ["## Promotion gates", "```", _dump(gates), "```"]
    if drift:
        parts += ["## Drift (PSI against the previous quarter)", "```", _dump(drift), "```"]
    parts += [
        "## Caveats",
        "- The employee table is a current snapshot: grades and job changes over time are not "
        "historised, so past quarters see today's grade.",
        "- Outcomes reflect past nomination practice; programs rarely offered are learned from "
        "few examples (cold start falls back to content signals).",
        "- Staff aged 45-60 and staff with poor connectivity may be disadvantaged by e-learning: "
        "check the group metrics above and keep classroom options.",
        "- NIP and names are never features; people are keyed by a keyed-HMAC pseudonym.",
    ]
    return "\n\n".join(parts) + "\n"


def _dump(obj, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(obj, dict):
        return "\n".join(f"{pad}{k}:" + ("\n" + _dump(v, indent + 1) if isinstance(v, (dict, list))
                                          else f" {_fmt(v)}") for k, v in obj.items())
    if isinstance(obj, list):
        return "\n".join(f"{pad}- {_fmt(v)}" for v in obj)
    return pad + _fmt(obj)


def render_html(md: str) -> str:
    """The card as a standalone HTML page."""
    body = markdown.markdown(md, extensions=["tables", "fenced_code"])
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>asn-reco model card</title><style>body{font-family:sans-serif;max-width:60em;"
            "margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
            "</style></head><body>" + body + "</body></html>")

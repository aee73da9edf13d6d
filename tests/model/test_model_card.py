"""The model card carries the OULAD table beside the synthetic figures when it is given."""

from model.model_card import render_markdown

EVALUATION = {"k": 10, "as_of": "2025Q4", "test_set": {"pairs": 10},
              "train": {"train_quarters": ["2024Q1", "2025Q3"], "as_of": "2025Q4",
                        "n_examples": {"ranking": 100}, "label_rates": {"completed": 0.7}},
              "ranking": {"model": {"ndcg@10": 0.3}}}
OULAD = {"table": "| protocol | horizon | engine ROC-AUC |\n| --- | --- | --- |\n"
                  "| fixed | day30 | 0.798 |",
         "engine_beats_plain": {"fixed day30": True, "fixed prestart": False}}


def test_the_card_shows_the_oulad_table_and_where_the_engine_does_not_beat_plain():
    md = render_markdown(EVALUATION, oulad=OULAD)
    assert "## Engagement on real data: OULAD" in md
    assert "| fixed | day30 | 0.798 |" in md
    assert "fixed day30: yes, fixed prestart: no" in md
    assert md.index("Ranking metrics") < md.index("real data")


def test_without_results_the_card_has_no_oulad_section():
    assert "OULAD" not in render_markdown(EVALUATION)


def test_the_card_shows_the_checkpoint_engine_at_every_horizon_when_evaluated():
    metrics = {"roc_auc": 0.8, "brier": 0.15, "ece": 0.03, "base_rate": 0.5, "n": 700}
    evaluation = {**EVALUATION, "engagement": {"checkpoints": {
        "prestart": {**metrics, "roc_auc": 0.61}, "day30": {**metrics, "roc_auc": 0.83}}}}
    md = render_markdown(evaluation)
    section = md[md.index("## Engagement during the training"):]
    assert "prestart" in section and "0.610" in section and "0.830" in section
    assert "during the training" not in render_markdown(EVALUATION)

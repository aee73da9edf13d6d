"""A short run of the decisions-effect benchmark: both arms run and the gains add up."""

import pytest

from benchmarks import decisions_effect as de


@pytest.fixture(scope="module")
def result():
    return de.run(500, 3, [3], ["2025Q2"])


def test_each_seed_quarter_has_both_arms_and_their_difference(result):
    (row,) = result["rows"]
    assert row["decisions"] > 0
    for metric in ("ndcg@10", "true_ndcg@10"):
        used, ignored = row[f"{metric}_used"], row[f"{metric}_ignored"]
        assert 0 < used <= 1 and 0 < ignored <= 1
        assert row[f"{metric}_gain"] == pytest.approx(used - ignored)
    # The decisions change the ranking: the two arms are not the same model.
    assert row["true_ndcg@10_used"] != row["true_ndcg@10_ignored"]


def test_the_summary_counts_the_seed_quarters(result):
    s = result["summary"]["true_ndcg@10"]
    assert s["of"] == 1 and s["helped"] == int(result["rows"][0]["true_ndcg@10_gain"] > 0)

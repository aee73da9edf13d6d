"""Loading a registered version refuses an artifact of another model format, cleanly."""

import pytest

from model import registry
from model import quarters as qt
from model.recommender import MODEL_FORMAT, Recommender


@pytest.mark.slow
def test_an_old_format_is_refused_at_load_time(tmp_path, frames, as_of, fast_config, monkeypatch):
    from model.candidates import candidate_pairs
    from model.ranker import RANKER_FEATURES

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    q = qt.shift(as_of, -1)
    rec = Recommender(fast_config).fit(frames, q)
    ctx = rec.context(frames, q)
    example = rec.score_pairs(ctx, candidate_pairs(ctx.snap).head(5)).loc[:, list(RANKER_FEATURES)]

    def log(recommender) -> str:
        return registry.log_version(recommender, uri, tmp_path / "artifacts", {"m": 1.0}, {},
                                    {"as_of": q}, {"model_card.md": "card"}, example).version

    client = registry.client_for(uri, tmp_path / "artifacts")
    good = log(rec)
    loaded, info = registry.load_version(client, good)
    assert loaded.format_ == MODEL_FORMAT and info.version == good

    rec.format_ = MODEL_FORMAT - 1  # as fitted by older code
    old = log(rec)
    with pytest.raises(registry.IncompatibleModelError, match="train again"):
        registry.load_version(client, old)

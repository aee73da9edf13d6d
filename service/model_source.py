"""Where the served model versions come from: the MLflow registry (``RegistrySource``: champion
alias, checksum-verified artifact, metrics and model card) or, in tests, anything with the same
two methods (``ModelSource``)."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """What a source returns for one version."""

    recommender: Any
    version: str
    run_id: str
    sha256: str
    metrics: dict[str, float] = field(default_factory=dict)
    card_markdown: str | None = None
    card_html: str | None = None


class ModelSource(Protocol):
    """Where versions come from (the MLflow registry, or a fake in tests)."""

    def champion(self) -> str: ...

    def load(self, version: str) -> Loaded: ...


class RegistrySource:
    """The MLflow registry: champion alias, checksum-verified artifact, metrics and card."""

    def __init__(self, tracking_uri: str, artifact_root: Path | None = None):
        self.tracking_uri, self.artifact_root = tracking_uri, artifact_root
        self._client = None

    def _get_client(self):
        from model import registry

        if self._client is None:
            self._client = registry.client_for(self.tracking_uri, self.artifact_root)
        return self._client

    def champion(self) -> str:
        from model import registry

        return str(registry.version_info(self._get_client(), registry.CHAMPION).version)

    def load(self, version: str) -> Loaded:
        from model import registry

        client = self._get_client()
        recommender, info = registry.load_version(client, version)
        metrics = dict(client.get_run(info.run_id).data.metrics)
        cards = {}
        for ext in ("md", "html"):
            try:
                cards[ext] = self._artifact_text(info.run_id, f"model_card/model_card.{ext}")
            except Exception as exc:  # a missing card must not stop serving
                log.warning("model card %s of version %s unavailable: %s", ext, version,
                            type(exc).__name__)
        return Loaded(recommender, str(info.version), info.run_id, info.sha256, metrics,
                      cards.get("md"), cards.get("html"))

    def _artifact_text(self, run_id: str, path: str) -> str:
        import mlflow

        with tempfile.TemporaryDirectory() as tmp:
            local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=path,
                                                        dst_path=tmp,
                                                        tracking_uri=self.tracking_uri)
            return Path(local).read_text(encoding="utf-8")

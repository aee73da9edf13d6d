"""MLflow model registry: log a fitted recommender as one version, promote it, load it safely.

A version holds the pickled ``Recommender`` (its SHA-256 recorded as a version tag), a pyfunc
wrapper with a signature over pair features, and the model card. Loading verifies the checksum
before unpickling, because a pickle can carry code. Nothing personal is logged: parameters are the
configuration, metrics are aggregates, and the card reports groups only.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import joblib
import mlflow
import pandas as pd
from mlflow.tracking import MlflowClient

REGISTERED_NAME = "asn-reco"
EXPERIMENT = "asn-reco"
ARTIFACT_FILE = "recommender.joblib"
CHAMPION, PREVIOUS = "champion", "previous"
PIP_REQUIREMENTS = ["scikit-learn", "pandas", "numpy", "scipy", "joblib"]


class ChecksumError(RuntimeError):
    """A model artifact does not match the checksum recorded for its version."""


@dataclass(frozen=True)
class VersionInfo:
    """A registered version: its number, run, checksum and tags."""

    version: str
    run_id: str
    sha256: str
    tags: dict


class RecommenderPyfunc(mlflow.pyfunc.PythonModel):
    """Pyfunc view: pair features in, relevance, P(complete) and score out."""

    def load_context(self, context) -> None:
        self.recommender = joblib.load(context.artifacts["recommender"])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        rec = self.recommender
        rel = rec.ranker_.predict(model_input)
        p = rec.completion_.predict_proba(model_input)
        return pd.DataFrame({"relevance": rel, "p_complete": p, "score": rel * p})


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def client_for(tracking_uri: str, artifact_root: Path | None = None) -> MlflowClient:
    """A client on ``tracking_uri`` whose experiment stores artifacts under ``artifact_root``."""
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    if client.get_experiment_by_name(EXPERIMENT) is None:
        location = artifact_root.resolve().as_uri() if artifact_root else None
        if artifact_root:
            artifact_root.mkdir(parents=True, exist_ok=True)
        client.create_experiment(EXPERIMENT, artifact_location=location)
    return client


def log_version(recommender, tracking_uri: str, artifact_root: Path | None,
                metrics: dict[str, float], params: dict, tags: dict[str, str],
                card_files: dict[str, str], example: pd.DataFrame) -> VersionInfo:
    """Log the fitted recommender as a new registered version (not promoted)."""
    client = client_for(tracking_uri, artifact_root)
    exp = client.get_experiment_by_name(EXPERIMENT)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ARTIFACT_FILE
        joblib.dump(recommender, path, compress=3)
        digest = sha256_of(path)
        for name, text in card_files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        with mlflow.start_run(experiment_id=exp.experiment_id) as run:
            mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v == v})
            mlflow.set_tags({**tags, "sha256": digest})
            for name in card_files:
                mlflow.log_artifact(str(Path(tmp) / name), artifact_path="model_card")
            signature = mlflow.models.infer_signature(
                example, _predict_example(recommender, example))
            info = mlflow.pyfunc.log_model(
                name="recommender", python_model=RecommenderPyfunc(),
                artifacts={"recommender": str(path)}, signature=signature,
                pip_requirements=PIP_REQUIREMENTS)
        _ensure_registered(client)
        mv = client.create_model_version(REGISTERED_NAME, info.model_uri, run.info.run_id,
                                         tags={**tags, "sha256": digest})
    return VersionInfo(mv.version, run.info.run_id, digest, {**tags, "sha256": digest})


def _predict_example(recommender, example: pd.DataFrame) -> pd.DataFrame:
    rel = recommender.ranker_.predict(example)
    p = recommender.completion_.predict_proba(example)
    return pd.DataFrame({"relevance": rel, "p_complete": p, "score": rel * p})


def _ensure_registered(client: MlflowClient) -> None:
    try:
        client.get_registered_model(REGISTERED_NAME)
    except mlflow.exceptions.MlflowException:
        client.create_registered_model(REGISTERED_NAME)


def version_info(client: MlflowClient, alias_or_version: str) -> VersionInfo:
    """Resolve an alias (``champion``, ``previous``) or a version number."""
    if alias_or_version.isdigit():
        mv = client.get_model_version(REGISTERED_NAME, alias_or_version)
    else:
        mv = client.get_model_version_by_alias(REGISTERED_NAME, alias_or_version)
    return VersionInfo(mv.version, mv.run_id, mv.tags.get("sha256", ""), dict(mv.tags))


def promote(client: MlflowClient, version: str) -> None:
    """Make ``version`` the champion, keeping the former champion as ``previous``."""
    try:
        current = client.get_model_version_by_alias(REGISTERED_NAME, CHAMPION)
    except mlflow.exceptions.MlflowException:
        current = None
    if current is not None and current.version != str(version):
        client.set_registered_model_alias(REGISTERED_NAME, PREVIOUS, current.version)
    client.set_registered_model_alias(REGISTERED_NAME, CHAMPION, str(version))


def load_version(client: MlflowClient, alias_or_version: str = CHAMPION):
    """Download, verify and unpickle a version; raise ChecksumError on a mismatch."""
    info = version_info(client, alias_or_version)
    with tempfile.TemporaryDirectory() as tmp:
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=f"models:/{REGISTERED_NAME}/{info.version}", dst_path=tmp)
        path = Path(local) / "artifacts" / ARTIFACT_FILE
        if not path.exists():
            raise ChecksumError(f"version {info.version} has no {ARTIFACT_FILE}")
        digest = sha256_of(path)
        if not info.sha256 or digest != info.sha256:
            raise ChecksumError(f"version {info.version}: artifact checksum {digest[:12]} does not "
                                f"match the recorded {info.sha256[:12] or 'nothing'}")
        recommender = joblib.load(path)
    return recommender, info


def log_evaluation(result: dict, metrics: dict[str, float], tracking_uri: str,
                   artifact_root: Path | None) -> str:
    """Log an evaluation run (metrics and the full JSON) to the evaluation experiment."""
    import json

    client_for(tracking_uri, artifact_root)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=f"evaluate {result['as_of']}") as run:
        mlflow.set_tags({"kind": "evaluation", "as_of": result["as_of"]})
        mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v == v})
        mlflow.log_text(json.dumps(result, indent=2, default=str), "evaluation.json")
    return run.info.run_id

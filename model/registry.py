"""MLflow model registry: log a fitted recommender as one version, promote it, load it safely.

A version holds the pickled ``Recommender`` (its SHA-256 recorded as a version tag), a pyfunc
wrapper with a signature over pair features, and the model card. Loading verifies the checksum
before unpickling, because a pickle can carry code. Nothing personal is logged: parameters are the
configuration, metrics are aggregates, and the card reports groups only.
"""

from __future__ import annotations

import hashlib
import os
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


class IncompatibleModelError(ChecksumError):
    """A verified artifact was fitted by code with another model format (see
    ``recommender.MODEL_FORMAT``): it would unpickle but fail when scoring, so it is refused."""


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
    before = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(tracking_uri)
    # set_tracking_uri also exports MLFLOW_TRACKING_URI, which the settings would then read as
    # an explicit store: keep the environment as it was.
    if before is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = before
    client = MlflowClient(tracking_uri)
    if client.get_experiment_by_name(EXPERIMENT) is None:
        location = artifact_root.resolve().as_uri() if artifact_root else None
        if artifact_root:
            artifact_root.mkdir(parents=True, exist_ok=True)
        client.create_experiment(EXPERIMENT, artifact_location=location)
    return client


def log_run(recommender, tracking_uri: str, artifact_root: Path | None,
            metrics: dict[str, float], params: dict, tags: dict[str, str],
            example: pd.DataFrame, files: dict[str, str] | None = None) -> tuple[str, str, str]:
    """Log the fitted recommender as a finished run (not yet a registered version).

    Args:
        files: text artifacts, ``{"folder/name.ext": text}``.

    Returns:
        The run id, the artifact's SHA-256 and the logged model's URI.
    """
    client = client_for(tracking_uri, artifact_root)
    exp = client.get_experiment_by_name(EXPERIMENT)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ARTIFACT_FILE
        joblib.dump(recommender, path, compress=3)
        digest = sha256_of(path)
        with mlflow.start_run(experiment_id=exp.experiment_id) as run:
            mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v == v})
            mlflow.set_tags({**tags, "sha256": digest})
            for name, text in (files or {}).items():
                mlflow.log_text(text, name)
            signature = mlflow.models.infer_signature(
                example, _predict_example(recommender, example))
            info = mlflow.pyfunc.log_model(
                name="recommender", python_model=RecommenderPyfunc(),
                artifacts={"recommender": str(path)}, signature=signature,
                pip_requirements=PIP_REQUIREMENTS)
    return run.info.run_id, digest, info.model_uri


def register_run(client: MlflowClient, run_id: str, model_uri: str, sha256: str,
                 tags: dict[str, str]) -> VersionInfo:
    """Register a logged run's model as a new version (no alias is touched)."""
    _ensure_registered(client)
    all_tags = {**tags, "sha256": sha256}
    mv = client.create_model_version(REGISTERED_NAME, model_uri, run_id, tags=all_tags)
    return VersionInfo(str(mv.version), run_id, sha256, all_tags)


def log_version(recommender, tracking_uri: str, artifact_root: Path | None,
                metrics: dict[str, float], params: dict, tags: dict[str, str],
                card_files: dict[str, str], example: pd.DataFrame) -> VersionInfo:
    """Log the fitted recommender as a new registered version (not promoted)."""
    files = {f"model_card/{name}": text for name, text in card_files.items()}
    run_id, digest, uri = log_run(recommender, tracking_uri, artifact_root, metrics, params,
                                  tags, example, files)
    return register_run(client_for(tracking_uri), run_id, uri, digest, tags)


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
    if str(alias_or_version).isdigit():
        mv = client.get_model_version(REGISTERED_NAME, str(alias_or_version))
    else:
        mv = client.get_model_version_by_alias(REGISTERED_NAME, alias_or_version)
    return VersionInfo(str(mv.version), mv.run_id, mv.tags.get("sha256", ""), dict(mv.tags))


def aliases(client: MlflowClient) -> dict[str, str]:
    """Alias -> version of the registered model (empty when nothing is registered)."""
    try:
        rm = client.get_registered_model(REGISTERED_NAME)
    except mlflow.exceptions.MlflowException:
        return {}
    return {a: str(v) for a, v in (rm.aliases or {}).items()}


def versions(client: MlflowClient) -> list[VersionInfo]:
    """Every registered version, newest first."""
    try:
        found = client.search_model_versions(f"name='{REGISTERED_NAME}'")
    except mlflow.exceptions.MlflowException:
        return []
    out = [VersionInfo(str(mv.version), mv.run_id, mv.tags.get("sha256", ""), dict(mv.tags))
           for mv in found]
    return sorted(out, key=lambda v: -int(v.version))


def set_tags(client: MlflowClient, version: str, tags: dict[str, str]) -> None:
    """Set tags on a version (values cut to MLflow's 5,000 characters)."""
    for key, value in tags.items():
        client.set_model_version_tag(REGISTERED_NAME, str(version), key, str(value)[:5000])


def _uri(client: MlflowClient) -> str | None:
    # The client knows its store; downloads must use it, not the process-wide default.
    return getattr(getattr(client, "_tracking_client", None), "tracking_uri", None)


def _download_verified(client: MlflowClient, info: VersionInfo, dst: str) -> Path:
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=f"models:/{REGISTERED_NAME}/{info.version}", dst_path=dst,
        tracking_uri=_uri(client), registry_uri=_uri(client))
    path = Path(local) / "artifacts" / ARTIFACT_FILE
    if not path.exists():
        raise ChecksumError(f"version {info.version} has no {ARTIFACT_FILE}")
    digest = sha256_of(path)
    if not info.sha256 or digest != info.sha256:
        raise ChecksumError(f"version {info.version}: artifact checksum {digest[:12]} does not "
                            f"match the recorded {info.sha256[:12] or 'nothing'}")
    return path


def verify_version(client: MlflowClient, alias_or_version: str) -> VersionInfo:
    """Download a version's artifact and check its checksum (without unpickling it)."""
    info = version_info(client, alias_or_version)
    with tempfile.TemporaryDirectory() as tmp:
        _download_verified(client, info, tmp)
    return info


def promote(client: MlflowClient, version: str, verify: bool = True) -> None:
    """Make ``version`` the champion, keeping the former champion as ``previous``.

    The artifact's checksum is verified first; the champion alias is the last write, so a
    process killed before it leaves the former champion in place.
    """
    if verify:
        verify_version(client, str(version))
    current = aliases(client).get(CHAMPION)
    if current is not None and current != str(version):
        client.set_registered_model_alias(REGISTERED_NAME, PREVIOUS, current)
    client.set_registered_model_alias(REGISTERED_NAME, CHAMPION, str(version))


def rollback(client: MlflowClient, actor: str, when: str) -> tuple[str, str]:
    """Swap ``champion`` and ``previous`` (a second rollback undoes the first).

    The rolled-back version is tagged ``rolled_back_by`` / ``rolled_back_at``.

    Returns:
        The new champion and the rolled-back version.
    """
    current = aliases(client)
    if PREVIOUS not in current:
        raise ValueError("there is no previous version to roll back to")
    target, rolled = current[PREVIOUS], current.get(CHAMPION)
    verify_version(client, target)
    if rolled is not None:
        client.set_registered_model_alias(REGISTERED_NAME, PREVIOUS, rolled)
        set_tags(client, rolled, {"rolled_back_by": actor, "rolled_back_at": when})
    client.set_registered_model_alias(REGISTERED_NAME, CHAMPION, target)
    return target, rolled


def load_version(client: MlflowClient, alias_or_version: str = CHAMPION):
    """Download, verify and unpickle a version; raise ChecksumError on a mismatch."""
    from model.recommender import MODEL_FORMAT

    info = version_info(client, alias_or_version)
    with tempfile.TemporaryDirectory() as tmp:
        recommender = joblib.load(_download_verified(client, info, tmp))
    found = getattr(recommender, "format_", None)
    if found != MODEL_FORMAT:
        raise IncompatibleModelError(
            f"version {info.version} was fitted in model format {found or 'unknown'}; this code "
            f"reads format {MODEL_FORMAT}: train again (asn-reco train, or retrain --force)")
    return recommender, info


def log_files(client: MlflowClient, run_id: str, files: dict[str, str]) -> None:
    """Add text artifacts (``{"folder/name.ext": text}``) to a finished run."""
    for name, text in files.items():
        client.log_text(run_id, text, name)


def model_card(client: MlflowClient, alias_or_version: str, fmt: str = "md") -> str:
    """A version's model card as Markdown (``md``) or HTML (``html``)."""
    if fmt not in ("md", "html"):
        raise ValueError(f"card format must be md or html, not {fmt!r}")
    info = version_info(client, alias_or_version)
    with tempfile.TemporaryDirectory() as tmp:
        local = mlflow.artifacts.download_artifacts(
            run_id=info.run_id, artifact_path=f"model_card/model_card.{fmt}", dst_path=tmp,
            tracking_uri=_uri(client))
        return Path(local).read_text(encoding="utf-8")


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

"""One place for paths and settings: the data folder and what overrides its parts.

``ASN_DATA_DIR`` (default ``./data``) holds the SQLite database, the MLflow store and the local
secrets; ``DATABASE_URL`` and ``MLFLOW_TRACKING_URI`` override their parts, so several
independent workspaces can run side by side.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings read from the environment (no prefix for the documented names)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    asn_data_dir: Path = Field(default=Path("data"), validation_alias="ASN_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    mlflow_tracking_uri: str | None = Field(default=None, validation_alias="MLFLOW_TRACKING_URI")
    # Keyed-HMAC secret for pseudonymising employee_id; read from the secrets file when unset.
    pseudonym_key: str | None = Field(default=None, validation_alias="ASN_PSEUDONYM_KEY")
    import_max_bytes: int = Field(default=200 * 1024 * 1024, validation_alias="ASN_IMPORT_MAX_BYTES")
    import_max_rows: int = Field(default=2_000_000, validation_alias="ASN_IMPORT_MAX_ROWS")

    @property
    def data_dir(self) -> Path:
        return self.asn_data_dir.expanduser().resolve()

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'asn_reco.db'}"

    @property
    def mlflow_dir(self) -> Path:
        return self.data_dir / "mlflow"

    @property
    def tracking_uri(self) -> str:
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        return f"sqlite:///{self.mlflow_dir / 'mlflow.db'}"

    @property
    def artifact_root(self) -> Path:
        return self.mlflow_dir / "artifacts"

    @property
    def secrets_file(self) -> Path:
        return self.data_dir / "secrets.json"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def truth_dir(self) -> Path:
        """Where the synthetic generator writes its hidden truth (never read by model/service)."""
        return self.data_dir / "truth"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cleared in tests with ``get_settings.cache_clear()``)."""
    return Settings()

"""Settings of the HTTP API (environment variables ``ASN_API_*``), loaded lazily."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """Limits, token lifetime, model polling and CORS of the API."""

    model_config = SettingsConfigDict(env_prefix="ASN_API_", extra="ignore")

    token_minutes: float = Field(default=60.0, gt=0)
    model_poll_seconds: float = Field(default=60.0, ge=0, description="0 disables polling")
    context_rebuild_delay: float = Field(default=0.5, ge=0)
    cors_origins: str = Field(default="", description="comma-separated allowed origins")
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    import_timeout_seconds: float = Field(default=600.0, gt=0)
    login_max_failures: int = Field(default=5, gt=0)
    login_max_per_client: int = Field(default=30, gt=0)
    login_window_seconds: float = Field(default=300.0, gt=0)
    batch_max_persons: int = Field(default=5000, gt=0)
    retry_after_seconds: int = Field(default=5, gt=0)
    exposure_flush_seconds: float = Field(default=5.0, gt=0,
                                          description="how often shown suggestions are written")
    exposure_batch_rows: int = Field(default=500, gt=0, description="write sooner at this many")
    exposure_max_rows: int = Field(default=200_000, gt=0,
                                   description="impressions waiting at most; older ones dropped")
    exposure_retention_days: int = Field(default=400, gt=0,
                                         description="impressions older than this are deleted")
    exploration_share: float = Field(
        default=0.0, ge=0, le=0.5,
        description="share of suggestion slots shown from outside the model's top k, at random "
                    "with a logged propensity (model.exploration); 0 turns it off")
    exploration_pool: int = Field(default=20, ge=1, le=50,
                                  description="explored programs come from the next this many")
    precompute_k: int = Field(default=10, ge=0, le=50,
                              description="top-k ranked for everyone ahead of requests (0: off)")

    @property
    def cors_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache
def get_api_settings() -> ApiSettings:
    """The process-wide API settings (``get_api_settings.cache_clear()`` in tests)."""
    return ApiSettings()

"""Settings: the only place that reads the environment (prefix ``KETENREGIE_``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, PositiveInt, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Lanes and candidate groups of the work-and-income chain and who works them.
DEFAULT_ORGANISATION_MAP: dict[str, str] = {
    "poortwachter": "gemeente",
    "consulent_io": "gemeente",
    "consulent": "gemeente",
    "participatiemakelaar": "gemeente",
    "klantmanager": "gemeente",
    "gemeente*": "gemeente",
    "intaker": "werkbedrijf",
    "werkcoach": "werkbedrijf",
    "trainer": "werkbedrijf",
    "werkbedrijf*": "werkbedrijf",
    "uwv*": "uwv",
    "arbeidsdeskundige": "uwv",
    "sw_*": "sw-bedrijf",
    "sw*": "sw-bedrijf",
    "jobcoach": "sw-bedrijf",
}


class Settings(BaseSettings):
    """Runtime configuration, validated at start-up.

    Every field can be set as ``KETENREGIE_<FIELD>`` (e.g. ``KETENREGIE_DATABASE_URL``);
    dicts are given as JSON (``KETENREGIE_ORGANISATION_MAP='{"poortwachter": "gemeente"}'``).
    """

    model_config = SettingsConfigDict(env_prefix="KETENREGIE_", extra="ignore")

    data_dir: Path = Path("./.data")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; default sqlite:///<data_dir>/ketenregie.sqlite"
    )
    organisation_map: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ORGANISATION_MAP))
    message_ttl: timedelta = timedelta(days=7)
    job_lock_seconds: PositiveInt = 300
    timer_batch_size: PositiveInt = 100

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'ketenregie.sqlite'}"
        return self

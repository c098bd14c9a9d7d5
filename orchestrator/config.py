"""Settings: the only place that reads the environment (prefix ``KETENREGIE_``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    model_validator,
)
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
    "baliemedewerker": "werkbedrijf",
    "handhaving": "gemeente",
    # Werkplein (seed 004) and the Groningen zoekperiode (seed 003)
    "wisselwachter": "gemeente",
    "inkomensconsulent": "gemeente",
    "bbz_consulent": "gemeente",
    "schuldhulpverlener": "gemeente",
    "kcc": "gemeente",
    "e_coach": "gemeente",
    "centrum_voor_werk": "gemeente",
    "work_first": "werkbedrijf",
    "matchmaker*": "werkbedrijf",
}


class HttpClientSettings(BaseModel):
    """How an adapter reaches one partner service over HTTP(S).

    Attributes:
        base_url: root URL of the service (no trailing slash needed).
        connect_timeout: seconds to establish a connection.
        read_timeout: seconds to wait for (a chunk of) the response.
        write_timeout: seconds to send the request.
        pool_timeout: seconds to wait for a free connection from the pool.
        client_cert_file: PEM client certificate for mutual TLS (PKIoverheid in production).
        client_key_file: PEM private key of ``client_cert_file``.
        ca_file: PEM bundle of trusted CAs; empty: the system store.
        verify_tls: check the partner's certificate (only ever off against a local simulator).
    """

    base_url: str
    connect_timeout: PositiveFloat = 5.0
    read_timeout: PositiveFloat = 30.0
    write_timeout: PositiveFloat = 30.0
    pool_timeout: PositiveFloat = 5.0
    client_cert_file: Path | None = None
    client_key_file: Path | None = None
    ca_file: Path | None = None
    verify_tls: bool = True

    @model_validator(mode="after")
    def _cert_and_key_together(self) -> HttpClientSettings:
        if (self.client_cert_file is None) != (self.client_key_file is None):
            raise ValueError("client_cert_file and client_key_file go together (mutual TLS)")
        return self


def _local(port: int, path: str = "") -> HttpClientSettings:
    return HttpClientSettings(base_url=f"http://127.0.0.1:{port}{path}")


#: base of the demo catalogus: the gemeente simulator serves no Catalogi API, the URLs
#: only have to be stable references
_DEMO_CATALOGUS = "http://127.0.0.1:8201/catalogi/api/v1"


class ZgwSettings(BaseModel):
    """The gemeente's Zaken API (ZGW, VNG Zaken API 1.5.1) and the catalogue it refers to.

    Attributes:
        zaken_api: where the Zaken API lives (``.../zaken/api/v1``).
        client_id: the ZGW client id (``iss`` and ``client_id`` claims of the JWT).
        secret: the shared secret signing the ZGW JWT (HS256).
        bronorganisatie: RSIN of the organisation registering the zaken.
        verantwoordelijke_organisatie: RSIN of the organisation responsible for them.
        catalogus: URL of the CATALOGUS (Catalogi API).
        zaaktype: URL of the ZAAKTYPE of a klantreis.
        roltype_initiator: URL of the ROLTYPE "initiator" of that zaaktype.
        statustypen: klantreis milestone -> STATUSTYPE URL.
        resultaattypen: outcome of the journey -> RESULTAATTYPE URL.
    """

    zaken_api: HttpClientSettings = Field(default_factory=lambda: _local(8201, "/zaken/api/v1"))
    client_id: str = "ketenregie"
    secret: SecretStr = SecretStr("ketenregie-demo-secret-change-me-in-production")
    bronorganisatie: str = "002220647"
    verantwoordelijke_organisatie: str = "002220647"
    catalogus: str = f"{_DEMO_CATALOGUS}/catalogussen/1"
    zaaktype: str = f"{_DEMO_CATALOGUS}/zaaktypen/klantreis"
    roltype_initiator: str = f"{_DEMO_CATALOGUS}/roltypen/initiator"
    statustypen: dict[str, str] = Field(
        default_factory=lambda: {
            m: f"{_DEMO_CATALOGUS}/statustypen/{m}"
            for m in (
                "melding",
                "poortwachter",
                "ambitiegesprek",
                "afhandeling_uitkering",
                "kick_off",
                "ondersteuning",
                "voortgangsgesprek",
                "nazorg",
                "afgerond",
                "beschikbaar_voor_werk",
            )
        }
    )
    resultaattypen: dict[str, str] = Field(
        default_factory=lambda: {
            r: f"{_DEMO_CATALOGUS}/resultaattypen/{r}"
            for r in ("uitstroom_werk", "participatie", "afgewezen", "beeindigd")
        }
    )


class GemeenteSettings(BaseModel):
    """The gemeente: Zaken API, benefits administration and inbound notifications.

    Attributes:
        zgw: the Zaken API.
        uitkeringen: the benefits administration (aanvraag, besluit, voorschot, betaling).
        uitkeringen_api_key: its API key (``Authorization: Token ...``).
        notificatie_berichten: ``kanaal.resource.actie`` of a ZGW notificatie -> message
            name it is correlated as (unmapped notifications are accepted and ignored).
    """

    zgw: ZgwSettings = Field(default_factory=ZgwSettings)
    uitkeringen: HttpClientSettings = Field(
        default_factory=lambda: _local(8201, "/uitkeringen/api/v1")
    )
    uitkeringen_api_key: SecretStr = SecretStr("demo-uitkeringen-key")
    notificatie_berichten: dict[str, str] = Field(
        default_factory=lambda: {
            "zaken.status.create": "zaakstatus-gewijzigd",
            "zaken.resultaat.create": "ZaakresultaatVastgelegd",
            "zaken.zaak.destroy": "ZaakVerwijderd",
        }
    )


class UwvSettings(BaseModel):
    """UWV: SOAP services in the style of Suwinet-Inlezen.

    Attributes:
        soap: the SOAP endpoint (one endpoint, the operation in the ``SOAPAction``).
        username: WS-Security UsernameToken user (besides mutual TLS).
        password: its password.
        afzender_oin: our OIN, sent as the sender of every message.
    """

    soap: HttpClientSettings = Field(default_factory=lambda: _local(8202, "/suwinet/v1"))
    username: str = "ketenregie"
    password: SecretStr = SecretStr("demo-uwv-password")
    afzender_oin: str = "00000001002220647000"


class SwBedrijfSettings(BaseModel):
    """SW-bedrijf: REST services for diagnosis, onderzoek, leerwerkplek and detachering.

    Attributes:
        api: the REST API root.
        api_key: its API key (``Authorization: Token ...``).
    """

    api: HttpClientSettings = Field(default_factory=lambda: _local(8203, "/api/v1"))
    api_key: SecretStr = SecretStr("demo-sw-bedrijf-key")


class AdapterSettings(BaseModel):
    """Everything the partner adapters need (``KETENREGIE_ADAPTERS__...``).

    Attributes:
        gemeente: the gemeente's services.
        uwv: UWV's services.
        sw_bedrijf: the SW-bedrijf's services.
        terugmeld_url: where partners send asynchronous outcomes (CloudEvents endpoint of
            this orchestrator); sent along with requests whose answer comes later.
        inbound_token: bearer token partners present on the inbound endpoints.
        cloudevent_berichten: CloudEvent ``type`` -> message name it is correlated as.
    """

    gemeente: GemeenteSettings = Field(default_factory=GemeenteSettings)
    uwv: UwvSettings = Field(default_factory=UwvSettings)
    sw_bedrijf: SwBedrijfSettings = Field(default_factory=SwBedrijfSettings)
    terugmeld_url: str = "http://127.0.0.1:8000/api/v1/cloudevents"
    inbound_token: SecretStr = SecretStr("demo-inbound-token")
    cloudevent_berichten: dict[str, str] = Field(
        default_factory=lambda: {
            "nl.uwv.sw-indicatie.vastgesteld": "sw-indicatie-besluit",
            "nl.sw-bedrijf.terugmelding": "terugmelding-sw-bedrijf",
            "nl.gemeente.uitkering.besluit": "UitkeringBesloten",
        }
    )


class Settings(BaseSettings):
    """Runtime configuration, validated at start-up.

    Every field can be set as ``KETENREGIE_<FIELD>`` (e.g. ``KETENREGIE_DATABASE_URL``);
    dicts are given as JSON (``KETENREGIE_ORGANISATION_MAP='{"poortwachter": "gemeente"}'``).
    """

    model_config = SettingsConfigDict(
        env_prefix="KETENREGIE_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("./.data")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; default sqlite:///<data_dir>/ketenregie.sqlite"
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description=(
            "SQLite only. NORMAL: a commit survives a crash of the process (WAL); FULL: also "
            "a power cut (one fsync per commit, shared by the units of work that commit "
            "together)"
        ),
    )
    prepare_steps: bool = Field(
        default=False,
        description=(
            "Run the engine step of a task or job completion before its write transaction, "
            "so the writers of other processes on the same database go on meanwhile. More "
            "completions per second with several API processes on SQLite, but a longer "
            "tail: the write turn then competes for the GIL with the threads preparing "
            "(see bench/README.md)"
        ),
    )
    organisation_map: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ORGANISATION_MAP))
    message_ttl: timedelta = timedelta(days=7)
    job_lock_seconds: PositiveInt = 300
    timer_batch_size: PositiveInt = 100
    #: partner adapters: URLs, credentials (secrets), timeouts, mTLS files, ZGW catalogue
    adapters: AdapterSettings = Field(default_factory=AdapterSettings)

    # ---------------------------------------------------------------- HTTP API (issue 3)
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=0, le=65535)
    #: processes serving the API on one socket (``serve --api-processes``); 1 serves it in
    #: the process that runs the background services, more spawn API-only children
    api_processes: PositiveInt = 1
    #: "users": users and API clients from ``users_file``; "oidc": bearer JWTs of an issuer
    auth_mode: Literal["users", "oidc"] = "users"
    #: TOML file with users and API clients (default ``<data_dir>/users.toml``)
    users_file: Path | None = None
    oidc_issuer: str = ""
    oidc_audience: str = ""
    #: JWKS URL; empty: taken from the issuer's ``.well-known/openid-configuration``
    oidc_jwks_url: str = ""
    #: dotted claim paths (Keycloak defaults)
    oidc_roles_claim: str = "realm_access.roles"
    oidc_organisation_claim: str = "organisation"
    oidc_user_claim: str = "preferred_username"
    #: largest JSON request body, and largest deployment upload (bytes)
    api_max_body_bytes: PositiveInt = 1024 * 1024
    api_max_upload_bytes: PositiveInt = 10 * 1024 * 1024

    # ---------------------------------------------------------------- messaging (issue 4)
    #: kombu URL: ``sqla+sqlite:///...`` (embedded default) or ``amqp://user:pw@host//``
    broker_url: str = Field(
        default="", description="kombu URL; default sqla+sqlite:///<data_dir>/broker.sqlite"
    )
    #: prefix of every exchange and queue (several environments can share one broker)
    broker_namespace: str = Field(default="ketenregie", pattern=r"^[a-z][a-z0-9_.-]*$")
    #: the OIN in the CloudEvents ``source`` (default: a clearly fake test OIN)
    oin: str = Field(default="00000099999999999000", pattern=r"^[0-9]{20}$")
    #: outbox rows per publisher transaction, and seconds between polls when idle
    publisher_batch_size: PositiveInt = 50
    publisher_interval: PositiveFloat = 0.2
    #: unacknowledged messages per consumer (jobs a worker holds at once)
    worker_prefetch: PositiveInt = 4
    #: embedded transport: a message received but not acknowledged within this many
    #: seconds (the consumer died) is delivered again
    broker_visibility_timeout: PositiveFloat = 300.0
    #: embedded transport: seconds between polls of an empty queue
    broker_polling_interval: PositiveFloat = 0.05

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'ketenregie.sqlite'}"
        if not self.broker_url:
            self.broker_url = f"sqla+sqlite:///{self.data_dir / 'broker.sqlite'}"
        if self.users_file is None:
            self.users_file = self.data_dir / "users.toml"
        return self

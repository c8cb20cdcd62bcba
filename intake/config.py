"""One typed settings object, read from a TOML file and `INTAKE_*` environment variables (env wins).

Every setting is declared once below with its type, default and one line of help;
`docs/configuration.md` is generated from these declarations (`intake config --markdown`).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from intake.config_mail import (
    AcknowledgementSettings,
    ImapAccount,
    MailConfigError,
    SmtpSettings,
    parse_acknowledgements,
    parse_imap_accounts,
    parse_smtp,
    referenced_env_variables,
)

DEFAULT_CONFIG_FILE = "intake.toml"
ENV_PREFIX = "INTAKE_"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names where it came from and what is wrong."""


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    home: Path = _setting(Path("var"), "Folder for the database, blobs, models and inboxes.")
    database_url: str = _setting(
        "", "SQLAlchemy URL; empty means SQLite at <home>/intake.db. PostgreSQL: postgresql://..."
    )
    blob_dir: str = _setting("", "Content-addressed store of originals; empty: <home>/blobs.")
    model_dir: str = _setting("", "Trained classifier models; empty: <home>/models.")
    org_dir: Path = _setting(Path("samples/org"), "The organisation: units, topics, calendars, KB.")
    training_dir: Path = _setting(
        Path("samples/training"), "Labelled contacts (*.jsonl) the classifiers are trained from."
    )
    scanner_inbox: str = _setting(
        "",
        "Scanner hot folder; files move to done/ or failed/ in it. Empty: <home>/inbox/scanner.",
    )
    mail_inbox: str = _setting(
        "", "Folder of .eml files or a Maildir read by `intake fetch`. Empty: <home>/inbox/mail."
    )
    ocr_languages: str = _setting("eng+pol", "Tesseract languages, joined with '+'.")
    forms_dir: Path = _setting(
        Path("samples/forms"),
        "Form templates (*.yaml): coupons and other forms read field by field.",
    )
    postal_data_dir: Path = _setting(
        Path("../shared/data/postal"),
        "GeoNames postal code files (*.csv) that validate and correct postcodes and towns.",
    )
    field_confidence_threshold: float = _setting(
        0.8, "Form fields read less surely than this go to the mailroom for verification."
    )
    scan_separator: str = _setting(
        "INTAKE-SEPARATOR",
        "Text of the QR code or barcode on separator sheets that split a scanned batch.",
    )
    scan_drop_blank_pages: bool = _setting(
        True, "Drop blank pages (the empty backs of duplex scans) when a scanned batch is split."
    )
    scan_upload_max_bytes: int = _setting(
        200_000_000, "Larger files uploaded at the mailroom station are refused, not stored."
    )
    languages: str = _setting("en,pl", "Languages the classifiers and language detection know.")
    workers: int = _setting(2, "Worker threads of the extract stage (one Tesseract each).")
    max_attempts: int = _setting(5, "Attempts of a stage before the contact is quarantined.")
    retry_base_seconds: float = _setting(
        30.0, "First retry delay after a failed stage; doubles with every attempt."
    )
    max_email_bytes: int = _setting(50_000_000, "Larger emails are quarantined unread.")
    max_image_pixels: int = _setting(
        60_000_000, "Larger scanned pages are quarantined (decompression-bomb guard)."
    )
    max_pages: int = _setting(200, "Documents with more pages are quarantined.")
    training_seed: int = _setting(0, "Seed for classifier training, so models are reproducible.")
    classifier_version: str = _setting(
        "", "Active classifier version (a folder of <model_dir>, e.g. v0003); empty: the newest."
    )
    target_precision: float = _setting(
        0.9, "Precision each topic's confidence threshold is chosen for on dev data."
    )
    min_language_examples: int = _setting(
        200, "Examples a language needs for a model of its own; others use the multilingual one."
    )
    classifier_sentence_vectors: bool = _setting(
        True, "Topic/sentiment models also read a sentence encoder's vector: more accurate, slower."
    )
    classifier_threads: int = _setting(
        2,
        "Threads that compute a batch's sentence vectors (1: the calling thread; 0: one per "
        "core). 2: ~1.6x faster encoding for the same CPU; more would crowd the other stages.",
    )
    reference_patterns: str = _setting(
        r"customer=VH-\d{6}; order=ORD-\d{7}; invoice=FV/\d{4}/\d{2}/\d{5}; policy=POL-\d{6,8}",
        "The organisation's reference numbers found as entities: kind=REGEX, separated by ';'.",
    )
    hot_folder_settle_seconds: float = _setting(
        1.0, "A dropped file is taken once it has not changed for this long."
    )
    imap_idle_renew_seconds: float = _setting(
        1500.0, "IMAP IDLE is re-issued this often (servers drop it after 29 minutes)."
    )
    imap_backoff_max_seconds: float = _setting(
        300.0, "Longest wait between IMAP reconnection attempts (doubling from 1 s)."
    )
    task_lease_minutes: float = _setting(
        30.0, "A claimed task returns to its unit's list when its lease is not renewed in time."
    )
    agent_capacity: int = _setting(
        5, "Tasks an agent may hold claimed at once, unless the organisation gives another."
    )
    callback_due_business_hours: float = _setting(
        8.0, "A callback task is due this many business hours after the answer."
    )
    callback_retry_hours: str = _setting(
        "2,4,24", "Business hours to wait before calling again after no answer, one per retry."
    )
    callback_max_attempts: int = _setting(
        3, "Calls without reaching the customer before the callback ends and the case closes."
    )
    escalation_warning_share: float = _setting(
        0.75, "Share of a task's deadline (in business time) after which it is flagged."
    )
    retention_days: int = _setting(
        3650, "Archived contacts and their originals are purged this many days after closing."
    )
    web_host: str = _setting("127.0.0.1", "Address the web UI and REST API listen on.")
    web_port: int = _setting(8000, "Port of the web UI and REST API; 0: no web server.")
    web_session_hours: float = _setting(10.0, "A sign-in lasts this long (a working day).")
    web_secure_cookies: bool = _setting(
        False, "Mark the session cookie Secure even on plain HTTP (set behind a TLS proxy)."
    )
    runner: str = _setting(
        "embedded",
        "How stages run: 'embedded' (threads of `intake serve`) or 'celery' (`intake worker`).",
    )
    broker_url: str = _setting(
        "redis://127.0.0.1:6379/0", "Celery runner: the broker (Redis) that carries stage tasks."
    )
    queue_prefix: str = _setting(
        "intake", "Celery runner: queue names are <prefix>.extract, .classify, .route, .periodic."
    )
    sweep_after_minutes: float = _setting(
        10.0, "Celery runner: a contact whose stage has not moved for this long is sent again."
    )
    sweep_every_seconds: float = _setting(60.0, "Celery runner: how often beat runs the sweeper.")
    # Tables of the TOML file (not settable from the environment except their secrets).
    imap_accounts: tuple[ImapAccount, ...] = _setting(
        (), "[[imap_accounts]] tables: mailboxes fetched over IMAP (see docs/email.md)."
    )
    smtp: SmtpSettings | None = _setting(
        None, "[smtp] table: the server acknowledgements and replies are sent through."
    )
    acknowledgements: AcknowledgementSettings = _setting(
        AcknowledgementSettings(), "[acknowledgements] table: enabled, daily cap, articles."
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'intake.db'}"

    @property
    def resolved_blob_dir(self) -> Path:
        return Path(self.blob_dir) if self.blob_dir else self.home / "blobs"

    @property
    def resolved_model_dir(self) -> Path:
        return Path(self.model_dir) if self.model_dir else self.home / "models"

    @property
    def resolved_scanner_inbox(self) -> Path:
        return Path(self.scanner_inbox) if self.scanner_inbox else self.home / "inbox" / "scanner"

    @property
    def resolved_mail_inbox(self) -> Path:
        return Path(self.mail_inbox) if self.mail_inbox else self.home / "inbox" / "mail"

    @property
    def language_list(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.languages.split(",") if code.strip())


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _parse_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a whole number")
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).replace("_", ""))
    except ValueError:
        raise ValueError("expected a whole number") from None


def _parse_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number")
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError("expected a number") from None


def _parse_str(raw: Any) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise ValueError("expected a string")
    return str(raw)


def _parse_path(raw: Any) -> Path:
    return Path(_parse_str(raw)).expanduser()


PARSERS: dict[str, Callable[[Any], Any]] = {
    "bool": _parse_bool,
    "int": _parse_int,
    "float": _parse_float,
    "str": _parse_str,
    "Path": _parse_path,
}

# Settings that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {"runner": ("embedded", "celery")}


def _coerce(name: str, raw: Any, origin: str) -> Any:
    type_name = {f.name: f.type for f in fields(Settings)}[name]
    try:
        value = PARSERS[str(type_name)](raw)
    except ValueError as error:
        raise ConfigError(f"{origin}: setting '{name}': {error}, got {raw!r}") from None
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{origin}: setting '{name}': must not be negative, got {raw!r}")
    if name in CHOICES and value not in CHOICES[name]:
        allowed = " or ".join(repr(choice) for choice in CHOICES[name])
        raise ConfigError(f"{origin}: setting '{name}': expected {allowed}, got {raw!r}")
    return value


def _unknown_key_error(origin: str, key: str) -> ConfigError:
    known = [f.name for f in fields(Settings)]
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ConfigError(f"{origin}: unknown setting '{key}'{hint}")


TABLE_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "imap_accounts": parse_imap_accounts,
    "smtp": parse_smtp,
    "acknowledgements": parse_acknowledgements,
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _from_file(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)}
    for key, raw in data.items():
        if key not in known:
            raise _unknown_key_error(str(path), key)
        if key in TABLE_PARSERS:
            try:
                values[key] = TABLE_PARSERS[key](raw, str(path))
            except MailConfigError as error:
                raise ConfigError(str(error)) from None
        else:
            values[key] = _coerce(key, raw, str(path))
    return values


def _from_env(environ: Mapping[str, str], secrets: set[str] | None = None) -> dict[str, Any]:
    secrets = secrets or set()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)} - set(TABLE_PARSERS)
    # Variables that steer the tooling rather than the settings object.
    reserved = {"config", "require_services", "failpoint", "log_level", "test_postgres_url"}
    for variable, raw in environ.items():
        if not variable.startswith(ENV_PREFIX) or variable in secrets:
            continue
        key = variable[len(ENV_PREFIX) :].lower()
        if key in reserved:
            continue
        if key not in known:
            raise _unknown_key_error(f"environment variable {variable}", key)
        values[key] = _coerce(key, raw, f"environment variable {variable}")
    return values


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the TOML file (if present) overlaid with `INTAKE_*` variables."""
    environ = os.environ if environ is None else environ
    explicit = config_file is not None or "INTAKE_CONFIG" in environ
    path = config_file or Path(environ.get("INTAKE_CONFIG", DEFAULT_CONFIG_FILE))
    values: dict[str, Any] = {}
    secrets: set[str] = set()
    if path.is_file():
        data = _read_toml(path)
        values.update(_from_file(data, path))
        secrets = referenced_env_variables(data)
    elif explicit:
        raise ConfigError(f"{path}: configuration file not found")
    values.update(_from_env(environ, secrets))
    return replace(Settings(), **values)


def settings_reference_markdown() -> str:
    """The table of every setting, for `docs/configuration.md`."""
    lines = [
        "| setting | environment variable | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in fields(Settings):
        default = spec.default
        if spec.name in TABLE_PARSERS:
            lines.append(f"| `[{spec.name}]` | - | table | - | {spec.metadata['help']} |")
            continue
        shown = "(empty)" if default == "" else f"`{default}`"
        lines.append(
            f"| `{spec.name}` | `{ENV_PREFIX}{spec.name.upper()}` | {spec.type} | {shown} "
            f"| {spec.metadata['help']} |"
        )
    return "\n".join(lines) + "\n"

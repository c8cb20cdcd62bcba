"""The email parts of the settings: IMAP accounts, the SMTP server, acknowledgements.

In `intake.toml`:

    [[imap_accounts]]
    name = "support"
    host = "imap.example.com"
    security = "ssl"            # ssl | starttls | none
    username = "support@example.com"
    password_env = "SUPPORT_IMAP_PASSWORD"   # or password_file / password_command
    folders = ["INBOX"]
    done_folder = "Intake/Done" # empty: flag the message instead of moving it

    [smtp]
    host = "smtp.example.com"
    from_address = "service@example.com"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from intake.secrets import Secret

SECURITY = ("ssl", "starttls", "none")
AUTH = ("password", "xoauth2")


@dataclass(frozen=True)
class ImapAccount:
    name: str
    host: str
    username: str
    port: int = 0
    security: str = "ssl"
    auth: str = "password"
    password: Secret = field(default_factory=Secret)
    oauth2_token: Secret = field(default_factory=Secret)
    folders: tuple[str, ...] = ("INBOX",)
    done_folder: str = "Intake/Done"
    done_flag: str = "\\Seen"
    poll_seconds: float = 60.0
    idle: bool = True
    batch_size: int = 100
    timeout_seconds: float = 60.0

    @property
    def resolved_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    from_address: str
    port: int = 0
    security: str = "starttls"
    username: str = ""
    password: Secret = field(default_factory=Secret)
    from_name: str = ""
    message_id_domain: str = ""
    timeout_seconds: float = 30.0

    @property
    def resolved_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587}.get(self.security, 25)

    @property
    def resolved_message_id_domain(self) -> str:
        return self.message_id_domain or self.from_address.rpartition("@")[2] or "intake.invalid"


@dataclass(frozen=True)
class AcknowledgementSettings:
    enabled: bool = True
    daily_cap_per_address: int = 3
    max_articles: int = 3
    max_attempts: int = 5
    retry_base_seconds: float = 60.0


class MailConfigError(ValueError):
    pass


def _secret(raw: Mapping[str, Any], prefix: str) -> Secret:
    return Secret(
        env=str(raw.get(f"{prefix}_env", "")),
        file=str(raw.get(f"{prefix}_file", "")),
        command=str(raw.get(f"{prefix}_command", "")),
        literal=str(raw.get(prefix, "")),
    )


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise MailConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _secret_keys(prefix: str) -> set[str]:
    return {prefix, f"{prefix}_env", f"{prefix}_file", f"{prefix}_command"}


def _typed(cls: type, raw: Mapping[str, Any], where: str, skip: set[str]) -> dict[str, Any]:
    """Plain fields of `cls` from `raw`, checked against the declared defaults' types."""
    values: dict[str, Any] = {}
    for spec in fields(cls):
        if spec.name in skip or spec.name not in raw:
            continue
        value = raw[spec.name]
        expected = spec.type if isinstance(spec.type, str) else spec.type.__name__
        if expected == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise MailConfigError(f"{where}.{spec.name}: expected a whole number, got {value!r}")
        if expected == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise MailConfigError(f"{where}.{spec.name}: expected a number, got {value!r}")
        if expected == "bool" and not isinstance(value, bool):
            raise MailConfigError(f"{where}.{spec.name}: expected true or false, got {value!r}")
        if expected == "str" and not isinstance(value, str):
            raise MailConfigError(f"{where}.{spec.name}: expected a string, got {value!r}")
        if expected.startswith("tuple"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise MailConfigError(f"{where}.{spec.name}: expected a list of strings")
            value = tuple(value)
        values[spec.name] = float(value) if expected == "float" else value
    return values


def _choice(value: str, allowed: tuple[str, ...], where: str) -> None:
    if value not in allowed:
        raise MailConfigError(f"{where}: expected one of {', '.join(allowed)}, got {value!r}")


def parse_imap_accounts(raw: Any, origin: str) -> tuple[ImapAccount, ...]:
    if not isinstance(raw, list):
        raise MailConfigError(f"{origin}: imap_accounts must be a list of [[imap_accounts]] tables")
    plain = {f.name for f in fields(ImapAccount)} - {"password", "oauth2_token"}
    allowed = plain | _secret_keys("password") | _secret_keys("oauth2_token")
    accounts = []
    for index, item in enumerate(raw):
        where = f"{origin}: imap_accounts[{index}]"
        if not isinstance(item, dict):
            raise MailConfigError(f"{where}: expected a table")
        _check_keys(item, allowed, where)
        for required in ("name", "host", "username"):
            if not item.get(required):
                raise MailConfigError(f"{where}: '{required}' is required")
        account = ImapAccount(
            **_typed(ImapAccount, item, where, {"password", "oauth2_token"}),
            password=_secret(item, "password"),
            oauth2_token=_secret(item, "oauth2_token"),
        )
        _choice(account.security, SECURITY, f"{where}.security")
        _choice(account.auth, AUTH, f"{where}.auth")
        secret = account.password if account.auth == "password" else account.oauth2_token
        if not secret.configured:
            kind = "password" if account.auth == "password" else "oauth2_token"
            raise MailConfigError(f"{where}: no {kind} given ({kind}_env, _file or _command)")
        accounts.append(account)
    names = [a.name for a in accounts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise MailConfigError(f"{origin}: imap_accounts: duplicate name(s) {', '.join(duplicates)}")
    return tuple(accounts)


def parse_smtp(raw: Any, origin: str) -> SmtpSettings:
    where = f"{origin}: smtp"
    if not isinstance(raw, dict):
        raise MailConfigError(f"{where}: expected a [smtp] table")
    plain = {f.name for f in fields(SmtpSettings)} - {"password"}
    _check_keys(raw, plain | _secret_keys("password"), where)
    for required in ("host", "from_address"):
        if not raw.get(required):
            raise MailConfigError(f"{where}: '{required}' is required")
    smtp = SmtpSettings(
        **_typed(SmtpSettings, raw, where, {"password"}), password=_secret(raw, "password")
    )
    _choice(smtp.security, SECURITY, f"{where}.security")
    return smtp


def parse_acknowledgements(raw: Any, origin: str) -> AcknowledgementSettings:
    where = f"{origin}: acknowledgements"
    if not isinstance(raw, dict):
        raise MailConfigError(f"{where}: expected an [acknowledgements] table")
    _check_keys(raw, {f.name for f in fields(AcknowledgementSettings)}, where)
    return AcknowledgementSettings(**_typed(AcknowledgementSettings, raw, where, set()))


def referenced_env_variables(data: Mapping[str, Any]) -> set[str]:
    """Environment variables the file names as secrets; they are not settings themselves."""
    tables: list[Any] = [*data.get("imap_accounts", []), data.get("smtp", {})]
    return {
        str(value)
        for table in tables
        if isinstance(table, dict)
        for key, value in table.items()
        if key.endswith("_env")
    }

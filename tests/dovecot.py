"""A real Dovecot IMAP server for tests: private config in a temp dir, free loopback ports.

Each instance has its own users (passwd-file), Maildir storage owned by `nobody`, and
optionally TLS with a self-signed certificate (IMAPS on one port, STARTTLS on the plain one).
Helpers APPEND messages, restart the server, and force a UIDVALIDITY change.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from intake.config_mail import ImapAccount
from intake.secrets import Secret

POOL_USERS = 40
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def dovecot_available() -> bool:
    return Path(DOVECOT).is_file()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, valid for two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Dovecot:
    root: Path
    # Dovecot notices a changed passwd-file only by its mtime, so users are made up front.
    users: dict[str, str] = field(
        default_factory=lambda: {
            "alice": "alicepw",
            **{f"pool{n:02d}": f"pool{n:02d}pw" for n in range(POOL_USERS)},
        }
    )
    tls: bool = False
    # Extra configuration lines (e.g. an oauth2 passdb), added at the end of the config.
    extra_config: str = ""
    port: int = 0
    imaps_port: int = 0
    cert: Path | None = None
    _process: subprocess.Popen[bytes] | None = None
    _handed_out: set[str] = field(default_factory=set)

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    def mail_dir(self, user: str) -> Path:
        return self.root / "mail" / user

    def write_config(self) -> None:
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root / "mail", "nobody", "nogroup")
        (self.root / "users").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in self.users.items())
        )
        self.port = self.port or free_port()
        tls_lines = "ssl = no\n"
        imaps = "port = 0"
        if self.tls:
            if self.cert is None:
                self.cert, _ = make_certificate(self.root)
            self.imaps_port = self.imaps_port or free_port()
            tls_lines = f"ssl = yes\nssl_cert = <{self.cert}\nssl_key = <{self.root / 'key.pem'}\n"
            imaps = f"address = 127.0.0.1\n    port = {self.imaps_port}"
        self.config.write_text(
            f"""protocols = imap
listen = 127.0.0.1
base_dir = {self.root / "run"}
state_dir = {self.root / "state"}
log_path = {self.root / "dovecot.log"}
{tls_lines}disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests check refused logins; the default two-second delay would only slow them down.
auth_failure_delay = 0
mail_location = maildir:{self.root / "mail"}/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root / "users"}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={self.root / "mail"}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
{self.extra_config}
"""
        )

    def start(self) -> None:
        if not self.config.exists():
            self.write_config()
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"dovecot did not listen on port {self.port}; see {self.root}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        # Dovecot's children may hold the port a moment longer than the master.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                return

    def restart(self) -> None:
        self.stop()
        self.start()

    def add_user(self) -> str:
        """A user of the pool whose mailbox no test has touched yet."""
        for user in self.users:
            if user.startswith("pool") and user not in self._handed_out:
                self._handed_out.add(user)
                return user
        raise RuntimeError("the Dovecot user pool is used up; make POOL_USERS larger")

    def client(self, user: str = "alice") -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, self.users[user])
        return client

    def append(self, messages: Iterable[bytes], user: str = "alice", folder: str = "INBOX") -> int:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            count = 0
            for message in messages:
                client.append(folder, message)
                count += 1
        return count

    def messages(self, user: str = "alice", folder: str = "INBOX") -> dict[int, bytes]:
        """UID -> bytes of every message in `folder` (empty when the folder does not exist)."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            if not uids:
                return {}
            fetched = client.fetch(uids, ["BODY.PEEK[]"])
            return {uid: data[b"BODY[]"] for uid, data in fetched.items()}

    def flags(self, user: str = "alice", folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client(user) as client:
            client.select_folder(folder, readonly=True)
            return dict(client.get_flags(client.search("ALL")))

    def uidvalidity(self, user: str = "alice", folder: str = "INBOX") -> int:
        with self.client(user) as client:
            return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])

    def change_uidvalidity(self, user: str = "alice", folder: str = "INBOX") -> int:
        """Forget the folder's UIDs (as a server migration or a rebuilt index does).

        Dovecot then assigns a new UIDVALIDITY and new UIDs to the same messages. UIDVALIDITY
        is derived from the clock, so we wait until it really differs.
        """
        before = self.uidvalidity(user, folder)
        directory = self.mail_dir(user)
        if folder != "INBOX":
            directory = directory / ("." + folder.replace("/", "."))
        while True:
            self.stop()
            for state in [directory / "dovecot-uidlist", *directory.glob("dovecot.index*")]:
                state.unlink(missing_ok=True)
            self.start()
            after = self.uidvalidity(user, folder)
            if after != before:
                return after
            time.sleep(1.0)


@contextmanager
def running_dovecot(tls: bool = False, extra_config: str = "") -> Iterator[Dovecot]:
    """A started Dovecot in a fresh folder, stopped and removed afterwards.

    The folder is outside pytest's private temp tree: Dovecot's auth process runs as the
    `dovecot` user and must be able to read the passwd-file.
    """
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-"))
    root.chmod(0o755)
    server = Dovecot(root, tls=tls, extra_config=extra_config)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def dovecot_fixture(tls: bool = False, extra_config: str = "") -> Any:
    """A module-scoped pytest fixture of a running Dovecot (skips when it is not installed)."""

    @pytest.fixture(scope="module")
    def dovecot() -> Iterator[Dovecot]:
        from tests.conftest import need

        need(dovecot_available(), "Dovecot is not installed (apt-get install dovecot-imapd)")
        with running_dovecot(tls=tls, extra_config=extra_config) as server:
            yield server

    return dovecot


def account_for(server: Dovecot, user: str, **overrides: object) -> ImapAccount:
    """A plain-text loopback account of `user` on `server`, done messages moved to Intake/Done."""
    account = ImapAccount(
        name=user,
        host="127.0.0.1",
        port=server.port,
        security="none",
        username=user,
        password=Secret(literal=server.users[user]),
        done_folder="Intake/Done",
    )
    return replace(account, **overrides)  # type: ignore[arg-type]

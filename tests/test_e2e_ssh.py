"""End to end over SSH: newsreader run through a real ssh session to a loopback sshd, in tmux.

The test starts its own sshd (own host key, config and authorized key, all in tmp_path) on a
free port of 127.0.0.1, logs in with a key it generated and drives the app at 80×24.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .test_e2e_tmux import Terminal, listed

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.access("/usr/sbin/sshd", os.X_OK) else None)
MISSING = [
    name
    for name, found in [
        ("sshd (openssh-server)", SSHD),
        ("ssh (openssh-client)", shutil.which("ssh")),
        ("ssh-keygen (openssh-client)", shutil.which("ssh-keygen")),
        ("tmux", shutil.which("tmux")),
        ("newsreader", shutil.which("newsreader")),
    ]
    if found is None
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)}"),
]


@dataclass
class SSHServer:
    """A running loopback sshd and the key that logs in to it."""

    port: int
    user: str
    key: Path

    def command(self, remote: str) -> str:
        """The ssh command line that runs `remote` on this server in a terminal."""
        options = [
            "-tt", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.key),
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        ]  # fmt: skip
        return shlex.join(["ssh", *options, f"{self.user}@127.0.0.1", remote])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "newsreader-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )


def _answers(port: int, sshd: subprocess.Popen[bytes], timeout: float = 10.0) -> bool:
    """Wait until sshd sends its banner on `port`; False when it exits first or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and sshd.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                if connection.recv(64).startswith(b"SSH-"):
                    return True
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[SSHServer]:
    assert SSHD is not None
    folder = tmp_path / "sshd"
    folder.mkdir()
    _keygen(folder / "host_key")
    _keygen(folder / "client_key")
    shutil.copy(folder / "client_key.pub", folder / "authorized_keys")
    # sshd running as root insists on its privilege separation folder; run by another user,
    # it cannot create it and does not need it.
    with contextlib.suppress(PermissionError):
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    sshd: subprocess.Popen[bytes] | None = None
    for _attempt in range(3):  # another process may take the free port before sshd binds it
        port = _free_port()
        config = folder / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {port}",
                    f"HostKey {folder / 'host_key'}",
                    f"PidFile {folder / 'sshd.pid'}",
                    f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                    "PermitRootLogin yes",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "StrictModes no",
                    "UsePAM no",
                    "PrintMotd no",
                    "PrintLastLog no",
                ]
            )
            + "\n"
        )
        sshd = subprocess.Popen(
            [SSHD, "-f", str(config), "-D", "-e"],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "sshd.log").open("wb"),
        )
        if _answers(port, sshd):
            break
        sshd.kill()
        sshd.wait()
        sshd = None
    if sshd is None:
        pytest.fail(f"sshd did not start; its log:\n{(folder / 'sshd.log').read_text()}")
    try:
        yield SSHServer(port=port, user=getpass.getuser(), key=folder / "client_key")
    finally:
        sshd.terminate()
        try:
            sshd.wait(timeout=5)
        except subprocess.TimeoutExpired:
            sshd.kill()
            sshd.wait()


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(
        f"newsreader-ssh-{os.getpid()}-{time.monotonic_ns()}", {"TERM": "xterm-256color"}
    )
    yield term
    term.stop()


def test_over_ssh_open_star_quit_reach_disk(
    ssh_server: SSHServer, terminal: Terminal, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    remote = shlex.join(
        [
            "env",
            f"NEWSREADER_DB={library}",
            f"NEWSREADER_CONFIG_DIR={tmp_path / 'config'}",
            f"PATH={os.environ['PATH']}",
            "newsreader",
        ]
    )
    # ssh exits with the remote command's status: seeing it proves `q` ended the session.
    terminal.start(f"{ssh_server.command(remote)}; echo ssh-exited-$?", width=80, height=24)
    screen = terminal.wait_for("How Trump and Putin", timeout=30)
    assert "3 unread" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for("WASHINGTON")
    assert "2 unread" in screen
    terminal.keys("s")
    terminal.wait_for("1 starred")
    terminal.keys("q")
    terminal.wait_for("ssh-exited-0")
    stories = listed(library)
    main = next(s for s in stories if s["role"] == "main")
    assert main["read"] is True and main["starred"] is True
    assert [s["starred"] for s in stories].count(True) == 1

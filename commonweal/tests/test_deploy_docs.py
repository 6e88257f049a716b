"""docs/deploy.md stays true: every environment variable the code reads is documented,
and its systemd units and nginx site pass the tools' own checks.

The variables are found by reading the code (its syntax tree), not from a list: a new
`os.environ.get("X")`, `env_bool("X", …)` or `env_list("X")` anywhere in the package
fails here until docs/deploy.md has a row for X.

`systemd-analyze verify` and `nginx -t` run where installed (systemd-analyze comes with
Debian's systemd; nginx with `apt-get install nginx-light`, which .ci/run does). Without
one, its check skips loudly on a developer's machine and fails under CI.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "commonweal"
DEPLOY = ROOT / "docs" / "deploy.md"
# Functions that read one environment variable named by their first argument.
ENV_READERS = {"env_bool", "env_list", "getenv", "_setting"}


def variables_read() -> dict[str, str]:
    """Every environment variable the package reads by a literal name: {name: file:line}."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = _variable_name(node)
            if name:
                found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _variable_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        environ_get = (
            isinstance(func, ast.Attribute)
            and func.attr in {"get", "pop"}
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        first = node.args[0]
        if (name in ENV_READERS or environ_get) and isinstance(first, ast.Constant):
            return first.value if isinstance(first.value, str) else None
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "environ"
        and isinstance(node.slice, ast.Constant)
    ):
        return node.slice.value if isinstance(node.slice.value, str) else None
    return None


def documented_variables() -> set[str]:
    """The `NAMES` in the first column of docs/deploy.md's tables."""
    names: set[str] = set()
    for line in DEPLOY.read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_the_scan_finds_what_it_should() -> None:
    found = variables_read()
    # One of each way of reading: os.environ.get, env_bool, env_list, sms._setting.
    for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TWILIO_API_BASE", "WEB_CONCURRENCY"):
        assert name in found, name
    tree = ast.parse('import os\nos.environ["A"]\nos.getenv("B")\nenv_list("C")\nx.get("D")')
    assert {_variable_name(n) for n in ast.walk(tree)} - {None} == {"A", "B", "C"}


def test_every_environment_variable_is_in_deploy_md() -> None:
    missing = {
        name: where
        for name, where in variables_read().items()
        if name not in documented_variables()
    }
    assert not missing, "not in docs/deploy.md's tables: " + ", ".join(
        f"{name} (read at {where})" for name, where in sorted(missing.items())
    )


def test_deploy_md_documents_no_variable_the_code_does_not_read() -> None:
    # A row for a variable nobody reads misleads the operator who sets it.
    stale = documented_variables() - set(variables_read())
    assert not stale, f"documented but never read: {sorted(stale)}"


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DEPLOY.read_text(), flags=re.S)


def unit_files() -> dict[str, str]:
    units = {}
    for block in fenced_blocks("ini"):
        first = block.splitlines()[0]
        if first.startswith("# /etc/systemd/system/"):
            units[first.removeprefix("# /etc/systemd/system/").strip()] = block
    return units


def test_the_documented_environment_file_uses_documented_variables() -> None:
    (env_file,) = [b for b in fenced_blocks("sh") if b.startswith("# /etc/commonweal/env")]
    names = {line.split("=", 1)[0] for line in env_file.splitlines()[1:] if "=" in line}
    assert names <= documented_variables()
    assert {"SECRET_KEY", "COMMONWEAL_ENCRYPTION_KEYS", "DATABASE_URL", "ALLOWED_HOSTS"} <= names


def tool(name: str) -> str:
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have `{name}` to check docs/deploy.md (.ci/run installs it)")
        pytest.skip(
            f"SKIPPED LOUDLY: `{name}` is not installed, so its check of docs/deploy.md did not run"
        )
    return path


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    systemd_analyze = tool("systemd-analyze")
    units = unit_files()
    assert set(units) == {"commonweal-web.service", "commonweal-worker.service"}
    env_file = tmp_path / "env"
    env_file.write_text("SECRET_KEY=x\n")
    # The paths of this checkout stand in for /srv/commonweal: verify wants the program
    # to exist and be executable.
    bin_dir = Path(sys.executable).parent
    paths = []
    for name, text in units.items():
        text = (
            text.replace("/srv/commonweal/.venv/bin/", f"{bin_dir}/")
            .replace("/srv/commonweal", str(ROOT))
            .replace("/etc/commonweal/env", str(env_file))
        )
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    result = subprocess.run(
        [systemd_analyze, "verify", *paths], capture_output=True, text=True, timeout=60
    )
    complaints = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert result.returncode == 0, result.stderr
    assert complaints == [], "\n".join(complaints)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "help.example.org")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    nginx = tool("nginx")
    (site,) = fenced_blocks("nginx")
    cert, key = self_signed_certificate(tmp_path)
    site = site.replace("/etc/letsencrypt/live/help.example.org/fullchain.pem", str(cert)).replace(
        "/etc/letsencrypt/live/help.example.org/privkey.pem", str(key)
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr

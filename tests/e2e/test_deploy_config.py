"""The production configuration under deploy/ is what the README says it is, and nginx accepts it
(`nginx -t` with a throw-away certificate). Without nginx these skip, saying why; under CI=true they fail."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "relief.conf"


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        if IN_CI:
            pytest.fail("CI=true but nginx is not installed (.ci/run installs Debian's nginx-light)")
        pytest.skip("nginx not installed: apt-get install nginx-light to check deploy/nginx/relief.conf")
    return found


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relief.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_nginx_accepts_the_site(tmp_path):
    nginx = _nginx()
    cert, key = _self_signed(tmp_path)
    site = (SITE.read_text("utf-8").replace("/etc/ssl/relief/fullchain.pem", str(cert))
            .replace("/etc/ssl/relief/privkey.pem", str(key))
            .replace("/var/log/nginx/relief.access.log", str(tmp_path / "access.log")))
    (tmp_path / "relief.conf").write_text(site, "utf-8")
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log stderr;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/relief.conf;
}}
""", "utf-8")
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_site_buffers_slow_clients_and_routes_every_entry_point():
    site = SITE.read_text("utf-8")
    for directive in ("client_body_timeout 10s;", "client_header_timeout 10s;", "proxy_request_buffering on;",
                      "proxy_buffering on;", "client_max_body_size 1m;", "ssl_protocols TLSv1.2 TLSv1.3;",
                      "proxy_set_header X-Forwarded-For $remote_addr;", "location = /wechat",
                      "location /staff/", "location /api/", "location /staff/static/", "PROXY_HOPS=1",
                      "server 127.0.0.1:8000;"):
        assert directive in site, directive
    assert "$request_uri" not in site.split("log_format")[1].split(";")[0]  # no query strings in the log

"""A TLS server context for the local SRS, with a self-signed certificate made at start (the `cryptography` package of
the `emulator` extra): a lab SRS has no certificate a client could check, and the emulator's SIPREC client does not
check one unless given a verifying context (`SiprecUserAgent(tls_context=...)`).

The certificate names the address the SRS listens on (subject alternative name), so that a verifying client given
this certificate as its trust anchor accepts it; its key is P-256 and lives only in this process (and, briefly, in a
private temporary folder, because `ssl` loads a chain from files only).
"""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

INSTALL_HINT = "the local TLS SRS makes its certificate with the `cryptography` package: " \
               "pip install 'pulumi-telnyx-siprec[emulator]'"


@dataclass(frozen=True)
class ServerCertificate:
    """A TLS server context and the PEM of its certificate (for a client that wants to check it)."""

    context: ssl.SSLContext
    certificate_pem: bytes


def self_signed(host: str, lifetime: timedelta = timedelta(days=1)) -> ServerCertificate:
    """A server context with a fresh self-signed certificate for `host` (an IP address or a name). RuntimeError saying
    how to install `cryptography` when it is missing."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as err:
        raise RuntimeError(f"{INSTALL_HINT} ({err})") from None
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pulumi-telnyx-siprec local SRS")])
    try:
        alternative: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alternative = x509.DNSName(host)
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + lifetime)
                   .add_extension(x509.SubjectAlternativeName([alternative]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Telnyx requires TLS 1.2 or later for SIP (docs/telnyx-api.md section 8): the local SRS does too.
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="srs-tls-") as folder:
        cert_path, key_path = Path(folder) / "srs.pem", Path(folder) / "srs.key"
        cert_path.write_bytes(pem)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        context.load_cert_chain(str(cert_path), str(key_path))
    return ServerCertificate(context, pem)

"""A certificate authority built in the tests, Amazon-like signing chains, and signed requests.

Shared by the web-door tests and bench/robustness.py: every rule of Amazon's
request signing can be broken on purpose, and nothing touches the network.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web import verification

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


# Nothing listens here: the skill's time-zone lookup fails at once and falls
# back to UTC, so no test reaches the internet.
OFFLINE_API = "https://127.0.0.1:9"


SKILL_ID = "amzn1.ask.skill.test-trust-renewal"


BASE = "https://s3.amazonaws.com/echo.api/"


CERT_URL = BASE + "echo-api-cert.pem"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(name: str, key, issuer_name=None, issuer_key=None, path_length=None) -> x509.Certificate:
    issuer_key = issuer_key or key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer_name or _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_name is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Ca:
    """A root and an intermediate; ``leaf()`` issues signing certificates under them."""

    label: str
    root_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    inter_key: rsa.RSAPrivateKey = field(default_factory=new_key)

    def __post_init__(self) -> None:
        self.root = _ca(f"{self.label} Root", self.root_key)
        self.inter = _ca(
            f"{self.label} Intermediate", self.inter_key,
            issuer_name=self.root.subject, issuer_key=self.root_key, path_length=0,
        )

    def leaf(
        self,
        key: rsa.RSAPrivateKey,
        *,
        not_before: datetime = NOW - timedelta(days=30),
        not_after: datetime = NOW + timedelta(days=300),
        san: tuple[str, ...] | None = ("echo-api.amazon.com",),
        eku: tuple = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH),
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name("echo-api.amazon.com"))
            .issuer_name(self.inter.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=True,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False,
                    crl_sign=False, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.inter_key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if san is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False
            )
        return builder.sign(self.inter_key, hashes.SHA256())

    def chain_pem(self, leaf: x509.Certificate) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, self.inter))


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


@dataclass
class Pki:
    ca: Ca
    stranger: Ca  # a CA nobody trusts
    leaf_key: rsa.RSAPrivateKey
    chains: dict[str, bytes]
    fetched: list[str]

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.chains:
            raise verification.FetchFailed("HTTP 404", definite=True)  # as S3 answers
        return self.chains[url]


def launch_body(at: datetime = NOW) -> bytes:
    builder = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API)
    builder.now = at
    return json.dumps(builder.launch()).encode()


def signed(pki: Pki, body: bytes, url: str = CERT_URL) -> dict[str, str]:
    return {"SignatureCertChainUrl": url, "Signature-256": sign(body, pki.leaf_key)}


class BlockingStore(MemoryStore):
    """A store whose reads wait until released: storage that hangs."""

    def __init__(self) -> None:
        import threading

        super().__init__()
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.block = False

    def _read(self, request_envelope, key):
        if self.block:
            self.blocked.set()
            self.release.wait(10)
        return super()._read(request_envelope, key)


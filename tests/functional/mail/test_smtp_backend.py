"""The SMTP backend against a real server (aiosmtpd): plain, STARTTLS and implicit TLS, with login, and with the
server's certificate verified (a private CA is trusted through MAIL_CA_FILE)."""

import datetime
import ipaddress
import smtplib
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from storefront.mail import Email, send_email
from tests.functional.mail.support import Inbox, free_port

USER, PASSWORD = "shop", "p@ss word"
MESSAGE = Email(to="reader@example.com", subject="Hello", text="Plain hello", html="<p>HTML hello</p>")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


@pytest.fixture
def tls_server(certificate):
    """Start an SMTP server speaking `mode` ('starttls' or 'smtps') that demands a login; returns its inbox."""
    controllers = []

    def start(mode):
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(*certificate)
        inbox = Inbox()
        options = {"authenticator": _authenticate, "auth_require_tls": mode == "starttls"}
        if mode == "starttls":
            options.update(tls_context=server_context, require_starttls=True)
        else:
            options.update(ssl_context=server_context)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        inbox.port = controller.port
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def smtp_url(scheme, port, user=USER, password=PASSWORD):
    return f"{scheme}://{user}:{password.replace(' ', '%20').replace('@', '%40')}@127.0.0.1:{port}"


@pytest.mark.parametrize("scheme, mode", [("smtp+starttls", "starttls"), ("smtps", "smtps")])
def test_mail_leaves_over_tls_with_a_login(app, tls_server, certificate, scheme, mode):
    inbox = tls_server(mode)
    app.config.update(MAIL_BACKEND="smtp", MAIL_URL=smtp_url(scheme, inbox.port), MAIL_CA_FILE=str(certificate[0]))

    send_email(MESSAGE)

    [message] = inbox.messages
    assert message.rcpt_tos == ["reader@example.com"]
    assert {kind: body.strip() for kind, body in message.parts.items()} == {
        "text/plain": "Plain hello",
        "text/html": "<p>HTML hello</p>",
    }


@pytest.mark.parametrize("scheme, mode", [("smtp+starttls", "starttls"), ("smtps", "smtps")])
def test_a_server_certificate_nobody_vouches_for_is_refused(app, tls_server, scheme, mode):
    inbox = tls_server(mode)
    app.config.update(MAIL_BACKEND="smtp", MAIL_URL=smtp_url(scheme, inbox.port), MAIL_CA_FILE=None)

    with pytest.raises(ssl.SSLCertVerificationError):
        send_email(MESSAGE)

    assert inbox.messages == []


def test_a_wrong_password_is_refused(app, tls_server, certificate):
    inbox = tls_server("starttls")
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_URL=smtp_url("smtp+starttls", inbox.port, password="wrong"),
        MAIL_CA_FILE=str(certificate[0]),
    )

    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_email(MESSAGE)

    assert inbox.messages == []


def test_plain_smtp_sends_without_tls(app, smtp):
    send_email(MESSAGE)

    [message] = smtp.messages
    assert message.subject == "Hello"

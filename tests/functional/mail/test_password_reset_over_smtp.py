"""With MAIL_URL set, the password-reset mail leaves through a real SMTP server as multipart text + HTML."""

from tests.factories import make_user


def test_password_reset_mail_goes_out_over_smtp(app, client, smtp):
    make_user("reader@example.com")

    response = client.post("/account/reset", data={"email": "reader@example.com"})

    assert response.status_code == 302
    [message] = smtp.messages
    assert message.rcpt_tos == ["reader@example.com"]
    assert message.subject == "Reset your password"
    assert set(message.parts) == {"text/plain", "text/html"}
    assert f"{app.config['BASE_URL']}/account/reset/" in message.text

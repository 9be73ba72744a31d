"""Mail and job settings are read from the environment and checked at start-up."""

import pytest

from storefront.config import ConfigError, load_config

SECRET = {"SECRET_KEY": "k" * 40}


def settings(tmp_path, **environ):
    return load_config({**SECRET, **environ}, instance_path=tmp_path)


def test_defaults_retry_after_10_60_and_300_seconds_on_the_default_queue(tmp_path):
    config = settings(tmp_path)

    assert config["JOB_RETRY_INTERVALS"] == [10, 60, 300]
    assert config["JOB_QUEUE"] == "default"
    assert config["MAIL_CA_FILE"] is None


def test_retry_intervals_and_queue_can_be_set(tmp_path):
    config = settings(tmp_path, JOB_RETRY_INTERVALS="0, 0,5", JOB_QUEUE="shop-2")

    assert config["JOB_RETRY_INTERVALS"] == [0, 0, 5]
    assert config["JOB_QUEUE"] == "shop-2"


@pytest.mark.parametrize(
    "variable, value",
    [
        ("JOB_RETRY_INTERVALS", "soon"),
        ("JOB_RETRY_INTERVALS", "-5"),
        ("JOB_RETRY_INTERVALS", ","),
        ("JOB_QUEUE", "two words"),
        ("JOB_QUEUE", ""),
        ("MAIL_CA_FILE", "/no/such/ca.pem"),
        ("MAIL_URL", "http://mail.example.com"),
    ],
)
def test_a_malformed_setting_stops_start_up_naming_it(tmp_path, variable, value):
    with pytest.raises(ConfigError, match=variable):
        settings(tmp_path, **{variable: value})


def test_a_private_ca_file_is_accepted(tmp_path):
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")

    assert settings(tmp_path, MAIL_CA_FILE=str(ca_file))["MAIL_CA_FILE"] == str(ca_file)

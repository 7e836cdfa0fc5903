from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import Client

pytestmark = pytest.mark.django_db

OPERATOR = {
    "OPERATOR_NAME": "Cluster Office GmbH",
    "OPERATOR_ADDRESS": "Musterstraße 1; 10115 Berlin; Germany",
    "OPERATOR_EMAIL": "office@cluster-office.example",
    "OPERATOR_PHONE": "+49 30 1234567",
    "OPERATOR_REPRESENTATIVE": "Erika Mustermann, managing director",
    "OPERATOR_REGISTER": "Amtsgericht Berlin-Charlottenburg, HRB 12345",
    "OPERATOR_VAT_ID": "DE123456789",
    "DATA_PROTECTION_CONTACT": "privacy@cluster-office.example",
}
EMPTY = dict.fromkeys(OPERATOR, "")


def _facts(html: str) -> list[tuple[str, str]]:
    """The imprint's (label, value) pairs, with tags and spacing flattened."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, flags=re.DOTALL)
    return [(dt, " ".join(re.sub(r"<[^>]+>", " ", dd).split())) for dt, dd in pairs]


def test_imprint_shows_the_operator_details_from_settings(client: Client, settings: Any) -> None:
    for name, value in OPERATOR.items():
        setattr(settings, name, value)

    html = client.get("/en/imprint/").content.decode()

    assert _facts(html) == [
        ("Operator", "Cluster Office GmbH"),
        ("Postal address", "Musterstraße 1 10115 Berlin Germany"),
        ("Represented by", "Erika Mustermann, managing director"),
        ("E-mail", "office@cluster-office.example"),
        ("Telephone", "+49 30 1234567"),
        ("Register entry", "Amtsgericht Berlin-Charlottenburg, HRB 12345"),
        ("VAT identification number", "DE123456789"),
    ]
    assert "Musterstraße 1<br>10115 Berlin<br>Germany" in html
    assert '<a href="mailto:office@cluster-office.example">' in html
    assert "has not set" not in html


def test_imprint_under_debug_names_each_empty_setting(client: Client, settings: Any) -> None:
    for name, value in EMPTY.items():
        setattr(settings, name, value)
    settings.DEBUG = True

    html = client.get("/en/imprint/").content.decode()

    assert [value for _label, value in _facts(html)] == [
        "The operator has not set their name (setting OPERATOR_NAME).",
        "The operator has not set their postal address (setting OPERATOR_ADDRESS).",
        "The operator has not set who represents them (setting OPERATOR_REPRESENTATIVE).",
        "The operator has not set their e-mail address (setting OPERATOR_EMAIL).",
        "The operator has not set their telephone number (setting OPERATOR_PHONE).",
        "The operator has not set their register entry (setting OPERATOR_REGISTER).",
        "The operator has not set their VAT identification number (setting OPERATOR_VAT_ID).",
    ]


def test_imprint_in_production_leaves_out_empty_optional_details(
    client: Client, settings: Any
) -> None:
    for name, value in {**OPERATOR, "OPERATOR_VAT_ID": "", "OPERATOR_REGISTER": ""}.items():
        setattr(settings, name, value)
    settings.DEBUG = False

    html = client.get("/en/imprint/").content.decode()

    assert [label for label, _value in _facts(html)] == [
        "Operator",
        "Postal address",
        "Represented by",
        "E-mail",
        "Telephone",
    ]


def test_imprint_in_german(client: Client, settings: Any) -> None:
    for name, value in EMPTY.items():
        setattr(settings, name, value)
    settings.DEBUG = False

    html = client.get("/de/imprint/").content.decode()

    assert "<h1>Impressum</h1>" in html
    assert _facts(html) == [
        (
            "Betreiber",
            "Der Betreiber hat seinen Namen nicht angegeben (Einstellung OPERATOR_NAME).",
        ),
        (
            "Postanschrift",
            "Der Betreiber hat seine Postanschrift nicht angegeben (Einstellung OPERATOR_ADDRESS).",
        ),
        (
            "E-Mail",
            "Der Betreiber hat seine E-Mail-Adresse nicht angegeben (Einstellung OPERATOR_EMAIL).",
        ),
    ]


def test_privacy_names_the_controller_contact_cookies_and_deletion(
    client: Client, settings: Any
) -> None:
    for name, value in OPERATOR.items():
        setattr(settings, name, value)
    settings.SIGN_IN_LOG_DAYS = 30

    html = client.get("/en/privacy/").content.decode()

    address = re.search(r"<address>(.*?)</address>", html, flags=re.DOTALL)
    assert address is not None
    assert " ".join(address.group(1).split()) == (
        "Cluster Office GmbH <br> Musterstraße 1<br>10115 Berlin<br>Germany"
    )
    assert 'write to:\n  <a href="mailto:privacy@cluster-office.example">' in html
    assert "Its entries are deleted after 30 days." in html
    assert re.findall(r"<dt><code>(.*?)</code></dt>", html) == [
        "sessionid",
        "csrftoken",
        "django_language",
        "messages",
    ]
    assert "Kept for 14 days." in html
    assert "coming from a “former user” instead of your name" in html


def test_privacy_falls_back_to_the_operator_email(client: Client, settings: Any) -> None:
    for name, value in {**OPERATOR, "DATA_PROTECTION_CONTACT": ""}.items():
        setattr(settings, name, value)

    html = client.get("/en/privacy/").content.decode()

    assert 'write to:\n  <a href="mailto:office@cluster-office.example">' in html


def test_privacy_in_german(client: Client) -> None:
    html = client.get("/de/privacy/").content.decode()

    assert "<h1>Datenschutz</h1>" in html
    assert "<h2>Wenn Sie Ihr Konto löschen</h2>" in html
    assert "unter „ehemaliger Nutzer“ statt unter Ihrem Namen" in html


@pytest.mark.parametrize("path", ["/en/", "/en/clusters/", "/de/search/", "/en/no-such-page/"])
def test_every_page_links_imprint_and_privacy_in_its_footer(client: Client, path: str) -> None:
    html = client.get(path).content.decode()

    footer = html.split('<footer class="site-footer">', 1)[1]
    language = path[1:3]
    links = re.findall(r'<a href="([^"]+)">', footer)
    assert links[-2:] == [f"/{language}/imprint/", f"/{language}/privacy/"]


def _legal_errors() -> list[tuple[str, str]]:
    return [
        (message.id or "", message.msg)
        for message in run_checks(include_deployment_checks=True, tags=["legal"])
    ]


def test_deploy_check_names_the_empty_operator_settings(settings: Any) -> None:
    for name, value in {**OPERATOR, "OPERATOR_NAME": "", "OPERATOR_EMAIL": ""}.items():
        setattr(settings, name, value)

    assert _legal_errors() == [
        (
            "clusterbridge.E001",
            "The imprint and privacy pages lack the operator's details: "
            "OPERATOR_NAME, OPERATOR_EMAIL are empty.",
        )
    ]


def test_deploy_check_passes_with_the_required_settings(settings: Any) -> None:
    required = ("OPERATOR_NAME", "OPERATOR_ADDRESS", "OPERATOR_EMAIL")
    for name, value in EMPTY.items():
        setattr(settings, name, OPERATOR[name] if name in required else value)

    assert _legal_errors() == []


def test_operator_check_runs_only_for_deployment(settings: Any) -> None:
    for name, value in EMPTY.items():
        setattr(settings, name, value)

    assert run_checks(include_deployment_checks=False, tags=["legal"]) == []

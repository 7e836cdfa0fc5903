"""Which e-mail addresses prove that a person works for a cluster: those at the cluster's own
web domain (subdomains allowed), never at a free-mail provider."""

from __future__ import annotations

from urllib.parse import urlsplit

# Providers anyone can get an address at; an address there proves nothing about an employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "163.com", "126.com", "aol.com", "aol.de", "arcor.de", "bluewin.ch", "gmail.com",
        "googlemail.com", "gmx.at", "gmx.ch", "gmx.de", "gmx.net", "gmx.com", "freenet.de",
        "free.fr", "hanmail.net", "hotmail.com", "hotmail.de", "hotmail.fr", "icloud.com",
        "laposte.net", "libero.it", "live.com", "live.de", "mail.com", "mail.de", "mail.ru",
        "mailbox.org", "me.com", "msn.com", "naver.com", "online.de", "orange.fr",
        "outlook.com", "outlook.de", "posteo.de", "proton.me", "protonmail.com", "qq.com",
        "t-online.de", "tutanota.com", "web.de", "yahoo.com", "yahoo.de", "yahoo.fr",
        "yandex.com", "yandex.ru", "zoho.com",
    }
)  # fmt: skip


def website_domain(website: str) -> str:
    """The host of a cluster's website without a leading "www.", lower case; "" if none."""
    host = (urlsplit(website if "//" in website else f"//{website}").hostname or "").lower()
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def is_free_mail(email: str) -> bool:
    domain = email_domain(email)
    return any(domain == free or domain.endswith(f".{free}") for free in FREE_MAIL_DOMAINS)


def address_matches_website(email: str, website: str) -> bool:
    """True when the address is at the website's domain or one of its subdomains."""
    domain, site = email_domain(email), website_domain(website)
    if not domain or not site or "." not in site or is_free_mail(email):
        return False
    return domain == site or domain.endswith(f".{site}")

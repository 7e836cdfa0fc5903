"""The demo's logins, one per role, and a little life around them: claimed clusters, contact
requests (one held for a cluster nobody manages yet), a partnership with a conversation, a
claim waiting for review, and a sample sketch assigned to the juror.

Created only by `clusterbridge demo` (never by migrations or any other command), all with one
published password, and listed on the sign-in page only when DEBUG is on. Everything is made
through the same services people use, so it is audited like real work; the sketch is marked as
sample data, as it is invented."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterbridge.accounts import claims
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.clusters.models import Cluster

DEMO_PASSWORD = "clusterbridge-demo"  # noqa: S105 - published on purpose: demo data only


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    first_name: str
    last_name: str
    role: Promise
    language: str = "en"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "manager_de",
        "manager.de@demo.example",
        "Anna",
        "Becker",
        _("manager of a German cluster"),
        "de",
    ),
    DemoAccount(
        "manager_abroad",
        "manager.abroad@demo.example",
        "Louise",
        "Martin",
        _("manager of a cluster abroad"),
    ),
    DemoAccount("juror", "juror@demo.example", "Jonas", "Richter", _("jury member"), "de"),
    DemoAccount("officer", "officer@demo.example", "Olivia", "Wagner", _("programme officer")),
    DemoAccount("admin", "admin@demo.example", "Adam", "Schulz", _("administrator")),
)

# Real clusters of the demo data: Photonics BW (German, not selected in any round), its
# partners in Brittany and Québec, the Florida cluster its request waits for, and Minalogic.
GERMAN, PARTNER, SECOND, UNCLAIMED, REVIEWED = (
    "photonics-bw",
    "photonics-bretagne",
    "optonique",
    "fpc",
    "minalogic",
)


def _account(account: DemoAccount) -> User:
    user = User.objects.filter(email__iexact=account.email).first()
    if user is None:
        user = User.objects.create_user(
            username=account.email,
            email=account.email,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            preferred_language=account.language,
        )
        EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=True)
    if account.key == "juror":
        user_grant_role(user=user, role=Role.JURY_MEMBER)
    elif account.key == "officer":
        user_grant_role(user=user, role=Role.PROGRAMME_OFFICER)
    elif account.key == "admin" and not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _approved(user: User, cluster: Cluster, officer: User, note: str, base_url: str) -> None:
    if cluster.managers.filter(pk=user.pk).exists():
        return
    claim = claims.claim_start(user=user, cluster=cluster, note=note, base_url=base_url)
    claims.claim_decide(claim=claim, actor=officer, approve=True, note="", base_url=base_url)


def _story(people: dict[str, User], clusters: dict[str, Cluster], base_url: str) -> None:
    from clusterbridge.cooperation.conversation import message_post
    from clusterbridge.cooperation.services import contact_request_accept, contact_request_send
    from clusterbridge.programme import services as programme
    from clusterbridge.programme.enums import ApplicationState
    from clusterbridge.programme.models import Application, Round

    anna, louise = people["manager_de"], people["manager_abroad"]
    officer, juror = people["officer"], people["juror"]
    _approved(anna, clusters[GERMAN], officer, "Managing director of Photonics BW.", base_url)
    for slug in (PARTNER, SECOND):
        _approved(louise, clusters[slug], officer, "International projects manager.", base_url)
    if not ClusterClaim.objects.filter(user=louise, cluster=clusters[REVIEWED]).exists():
        claims.claim_start(
            user=louise,
            cluster=clusters[REVIEWED],
            note="I coordinate the photonics working group that Minalogic shares with us.",
            base_url=base_url,
        )
    request = contact_request_send(
        sender_cluster=clusters[GERMAN],
        receiver_cluster=clusters[PARTNER],
        actor=anna,
        topic="Integrated photonics for quantum sensing",
        message="We would like to explore joint projects on photonic integrated circuits for "
        "quantum sensors, with our SMEs and your foundry partners.",
        base_url=base_url,
    )
    partnership = contact_request_accept(
        contact_request=request,
        actor=louise,
        reply="Gladly: our members work on exactly this.",
        base_url=base_url,
    )
    message_post(
        partnership=partnership,
        actor=anna,
        body="Shall we meet at the next matchmaking day? We could bring three SMEs.",
        base_url=base_url,
    )
    message_post(
        partnership=partnership,
        actor=louise,
        body="Yes, and we will bring the foundry. I will send dates.",
        base_url=base_url,
    )
    contact_request_send(
        sender_cluster=clusters[SECOND],
        receiver_cluster=clusters[GERMAN],
        actor=louise,
        topic="Laser manufacturing",
        message="Québec's laser makers look for partners in ultrashort-pulse processing.",
        base_url=base_url,
    )
    contact_request_send(
        sender_cluster=clusters[GERMAN],
        receiver_cluster=clusters[UNCLAIMED],
        actor=anna,
        topic="Photonics for space",
        message="We look for partners in space photonics and would like to talk.",
        base_url=base_url,
    )
    round_ = Round.objects.filter(year=2017).first()
    if round_ is not None and round_.criteria.exists():
        sketch = Application.objects.create(
            round=round_,
            cluster=clusters[GERMAN],
            state=ApplicationState.SUBMITTED,
            title="Photonics BW goes to Brittany and Québec",
            idea="Integrated photonics for quantum sensing with partners in Brittany and Québec.",
            target_countries=["FR", "CA"],
            created_by=anna,
            submitted_at=timezone.now(),
            is_sample=True,
        )
        programme.assignment_create(application=sketch, juror=juror, actor=officer)


@transaction.atomic
def demo_accounts_load(*, base_url: str = "http://127.0.0.1:8000/") -> list[DemoAccount]:
    """Creates the demo's logins (again: it is idempotent) and, once, their story."""
    people = {account.key: _account(account) for account in DEMO_ACCOUNTS}
    slugs = (GERMAN, PARTNER, SECOND, UNCLAIMED, REVIEWED)
    clusters = {c.slug: c for c in Cluster.objects.filter(slug__in=slugs)}
    told = ClusterClaim.objects.filter(user=people["manager_de"]).exists()
    if len(clusters) == len(slugs) and not told:
        _story(people, clusters, base_url)
    return list(DEMO_ACCOUNTS)

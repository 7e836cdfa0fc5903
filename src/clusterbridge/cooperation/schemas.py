"""API shapes of cooperation: separate In and Out schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict

from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import validators
from clusterbridge.cooperation.enums import PartnershipStage
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership, ProjectIdea


def _request(context: Any) -> HttpRequest:
    request: HttpRequest = context["request"]
    return request


class ClusterRefOut(Schema):
    slug: str
    name: str
    country: str
    url: str

    @staticmethod
    def resolve_url(obj: Cluster, context: Any) -> str:
        return _request(context).build_absolute_uri(obj.get_absolute_url())


class StageChangeOut(Schema):
    from_stage: str = Field(description="Empty for the first entry.")
    to_stage: str
    by: str
    note: str
    at: datetime

    @staticmethod
    def resolve_by(obj: Any) -> str:
        return str(obj.actor_name)

    @staticmethod
    def resolve_at(obj: Any) -> datetime:
        created: datetime = obj.created_at
        return created


class PartnershipOut(Schema):
    id: int
    german_cluster: ClusterRefOut
    partner_cluster: ClusterRefOut
    stage: PartnershipStage
    stage_label: str
    stage_since: datetime
    created_at: datetime
    url: str

    @staticmethod
    def resolve_stage_label(obj: Partnership) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_url(obj: Partnership, context: Any) -> str:
        return _request(context).build_absolute_uri(obj.get_absolute_url())


class PartnershipDetailOut(PartnershipOut):
    history: list[StageChangeOut] | None = Field(
        description="Who moved the partnership when, and why; only for the managers of the two "
        "clusters and administrators (null for everyone else)."
    )

    @staticmethod
    def resolve_history(obj: Partnership) -> Any:
        return getattr(obj, "visible_history", None)


class ContactRequestOut(Schema):
    id: int
    sender_cluster: ClusterRefOut
    receiver_cluster: ClusterRefOut
    sent_by: str
    topic: str
    message: str
    status: str
    reply: str
    created_at: datetime
    decided_at: datetime | None
    partnership_id: int | None
    notice: str = Field(
        description="What the sender needs to know about the request's state, in plain words; "
        "empty unless the request is held (its cluster has no managers on the platform yet)."
    )
    delivered_at: datetime | None = Field(
        description="For a request that was held: when the cluster's managers received it."
    )

    @staticmethod
    def resolve_sent_by(obj: ContactRequest) -> str:
        return obj.sender.get_username() if obj.sender is not None else ""

    @staticmethod
    def resolve_notice(obj: ContactRequest) -> str:
        return obj.notice


class ContactRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    from_cluster: str = Field(description="Slug of the cluster you manage and write for.")
    to_cluster: str = Field(description="Slug of the cluster you write to.")
    topic: str = Field(
        description=f"{validators.TOPIC_MIN_LENGTH} to {validators.TOPIC_MAX_LENGTH} characters."
    )
    message: str = Field(
        description=f"{validators.MESSAGE_MIN_LENGTH} to {validators.MESSAGE_MAX_LENGTH} "
        "characters of plain text; control characters are removed."
    )


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reply: str = Field("", description=f"At most {validators.REPLY_MAX_LENGTH} characters.")


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: PartnershipStage
    note: str = Field("", description=f"At most {validators.NOTE_MAX_LENGTH} characters.")


class PartnershipQuery(Schema):
    cluster: str = Field(description="Slug of the cluster whose partnerships to list.")


class ProjectIdeaOut(Schema):
    id: int
    partnership_id: int
    title: str
    summary: str
    proposed_by: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_proposed_by(obj: ProjectIdea) -> str:
        return obj.created_by.get_username() if obj.created_by is not None else ""


class ProjectIdeaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(
        description=f"{validators.TOPIC_MIN_LENGTH} to {validators.TOPIC_MAX_LENGTH} characters."
    )
    summary: str = Field(
        description=f"{validators.MESSAGE_MIN_LENGTH} to {validators.MESSAGE_MAX_LENGTH} "
        "characters of plain text."
    )


class MessageOut(Schema):
    id: int
    partnership_id: int
    author: str = Field(
        description="The author's name, or “former user” for an account that is gone."
    )
    author_cluster: ClusterRefOut | None = Field(
        description="The side the author wrote for; null for a platform administrator."
    )
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Message) -> str:
        return obj.author_name


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        description=f"1 to {validators.BODY_MAX_LENGTH} characters of plain text; control "
        "characters are removed."
    )

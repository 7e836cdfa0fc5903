"""The officers' back office for configuration (programme rules, rounds, criteria) and for
reading the procedure. States, scores and decisions are read-only here: they change only
through the services (pages and API), which check the rules and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clusterbridge.accounts.models import User
from clusterbridge.programme import models, services


def _user(request: HttpRequest) -> User:
    # The admin only lets signed-in staff in; the services check the permission again.
    assert isinstance(request.user, User)
    return request.user


@admin.register(models.FundingProgramme)
class FundingProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_en", "max_grant_eur", "concept_max_months", "total_max_months"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Changes to the rules go through the service, so they are checked and audited.
        if not change:
            super().save_model(request, obj, form, change)
            return
        fields = [name for name in form.changed_data if name in services.PROGRAMME_FIELDS]
        current = models.FundingProgramme.objects.get(pk=obj.pk)
        services.programme_update(
            programme=current,
            actor=_user(request),
            data={name: getattr(obj, name) for name in fields},
        )


class CriterionInline(admin.TabularInline):
    model = models.ReviewCriterion
    extra = 0

    # Criteria are fixed once a round has reviews (every review on the same scale).
    def _reviewed(self, obj: Any) -> bool:
        return obj is not None and models.Review.objects.filter(application__round=obj).exists()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._reviewed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._reviewed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._reviewed(obj) and super().has_delete_permission(request, obj)


@admin.register(models.Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "call_opens", "call_closes", "decision_date", "budget_eur"]
    list_filter = ["programme"]
    inlines = [CriterionInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Round dates and targets go through the service, so they are checked and audited.
        if not change:
            services.round_create(
                programme=obj.programme,
                actor=_user(request),
                year=obj.year,
                **{name: getattr(obj, name) for name in services.ROUND_FIELDS},
            )
            obj.pk = models.Round.objects.get(programme=obj.programme, year=obj.year).pk
            return
        fields = [name for name in form.changed_data if name in services.ROUND_FIELDS]
        services.round_update(
            round=models.Round.objects.get(pk=obj.pk),
            actor=_user(request),
            data={name: getattr(obj, name) for name in fields},
        )


class BudgetLineInline(admin.TabularInline):
    model = models.BudgetLine
    extra = 0
    readonly_fields = ["phase", "year", "amount_eur", "description"]
    can_delete = False


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["cluster", "round", "state", "submitted_at", "is_sample", "selection_inferred"]
    list_filter = ["round", "state", "is_sample"]
    search_fields = ["cluster__name", "title"]
    readonly_fields = [
        "round",
        "cluster",
        "state",
        "submitted_at",
        "formal_submitted_at",
        "decided_at",
        "panel_justification",
        "agency_note",
        "created_by",
    ]
    inlines = [BudgetLineInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(models.Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["application", "juror", "submitted_at", "is_sample"]
    readonly_fields = ["application", "juror", "comment", "no_conflict_declared", "is_sample"]

    def has_add_permission(self, request: object) -> bool:
        return False


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0
    readonly_fields = ["kind", "starts_on", "ends_on", "budget_eur", "is_sample"]
    can_delete = False


@admin.register(models.Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["application", "amount_eur", "starts_on", "ends_on", "is_sample"]
    list_filter = ["application__round", "is_sample"]
    readonly_fields = ["application", "amount_eur", "starts_on", "ends_on", "german_funding_rate"]
    inlines = [PhaseInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(models.ReportDue)
class ReportDueAdmin(admin.ModelAdmin):
    list_display = ["grant", "title", "due_on", "submitted_at", "reminded_at", "late_flagged_at"]
    readonly_fields = ["submitted_at", "reminded_at", "late_flagged_at"]


@admin.register(models.ProjectOutline)
class ProjectOutlineAdmin(admin.ModelAdmin):
    list_display = ["title", "grant", "state", "decided_at"]
    readonly_fields = ["state", "decided_at", "decided_by", "decision_note"]


@admin.register(models.CollaborativeProject)
class CollaborativeProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "grant", "state", "starts_on", "ends_on"]
    readonly_fields = ["state", "outline"]


admin.site.register(models.ConflictDeclaration)
admin.site.register(models.ReviewAssignment)
admin.site.register(models.Participant)
admin.site.register(models.OwnFunding)
admin.site.register(models.IPRAgreement)
admin.site.register(models.Expenditure)
admin.site.register(models.InternationalisationConcept)

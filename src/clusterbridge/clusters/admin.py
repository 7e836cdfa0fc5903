from django.contrib import admin

from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    Contact,
    FundingSource,
    Label,
    ManagementOrganisation,
    Member,
    MemberCount,
)


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0
    autocomplete_fields = ["technology_field"]


class MemberCountInline(admin.TabularInline):
    model = MemberCount
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "region", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym", "slug", "city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["management_organisation", "technology_fields", "managers"]
    filter_horizontal = ["branches", "value_chain_roles", "labels", "funding_sources"]
    inlines = [CompetenceInline, MemberCountInline]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(ManagementOrganisation)
class ManagementOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "email"]
    search_fields = ["name"]
    inlines = [ContactInline]


admin.site.register(Label, search_fields=["name"])
admin.site.register(FundingSource, search_fields=["name"])
admin.site.register(Member, list_display=["name", "cluster", "member_type"], search_fields=["name"])

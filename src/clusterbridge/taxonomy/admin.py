from django.contrib import admin

from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole


@admin.register(TechnologyField)
class TechnologyFieldAdmin(admin.ModelAdmin):
    list_display = ["label_en", "label_de", "branch", "slug"]
    list_filter = ["branch"]
    search_fields = ["label_en", "label_de", "slug"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["label_en", "label_de", "slug"]
    search_fields = ["label_en", "label_de"]


admin.site.register(ValueChainRole, list_display=["label_en", "label_de", "position"])
admin.site.register(MemberType, list_display=["label_en", "label_de", "position"])

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusterbridge.clusters import selectors
from clusterbridge.clusters.enums import ClusterKind, Direction
from clusterbridge.clusters.forms import ClusterProfileForm
from clusterbridge.clusters.jsonld import record_to_jsonld
from clusterbridge.clusters.services import PROFILE_FIELDS, cluster_update_profile
from clusterbridge.common.params import query_int
from clusterbridge.taxonomy import geo

PAGE_SIZE = 25


@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.cluster_filters_parse(
        countries=request.GET.getlist("country"),
        fields=request.GET.getlist("field"),
        kinds=request.GET.getlist("kind"),
        query=request.GET.get("q", ""),
    )
    paginator = Paginator(selectors.cluster_list(filters=filters), PAGE_SIZE)
    # A page past the last shows the last one (Paginator.get_page).
    page = paginator.get_page(
        query_int(request.GET, "page", min_value=1, max_value=1_000_000, default=1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "filter_query": query.urlencode(),
        "countries": selectors.country_facets(),
        "fields": selectors.field_facets(),
        "kinds": ClusterKind.choices,
        "active_filters": len(filters.countries) + len(filters.fields) + len(filters.kinds),
    }
    template = "clusters/_results.html" if request.htmx else "clusters/list.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=400 if filters.errors else 200)


@require_GET
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.cluster_get(slug=slug)
    record = selectors.cluster_as_record(cluster)
    member_mix = selectors.member_mix(cluster)
    context = {
        "cluster": cluster,
        "offered": selectors.competences_of(cluster, Direction.OFFERS),
        "sought": selectors.competences_of(cluster, Direction.SEEKS),
        "member_mix": member_mix,
        "member_mix_height": len(member_mix) * selectors.BAR_ROW_HEIGHT + 4,
        "country_name": geo.country_name(cluster.country),
        "region_name": geo.subdivision_name(cluster.region) if cluster.region else "",
        "can_edit": request.user.has_perm("clusters.change_cluster_profile", cluster),
        "is_claimed": cluster.managers.exists(),
        "jsonld": record_to_jsonld(record, base_url=request.build_absolute_uri("/")),
    }
    return render(request, "clusters/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.cluster_get(slug=slug)
    if not request.user.has_perm("clusters.change_cluster_profile", cluster):
        raise PermissionDenied(_("You may only edit the profiles of clusters you manage."))
    form = ClusterProfileForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            cluster_update_profile(
                cluster=selectors.cluster_get(slug=slug),
                actor=request.user,  # type: ignore[arg-type]
                data={name: form.cleaned_data[name] for name in PROFILE_FIELDS},
                technology_fields=list(form.cleaned_data["technology_fields"]),
                competences_offered=form.cleaned_data["competences_offered"],
                competences_sought=form.cleaned_data["competences_sought"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The profile was saved."))
            return HttpResponseRedirect(cluster.get_absolute_url())
    return render(request, "clusters/edit.html", {"cluster": cluster, "form": form})

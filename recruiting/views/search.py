"""The search in the header: the list of the first matches as one types (htmx), and
the results page, a page of one kind's matches at a time."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.access import require_membership
from lib.pagination import page_nav, page_url
from recruiting import search
from recruiting.forms.search import GlobalSearchForm


@login_required
@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    """The matches of each kind, counted up to a cap, and a page of one kind's (`kind`,
    `page`). Two queries besides the layout's: the search and the page's rows."""
    membership = require_membership(request)
    form = GlobalSearchForm(request.GET)
    query = form.query()
    results = search.search_results(
        membership=membership, query=query, kind=form.kind_shown(), page=request.GET.get("page")
    )
    count = results.counts[results.kind]
    context = {
        "form": form,
        "query": query,
        "searched": len(query.strip()) >= search.MIN_LENGTH,
        "min_length": search.MIN_LENGTH,
        "results": results,
        "label": search.KINDS[results.kind],
        "capped": count.more,
        "cap": search.RESULTS_CAP,
        "tabs": [
            (kind, label, results.counts[kind], page_url(request.GET, kind=kind, page=None))
            for kind, label in search.KINDS.items()
        ],
        "nav": page_nav(
            results.page,
            request.GET,
            summary=f"{count} {search.KINDS[results.kind].lower()}"
            + (f", page {results.page.number} of {results.page.paginator.num_pages}"),
        ),
    }
    status = 400 if form.errors.get("q") else 200
    return render(request, "recruiting/search.html", context, status=status)


@login_required
@require_GET
def search_preview(request: HttpRequest) -> HttpResponse:
    """The header's list: the first matches of each kind, asked for by htmx as one
    types. Five queries at most besides the layout's: the search and a kind's rows.
    Without htmx, the results page."""
    if not request.htmx:
        return redirect(f"{reverse('recruiting:search')}{page_url(request.GET)}")
    membership = require_membership(request)
    form = GlobalSearchForm(request.GET)
    query = form.query()
    context = {
        "query": query,
        "too_short": len(query.strip()) < search.MIN_LENGTH,
        "min_length": search.MIN_LENGTH,
        "groups": search.search_preview(membership=membership, query=query),
        "error": form.errors.get("q"),
    }
    return render(request, "recruiting/search_preview.html", context)

"""The project's routes plus one without a matrix row (for the matrix's own test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def _forgotten(request: HttpRequest) -> HttpResponse:
    return HttpResponse("forgotten")


urlpatterns = [*project_urlpatterns, path("forgotten/", _forgotten, name="forgotten_route")]

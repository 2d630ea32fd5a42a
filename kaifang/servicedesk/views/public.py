from django.http import HttpRequest, HttpResponse


def submit(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")

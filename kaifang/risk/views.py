from django.http import HttpRequest, HttpResponse


def scenario_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def my_follow_ups(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")

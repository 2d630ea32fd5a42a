from django.urls import path

from kaifang.supervision.views import boards, documents, tasks

app_name = "supervision"

urlpatterns = [
    path("", tasks.task_list, name="task_list"),
    path("export.<str:fmt>", tasks.task_export, name="task_export"),
    path("boards/", boards.boards, name="boards"),
    path("summary/", boards.summary, name="summary"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_create, name="document_create"),
    path("documents/<int:pk>/", documents.document_review, name="document_review"),
    path("documents/<int:pk>/original/", documents.document_original, name="document_original"),
    path("documents/<int:pk>/decompose/", documents.document_decompose, name="document_decompose"),
    path("candidates/<int:pk>/edit/", documents.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/merge/", documents.candidate_merge, name="candidate_merge"),
    path("candidates/<int:pk>/map-unit/", documents.candidate_unit_map, name="candidate_unit_map"),
    path("candidates/<int:pk>/split/", documents.candidate_split, name="candidate_split"),
    path("candidates/<int:pk>/discard/", documents.candidate_discard, name="candidate_discard"),
    path("candidates/<int:pk>/confirm/", documents.candidate_confirm, name="candidate_confirm"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("enterprise-search/", tasks.enterprise_search, name="enterprise_search"),
    path("tasks/<int:pk>/sign/", tasks.task_sign, name="task_sign"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="task_report"),
    path(
        "tasks/<int:pk>/request-completion/",
        tasks.task_request_completion,
        name="task_request_completion",
    ),
    path("tasks/<int:pk>/accept/", tasks.task_accept, name="task_accept"),
    path("tasks/<int:pk>/return/", tasks.task_return, name="task_return"),
    path("tasks/<int:pk>/extension/", tasks.extension_create, name="extension_create"),
    path("tasks/<int:pk>/milestones/", tasks.milestone_create, name="milestone_create"),
    path(
        "tasks/<int:pk>/milestones/<int:milestone_pk>/done/",
        tasks.milestone_done,
        name="milestone_done",
    ),
    path(
        "extensions/<int:pk>/<str:decision>/",
        tasks.extension_decide,
        name="extension_decide",
    ),
    path("attachments/<int:pk>/", tasks.attachment_download, name="attachment_download"),
]

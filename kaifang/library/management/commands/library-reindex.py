"""`kaifang library-reindex`: rebuild the full-text index of every library document and of
supervision's source documents (after a change of the segmenter or its dictionary)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from kaifang.library.actions import index_document, index_supervision
from kaifang.library.models import Document


class Command(BaseCommand):
    help = "重建政策库全文索引（含督查来源文件）"

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for document in Document.objects.iterator():
            with transaction.atomic():
                index_document(document)
            count += 1
        others = index_supervision()
        self.stdout.write(f"已索引政策库文件 {count} 篇、督查来源文件 {others} 篇")

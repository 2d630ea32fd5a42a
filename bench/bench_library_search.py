"""Library search latency on 10,000 generated policy documents, against a plain
`LIKE '%词%'` scan of the same texts in the same run.

Usage:
    python bench/bench_library_search.py [DOCUMENTS] [RUNS]       (default 10,000 and 7)
    bench/with-postgres python bench/bench_library_search.py       (the same on PostgreSQL)

Without DATABASE_URL it uses a fresh SQLite file, var/bench/library.sqlite3 (a PostgreSQL
database named in DATABASE_URL is emptied of library rows first). Documents are generated from
a vocabulary of policy phrases (seeded), about 900 characters each, and indexed through the
app's own segmenter and index writer. For each query it prints the median of RUNS warm runs of
  - search: `selectors.search_documents` (segment the query, match the index, count, rank,
    fetch the top 20 with highlighted snippets), as the CLI runs it;
  - LIKE: `SELECT COUNT(*)` and the newest 20 of `WHERE text LIKE '%词%'` (AND of the words);
and whether both found the same documents (the index must find every document the scan finds,
also for a word inside a longer word: 班列 in 中欧班列, 外资 in 利用外资).
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
if "DATABASE_URL" not in os.environ:
    db = ROOT / "var" / "bench" / "library.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kaifang.library import search, segment  # noqa: E402
from kaifang.library.models import Document, SearchEntry  # noqa: E402
from kaifang.library.selectors import search_documents  # noqa: E402

SUBJECTS = [
    "外贸企业",
    "中欧班列",
    "中亚班列",
    "跨境电商企业",
    "海外仓",
    "服务外包企业",
    "外商投资企业",
    "利用外资项目",
    "对外投资合作",
    "加工贸易企业",
    "综合保税区",
    "自贸试验区",
    "境外展会",
    "出口信用保险",
    "新能源汽车出口",
    "机电产品",
    "农产品出口",
    "消费促进活动",
    "夜间经济",
    "商贸流通企业",
    "会展经济",
    "多式联运",
    "航空口岸",
    "铁路口岸",
    "跨境人民币结算",
    "汽车平行进口",
    "二手车出口",
    "保税维修",
    "数字贸易",
    "技术进出口",
    "离岸贸易",
    "市场采购贸易",
    "边境贸易",
    "文化出口",
    "中医药服务贸易",
    "冷链物流",
    "老字号企业",
    "步行街改造",
    "县域商业体系",
    "境外经贸合作区",
    "承包工程",
    "劳务合作",
    "进口贴息",
    "贸易救济",
    "出口管制合规",
]
VERBS = [
    "给予补贴",
    "给予一次性奖励",
    "按实际投入给予补助",
    "优先推荐",
    "给予贷款贴息",
    "简化审批流程",
    "建立服务专员制度",
    "纳入重点项目库",
    "给予运费补助",
    "按出口增量给予奖励",
    "开辟绿色通道",
]
CONDITIONS = [
    "出口额同比增长10%以上的",
    "年度进出口额超过1000万美元的",
    "首次实现出口的",
    "实际到资超过500万美元的",
    "新设立的",
    "在本市注册并纳税的",
    "获评省级示范的",
    "参加市商务局公布的重点展会的",
    "通过铁路运输出口的",
    "建设公共仓储设施的",
]
CN = "一二三四五六七八九十"


def generate(n: int, rng: random.Random) -> list[tuple[str, str, dt.date]]:
    docs = []
    for i in range(n):
        topic = rng.choice(SUBJECTS)
        mine = [topic, *rng.sample(SUBJECTS, 2)]  # each document speaks of three subjects
        title = f"示范市关于支持{topic}发展的若干措施（第{i}号）"
        lines = [title, f"示商发〔{2018 + i % 9}〕{i}号"]
        for a in range(1, 7):
            subject = rng.choice(mine)
            lines.append(
                f"第{CN[a - 1]}条 对{rng.choice(CONDITIONS)}{subject}，{rng.choice(VERBS)}。"
            )
            for c in range(rng.randint(1, 3)):
                lines.append(
                    f"（{CN[c]}）{rng.choice(CONDITIONS)}{rng.choice(mine)}，"
                    f"{rng.choice(VERBS)}，最高{rng.randint(5, 200)}万元。"
                )
        issued = dt.date(2018 + i % 9, 1 + i % 12, 1 + i % 28)
        docs.append((title, "\n".join(lines), issued))
    return docs


def tokens_for(docs: list[tuple[str, str, dt.date]], n: int) -> list[tuple[str, str]]:
    """Segment once per data set: the SQLite run writes var/bench/library-tokens-N.pickle and
    the PostgreSQL run reads it (the texts are the same, seeded), so its load is not another
    ten minutes of jieba."""
    cache = ROOT / "var" / "bench" / f"library-tokens-{n}.pickle"
    if cache.exists():
        cached: list[tuple[str, str]] = pickle.loads(cache.read_bytes())  # noqa: S301 (ours)
        if len(cached) == len(docs):
            return cached
    made = [(segment.document_tokens(t), segment.document_tokens(x)) for t, x, _ in docs]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(made))
    return made


def load(n: int) -> float:
    SearchEntry.objects.all().delete()
    Document.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM library_fts")
    rng = random.Random(2026)
    docs = generate(n, rng)
    tokens = tokens_for(docs, n)
    started = time.perf_counter()
    with transaction.atomic():
        made = Document.objects.bulk_create(
            Document(title=t, text=x, issued=d, doc_number=f"bench-{i}")
            for i, (t, x, d) in enumerate(docs)
        )
        entries = [
            SearchEntry(
                source="library",
                object_id=doc.pk,
                title=doc.title,
                title_tokens=tokens[i][0],
                tokens=tokens[i][1],
                level="city",
                status="valid",
                issued=doc.issued,
            )
            for i, doc in enumerate(made)
        ]
        created = SearchEntry.objects.bulk_create(entries, batch_size=500)
        if connection.vendor == "sqlite":
            ids = dict(SearchEntry.objects.values_list("object_id", "id"))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO library_fts (rowid, title, body) VALUES (%s, %s, %s)",
                    [(ids[e.object_id], e.title_tokens, e.tokens) for e in created],
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE library_searchentry")
            cursor.execute("ANALYZE library_document")
    return time.perf_counter() - started


def like(words: list[str]) -> tuple[int, list[int]]:
    where = " AND ".join(["text LIKE %s"] * len(words))
    params = [f"%{w}%" for w in words]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM library_document WHERE {where}", params)
        total = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT id FROM library_document WHERE {where} ORDER BY issued DESC, id DESC LIMIT 20",
            params,
        )
        return total, [int(r[0]) for r in cursor.fetchall()]


def all_like(words: list[str]) -> set[int]:
    where = " AND ".join(["text LIKE %s"] * len(words))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM library_document WHERE {where}",
            [f"%{w}%" for w in words],
        )
        return {int(r[0]) for r in cursor.fetchall()}


def all_found(words: list[str]) -> set[int]:
    hits, _total = search.match(words, limit=10**6)
    entries = dict(SearchEntry.objects.values_list("id", "object_id"))
    return {entries[h.entry_id] for h in hits}


def median_ms(func: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


QUERIES = [
    "班列",  # inside 中欧班列 and 中亚班列
    "外资",  # inside 利用外资
    "跨境电商",
    "海外仓",
    "口岸",  # inside 航空口岸, 铁路口岸
    "出口 增长",  # common words, AND
    "夜间经济 补贴",
    "保税维修",  # rare
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    call_command("migrate", verbosity=0)
    seconds = load(n)
    segment.query_words("预热")  # jieba's dictionary loads once per process
    print(f"{connection.vendor}: {n:,} documents generated and loaded in {seconds:.1f} s")
    print(f"{'query':<14}{'hits':>8}{'search ms':>12}{'LIKE ms':>10}  same documents")
    for query in QUERIES:
        words = segment.query_words(query)
        search_documents(user=None, query=query)  # warm
        page = search_documents(user=None, query=query)
        total, _ = like(words)
        searched = median_ms(lambda q=query: search_documents(user=None, query=q), runs)
        scanned = median_ms(lambda w=words: like(w), runs)
        same = all_found(words) == all_like(words)
        print(
            f"{query:<14}{page.total:>8,}{searched:>12.1f}{scanned:>10.1f}  "
            f"{'yes' if same else 'NO'} (LIKE {total:,})"
        )


if __name__ == "__main__":
    main()

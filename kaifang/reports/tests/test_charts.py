"""The briefing's charts: PNG pictures whose Chinese text is drawn with a CJK font (no
missing-glyph boxes), placed in the Word document with their captions. No database."""

from __future__ import annotations

import io
import warnings

from docx import Document
from docx.shared import Cm
from PIL import Image

from kaifang.reports.renderers.briefing import Briefing, Section, Table, render_briefing
from kaifang.reports.renderers.charts import Chart, Series, font_path, render_chart

MONTHS = Chart(
    title="1—3月全市月度进出口",
    kind="columns",
    labels=["1月", "2月", "3月"],
    series=[Series("出口", [1.2, 0.8, 2.0]), Series("进口", [0.5, None, 0.7])],
    line=Series("2024年同月进出口", [1.0, 1.1, None]),
    unit="亿元",
)
PEERS = Chart(
    title="1—3月对标地区进出口增速",
    kind="bars",
    labels=["郑州市", "示范市", "武汉市", "徐州市"],
    series=[Series("%", [12.5, 8.1, -3.2, -10.0])],
    unit="%",
    highlight="示范市",
)


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_charts_draw_chinese_with_a_cjk_font():
    assert font_path().is_file()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = [render_chart(MONTHS), render_chart(PEERS)]
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []  # a Latin-only font would warn for every 汉字 and draw boxes
    for data in images:
        image = _png(data)
        assert image.format == "PNG"
        assert image.width == 1200  # 6 inches at 200 dpi
        assert len(image.getcolors(maxcolors=1_000_000) or []) > 10  # drawn, not blank


def test_the_city_is_drawn_in_red_among_its_peers():
    image = _png(render_chart(PEERS)).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000) or []}
    assert (0xC0, 0x00, 0x00) in colours
    plain = _png(render_chart(Chart(**{**PEERS.__dict__, "highlight": None}))).convert("RGB")
    assert (0xC0, 0x00, 0x00) not in {c for _n, c in plain.getcolors(maxcolors=1_000_000) or []}


def test_the_document_holds_the_charts_as_pictures_with_captions_below():
    doc = Briefing(
        title="对外开放工作月报",
        number_line="2025年第3期",
        lead="1—3月，全市进出口总值4.5亿元。",
        sections=[
            Section(
                "一、外贸进出口",
                paragraphs=["数据来源：企业进出口记录。"],
                charts=[MONTHS],
                tables=[Table("表1　主要指标", ["指标", "累计"], [["进出口", "4.5"]])],
            ),
            Section("九、与对标城市比较", charts=[PEERS]),
        ],
    )
    document = Document(io.BytesIO(render_briefing(doc)))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    assert all(abs(shape.width - Cm(15)) < Cm(0.01) for shape in shapes)
    pictures = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(pictures) == 2
    assert all(_png(part.blob).format == "PNG" for part in pictures)
    texts = [p.text for p in document.paragraphs]
    for chart in (MONTHS, PEERS):
        caption = texts.index(chart.title)
        picture = document.paragraphs[caption - 1]
        assert picture.text == "" and picture._element.xpath(".//pic:pic")
        assert document.paragraphs[caption].runs[0].font.name == "黑体"

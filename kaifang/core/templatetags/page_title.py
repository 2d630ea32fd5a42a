"""`{% page_title "开放通" %}{% block title %}{% endblock %}{% endpage_title %}`: the page's own
title, the separator and the site name (「企业名录 · 开放通」), or the site name alone when the
page names none. A Django template cannot ask whether a block is empty (`{% if self.title %}`
is never true), so the tag renders the block and looks."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

SEPARATOR = " · "


class PageTitleNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList, site: Any) -> None:
        self.nodelist = nodelist
        self.site = site

    def render(self, context: template.Context) -> str:
        # the block's rendered output is already escaped: strip it without escaping it again
        own = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        site = conditional_escape(self.site.resolve(context))
        if not own:
            return str(site)
        return format_html("{}{}{}", own, SEPARATOR, site)


@register.tag
def page_title(parser: Parser, token: Token) -> PageTitleNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("page_title takes the site name")
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist, parser.compile_filter(bits[1]))

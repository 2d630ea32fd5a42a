from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="令牌名称",
        max_length=50,
        help_text="写明用途，如“市大数据局数据交换”，便于日后识别和吊销。",
    )

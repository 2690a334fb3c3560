"""The R-15 detector lives in `srp.sensitive`, shared by every app's forms."""

from __future__ import annotations

from srp.sensitive import SensitiveTextMixin, sensitive_terms

__all__ = ["SensitiveTextMixin", "sensitive_terms"]

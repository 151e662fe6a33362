"""The city centre (市鉴定中心): every institution's filings, read only (issue 16, item 6)."""

from .views import blueprint

__all__ = ["blueprint"]

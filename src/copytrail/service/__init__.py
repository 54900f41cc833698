"""``copytrail serve``: compare texts and query an archive over HTTP, with a web page (the ``serve`` extra).

::

    from copytrail.archive import Archive
    from copytrail.service import ServiceConfig, create_app
    app = create_app(Archive.open("news.db"), ServiceConfig(token="..."))
"""

from copytrail.errors import require

require("fastapi", extra="serve", purpose="copytrail serve")

from copytrail.service.app import create_app  # noqa: E402
from copytrail.service.config import ServiceConfig, read_token  # noqa: E402

__all__ = ["ServiceConfig", "create_app", "read_token"]

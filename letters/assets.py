"""The only files a letter may load: the stylesheet and logo in ``letters/static/letters/``.

WeasyPrint fetches every ``href`` and ``src`` through this fetcher, so a letter can never reach the
network or read a file elsewhere on the machine, whatever its HTML says.
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_DIR = (Path(__file__).resolve().parent / "static" / "letters").resolve()


class AssetRefused(ValueError):
    pass


class LetterAssetFetcher(URLFetcher):
    """Serves ``file:`` URLs of files inside ``root`` and refuses everything else."""

    def __init__(self, root: Path = ASSET_DIR):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        return URLFetcherResponse(url, self.read(url), {"Content-Type": self.content_type(url)})

    def path_for(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise AssetRefused(f"Letters load only their own files, not {url!r}")
        # resolve() follows "..", and symbolic links, before the containment check.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise AssetRefused(f"{url!r} is not a letter asset")
        return path

    def read(self, url: str) -> bytes:
        return self.path_for(url).read_bytes()

    @staticmethod
    def content_type(url: str) -> str:
        return mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"


def base_url() -> str:
    return ASSET_DIR.as_uri() + "/"

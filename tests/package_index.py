"""zgscaffold's sdist and wheel, built as a release and served from a PEP 503 folder on
127.0.0.1, so a test can install the package the way a user does, from an index."""

import functools
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from zgscaffold import lock

REPO = Path(__file__).resolve().parents[1]
REGISTRY = "https://pypi.org/simple"  # where the package's dependencies come from


@dataclass
class Index:
    url: str  # .../simple
    served: list[str] = field(default_factory=list)  # the paths asked for, across requests

    def uv_env(self) -> dict[str, str]:
        """uv settings that take zgscaffold from this index and the rest from the registry.

        uv asks an extra index before the default one, so no registry package of the same
        name can win over ours."""
        return {"UV_EXTRA_INDEX_URL": self.url, "UV_INDEX_URL": REGISTRY}


@contextmanager
def package_index(root: Path, version: str) -> Iterator[Index]:
    """Build the sdist and, from it, the wheel as `version`; serve both from root/simple."""
    folder = root / "simple" / "zgscaffold"
    folder.mkdir(parents=True)
    subprocess.run(
        [lock.uv_binary(), "build", "--out-dir", str(folder), str(REPO)],
        check=True,
        capture_output=True,
        env={**os.environ, "SETUPTOOLS_SCM_PRETEND_VERSION": version},
    )
    files = sorted(path.name for path in folder.iterdir())
    assert any(name.endswith(".whl") for name in files), files
    assert any(name.endswith(".tar.gz") for name in files), files
    (folder / "index.html").write_text("".join(f'<a href="{n}">{n}</a>\n' for n in files))
    index = Index(url="")

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            index.served.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    index.url = f"http://127.0.0.1:{server.server_address[1]}/simple"
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()

"""A local HTTP server that speaks the few Hub endpoints `zgscaffold publish` and
`zgscaffold check hf://spaces/...` use (a Space's file tree and its files).

huggingface_hub is pointed at it through its own endpoint setting (HF_ENDPOINT or
HfApi(endpoint=...)); the server records every request so tests can assert what
the real library sent: the repo type, SDK and hardware of the Space created, and
the files of the commit.
"""

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

COMMIT_OID = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class FakeHub:
    token: str
    refuse_hardware: bool = False
    existing: set[str] = field(default_factory=set)
    fail_create: int | None = None  # answer repo creation with this HTTP status
    fail_commit: int | None = None  # answer the commit with this HTTP status
    # Spaces to serve for reading (`zgscaffold check hf://...`): id -> path -> content;
    # those in `private` answer only the token.
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    private: set[str] = field(default_factory=set)
    requests: list[Request] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    commits: list[dict] = field(default_factory=list)
    url: str = ""

    def json_bodies(self, path: str) -> list[dict]:
        return [json.loads(r.body) for r in self.requests if r.path == path]


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

        def _send(
            self, status: int, payload: dict | list, headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Request:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                self.path.split("?")[0],
                {key.lower(): value for key, value in self.headers.items()},
                self.rfile.read(length),
            )
            hub.requests.append(request)
            return request

        def _authorized(self, request: Request) -> bool:
            if request.headers.get("authorization") == f"Bearer {hub.token}":
                return True
            self._send(401, {"error": "Invalid credentials in Authorization header"})
            return False

        def _space_files(self, request: Request, space: str, revision: str) -> dict | None:
            """The files of `space` at `revision`, or None with the Hub's refusal sent."""
            if space in hub.private and not self._authorized(request):
                return None
            if space not in hub.files:
                self._send(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
                return None
            if unquote(revision) not in ("main", COMMIT_OID):
                self._send(
                    404, {"error": "Revision not found"}, {"X-Error-Code": "RevisionNotFound"}
                )
                return None
            return hub.files[space]

        def _resolve(self, head: bool) -> None:
            request = self._record()
            match = re.fullmatch(r"/spaces/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", request.path)
            if not match:
                self._send(404, {"error": f"not served by the test hub: {request.path}"})
                return
            files = self._space_files(request, match[1], match[2])
            if files is None:
                return
            data = files.get(unquote(match[3]))
            if data is None:
                self._send(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
            self.send_header("X-Repo-Commit", COMMIT_OID)
            self.end_headers()
            if not head:
                self.wfile.write(data)

        def do_HEAD(self) -> None:
            self._resolve(head=True)

        def do_GET(self) -> None:
            if self.path.startswith("/spaces/"):
                self._resolve(head=False)
                return
            request = self._record()
            info = re.fullmatch(r"/api/spaces/([^/]+/[^/]+)(?:/revision/([^/]+))?", request.path)
            if info and (info[1] in hub.files or info[1] in hub.private):
                files = self._space_files(request, info[1], info[2] or "main")
                if files is not None:
                    siblings = [
                        {"rfilename": name, "size": len(data)}
                        for name, data in sorted(files.items())
                    ]
                    self._send(200, {"id": info[1], "sha": COMMIT_OID, "siblings": siblings})
                return
            match = re.fullmatch(r"/api/spaces/([^/]+/[^/]+)", request.path)
            if match and match[1] in hub.existing:
                self._send(200, {"id": match[1], "sha": COMMIT_OID, "siblings": []})
            else:
                self._send(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})

        def do_POST(self) -> None:
            request = self._record()
            if not self._authorized(request):
                return
            path = request.path
            failing = {"/api/repos/create": hub.fail_create}.get(path)
            if path.endswith("/commit/main"):
                failing = hub.fail_commit
            if failing:
                self._send(failing, {"error": f"refused by the test hub (HTTP {failing})"})
            elif path == "/api/repos/create":
                body = json.loads(request.body)
                space = f"{body['organization']}/{body['name']}"
                if hub.refuse_hardware and body.get("hardware"):
                    self._send(402, {"error": "ZeroGPU hardware requires a PRO subscription"})
                elif space in hub.existing:
                    hub.created.append(body)
                    self._send(
                        409,
                        {
                            "error": "You already created this space repo",
                            "url": f"{hub.url}/spaces/{space}",
                        },
                    )
                else:
                    hub.created.append(body)
                    hub.existing.add(space)
                    self._send(200, {"url": f"{hub.url}/spaces/{space}", "name": space})
            elif path == "/api/validate-yaml":
                self._send(200, {"errors": [], "warnings": []})
            elif re.fullmatch(r"/api/spaces/[^/]+/[^/]+/preupload/main", path):
                files = json.loads(request.body)["files"]
                self._send(
                    200,
                    {
                        "files": [
                            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                            for f in files
                        ],
                        "commitOid": COMMIT_OID,
                    },
                )
            elif match := re.fullmatch(r"/api/spaces/([^/]+/[^/]+)/commit/main", path):
                lines = [json.loads(line) for line in request.body.splitlines() if line.strip()]
                files = {
                    item["value"]["path"]: base64.b64decode(item["value"]["content"])
                    for item in lines
                    if item["key"] == "file"
                }
                hub.commits.append({"space": match[1], "header": lines[0], "files": files})
                self._send(
                    200,
                    {
                        "commitUrl": f"{hub.url}/spaces/{match[1]}/commit/{COMMIT_OID}",
                        "commitOid": COMMIT_OID,
                        "pullRequestUrl": None,
                    },
                )
            else:
                self._send(404, {"error": f"not served by the test hub: {path}"})

    return Handler


class HubServer:
    """Run a FakeHub on 127.0.0.1 in a thread, as a context manager."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
        hub.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self.hub

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

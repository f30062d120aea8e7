"""A real HTTP server on localhost that receives webhooks, for the tests about them.

`with receiving([500, 500, 204]) as receiver:` answers the first request 500, the
second 500 and every later one 204, and records each request. Requests reach it
only when the test allows 127.0.0.0/8 (WEBHOOK_ALLOWED_PRIVATE_NETWORKS). With
`tls=` (a server SSLContext, tests/tls_certificates.py) it speaks HTTPS.
"""

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    statuses: list[int]
    reply: bytes | None = None  # the body of every answer, instead of a short message
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            status = self.statuses[min(len(self.requests), len(self.statuses) - 1)]
            self.requests.append(Received(headers, body, status))
            return status


@contextmanager
def receiving(
    statuses: list[int], reply: bytes | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    receiver = Receiver(statuses, reply)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.answer({k.lower(): v for k, v in self.headers.items()}, body)
            reply = receiver.reply
            if reply is None:
                reply = b"thanks" if 200 <= status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    receiver.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/hooks/rapport"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

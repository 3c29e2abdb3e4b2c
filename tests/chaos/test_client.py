"""The suite's own client against a node that dies between its headers and its body (the
kill -9 web node scenario hit it in CI: an ``IncompleteRead`` escaped the client, the scenario
stopped before bringing web1 back, and the next scenario found a node down)."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass

from .support import Submissions, request

CUT = (
    b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
    b"Content-Length: 465\r\nConnection: close\r\n\r\n"
)


def _whole(numero: str) -> bytes:
    body = json.dumps({"numero_entrega": numero, "reintento": False}).encode()
    return (
        b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )


@dataclass
class _Node:
    url: str


def _serve(answers: list[bytes]) -> tuple[_Node, threading.Thread]:
    """A loopback node giving each connection the next answer, then closing it; its thread
    ends once every answer has been given."""
    listener = socket.create_server(("127.0.0.1", 0))

    def run():
        with listener:
            for answer in answers:
                conn, _ = listener.accept()
                with conn:
                    conn.recv(65536)
                    conn.sendall(answer)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return _Node(f"http://127.0.0.1:{listener.getsockname()[1]}"), thread


def test_an_answer_cut_after_its_headers_is_no_answer():
    node, server = _serve([CUT])
    assert request(node, "GET", "/api/v1/edocs/", timeout=5) == (0, {}, b"")
    server.join(timeout=5)
    assert not server.is_alive()


def test_a_submission_cut_short_is_sent_again_with_its_key():
    node, server = _serve([CUT, _whole("2026-00000042")])
    subs = Submissions(node, "token")
    assert subs.post(0, deadline=10) == 202
    assert subs.attempts == 2 and subs.statuses == {0: 1, 202: 1}
    assert subs.numeros == {subs.key(0): "2026-00000042"}
    server.join(timeout=5)
    assert not server.is_alive()  # both answers were asked for

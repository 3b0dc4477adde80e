"""Serves one file over HTTP on 127.0.0.1:PORT, once, then exits.

The whole response goes out in one write, without a length, and the server closes
first: the client reads it in one go, then the end, the same way every run, and its
fixed local port is free again at once (the TIME_WAIT stays on the server's side)."""
import http.server
import socketserver
import sys


class Once(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        with open(self.path.lstrip("/"), "rb") as file:
            body = file.read()
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)

    def log_message(self, *args):
        pass


socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", int(sys.argv[1])), Once) as server:
    server.handle_request()

#!/usr/bin/env python3
"""Drives `understudy record --forward` as agents whose base URLs cannot change: the official
openai and anthropic SDKs call https://api.openai.com and https://api.anthropic.com through
HTTPS_PROXY and trust Understudy's CA through SSL_CERT_FILE (both from the environment).

Usage:
  forward_clients.py sdk          the scenarios of recorder_clients.py, one JSON line each (same
                                  fields), then a line for an SDK client built with no options at
                                  all (it finds HTTPS_PROXY and SSL_CERT_FILE itself)
  forward_clients.py leaf HOST    CONNECT HOST:443 through the proxy, complete TLS trusting
                                  SSL_CERT_FILE, print the presented certificate's SHA-256 and expiry
"""
import hashlib
import json
import os
import socket
import ssl
import sys
from urllib.parse import urlparse



def sdk():
    # Imported here: the SDKs take seconds to import, and `leaf` does not need them.
    import anthropic
    import httpx
    import openai

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import recorder_clients as rc

    for name in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        os.environ.pop(name, None)
    proxy = os.environ["HTTPS_PROXY"]
    openai_tee = rc.tee_transport(httpx, proxy=proxy)
    try:  # newer anthropic SDKs are built on httpx2
        import httpx2 as anthropic_httpx
    except ImportError:
        anthropic_httpx = httpx
    anthropic_tee = rc.tee_transport(anthropic_httpx, proxy=proxy)
    oai = openai.OpenAI(api_key=rc.SECRET_OPENAI, http_client=httpx.Client(transport=openai_tee), max_retries=0)
    ant = anthropic.Anthropic(api_key=rc.SECRET_ANTHROPIC, http_client=anthropic_httpx.Client(transport=anthropic_tee),
                              max_retries=0)
    runs = [(n, p, r, openai_tee) for n, p, r in rc.openai_scenarios(oai)]
    runs += [(n, p, r, anthropic_tee) for n, p, r in rc.anthropic_scenarios(ant)]
    for name, provider, run, tee in runs:
        line = {"name": name, "marker": rc.marker(name), "provider": provider}
        try:
            line["sdk"] = run().model_dump(mode="json")
        except (openai.APIStatusError, anthropic.APIStatusError) as error:
            line["error"] = {"status": error.status_code, "class": type(error).__name__}
        line["status"] = tee.status
        line["request_b64"] = rc.base64.b64encode(tee.request_body).decode()
        line["response_b64"] = rc.base64.b64encode(b"".join(c for _, c in tee.chunks)).decode()
        print(json.dumps(line), flush=True)

    # An agent as it is deployed: no base URL, no http client, only the environment.
    plain = openai.OpenAI(api_key=rc.SECRET_OPENAI, max_retries=0)
    name = "default_client"
    result = plain.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Say something {rc.marker(name)}"}])
    print(json.dumps({"name": name, "marker": rc.marker(name), "provider": "openai", "default_client": True,
                      "sdk": result.model_dump(mode="json")}), flush=True)


def leaf(host):
    proxy = urlparse(os.environ["HTTPS_PROXY"])
    sock = socket.create_connection((proxy.hostname, proxy.port), timeout=10)
    sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    context = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    with context.wrap_socket(sock, server_hostname=host) as tls:
        der = tls.getpeercert(binary_form=True)
        not_after = ssl.cert_time_to_seconds(tls.getpeercert()["notAfter"])
    print(json.dumps({"host": host, "connect_status": status, "sha256": hashlib.sha256(der).hexdigest(),
                      "not_after": not_after}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "sdk":
        sdk()
    else:
        leaf(sys.argv[2])

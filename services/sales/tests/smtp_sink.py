#!/usr/bin/python3
"""A local SMTP server for the receipt e-mail tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT DIR

Every message accepted is written to DIR, atomically (a temporary file renamed): NNNN.eml as received, and
NNNN.json with what a test checks (envelope, decoded subject, Message-ID, the decoded text and HTML parts).
A recipient whose address starts with "refuse" is refused with 550 (a permanent failure).
"""
import asyncio
import email
import email.header
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP


def write_atomically(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.numbers)
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {"text": "", "html": ""}
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                parts["text"] = part.get_content()
            elif part.get_content_type() == "text/html":
                parts["html"] = part.get_content()
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "to": str(message["To"]),
            **parts,
        }
        base = os.path.join(self.directory, "%04d" % n)
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(summary, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"


async def main(port, directory):
    handler = Store(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))

"""A SAMP hub with the Web Profile (consent given automatically) and one receiving client.

Prints READY when both run, then RECEIVED <rows> <name> <url> for the first
table.load.votable notification (after fetching the VOTable and counting its rows), and exits.
Started by service/tests/web/main.rs; exits by itself after 120 s.
"""

import os
import sys
import tempfile
import threading
import time
import urllib.request
import warnings

warnings.simplefilter("ignore")
from astropy.samp import SAMPHubServer, SAMPIntegratedClient  # noqa: E402


class AutoConsent:
    """Stands in for the hub's pop-up: every web client is accepted."""

    def run(self):
        while True:
            self.queue_request.get()
            self.queue_result.put(True)


def main():
    lock = os.path.join(tempfile.mkdtemp(prefix="stop-samp-"), "samp")
    consent = AutoConsent()
    hub = SAMPHubServer(web_profile=True, web_profile_dialog=consent, lockfile=lock, addr="127.0.0.1")
    hub.start(wait=False)
    threading.Thread(target=consent.run, daemon=True).start()
    received = []

    def on_table(private_key, sender_id, mtype, params, extra):
        with urllib.request.urlopen(params["url"], timeout=30) as r:
            text = r.read().decode()
        received.append((text.count("<TR>"), params.get("name", ""), params["url"]))

    client = SAMPIntegratedClient(name="stop-test-receiver")
    client.connect(hub=hub)
    client.bind_receive_notification("table.load.votable", on_table)
    print("READY", flush=True)
    deadline = time.time() + 120
    while not received and time.time() < deadline:
        time.sleep(0.1)
    if received:
        rows, name, url = received[0]
        print(f"RECEIVED {rows} {name} {url}", flush=True)
    client.disconnect()
    hub.stop()
    return 0 if received else 1


if __name__ == "__main__":
    sys.exit(main())

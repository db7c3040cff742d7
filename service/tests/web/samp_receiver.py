"""A SAMP hub with the Web Profile (consent given automatically) and one receiving client.

Prints READY when both run, then for each notification, after fetching what it names:
RECEIVED <rows> <name> <url> for table.load.votable (rows counted), RECEIVED_FITS <bytes>
<mtype> <name> for spectrum.load.ssa-generic, image.load.fits and table.load.fits (the
bytes a FITS file, else 0). Exits after EXPECTED notifications (argument 1, default 1).
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
        received.append(f"RECEIVED {text.count('<TR>')} {params.get('name', '')} {params['url']}")

    def on_fits(private_key, sender_id, mtype, params, extra):
        with urllib.request.urlopen(params["url"], timeout=30) as r:
            data = r.read()
        n = len(data) if data.startswith(b"SIMPLE  =") and len(data) % 2880 == 0 else 0
        received.append(f"RECEIVED_FITS {n} {mtype} {params.get('name', '')}")

    client = SAMPIntegratedClient(name="stop-test-receiver")
    client.connect(hub=hub)
    client.bind_receive_notification("table.load.votable", on_table)
    for mtype in ["spectrum.load.ssa-generic", "image.load.fits", "table.load.fits"]:
        client.bind_receive_notification(mtype, on_fits)
    expected = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    print("READY", flush=True)
    deadline = time.time() + 120
    printed = 0
    while printed < expected and time.time() < deadline:
        while printed < len(received):
            print(received[printed], flush=True)
            printed += 1
        time.sleep(0.1)
    client.disconnect()
    hub.stop()
    return 0 if printed >= expected else 1


if __name__ == "__main__":
    sys.exit(main())

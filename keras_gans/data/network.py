"""Is this machine online? Asked once, in seconds, before any download is tried.

TensorFlow Datasets and Keras retry a failed download with back-off: on a
machine without internet, `kg.data.load("cifar10")` used to spend more than 3
minutes (205 s measured) before failing. `require_online` answers within
`PROBE_SECONDS` instead, with a one-line `ValueError` that says what to do.
"""

import socket
import threading
import urllib.parse
import urllib.request

# Where the downloads come from: TensorFlow Datasets' bucket and Keras' datasets.
DOWNLOAD_HOSTS = ("storage.googleapis.com", "www.cs.toronto.edu")
PROBE_SECONDS = 3.0


def _proxy_hosts():
    """`(host, port)` of the HTTP(S) proxies the environment names (downloads go through them)."""
    hosts = []
    for scheme, url in urllib.request.getproxies().items():
        if scheme in ("https", "http"):
            parsed = urllib.parse.urlsplit(url if "//" in url else f"//{url}")
            if parsed.hostname:
                hosts.append((parsed.hostname, parsed.port or 80))
    return hosts


def _connects(host, port, timeout):
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:  # socket.gaierror (no DNS), timeouts and refusals are OSErrors
        return False


def is_online(hosts=DOWNLOAD_HOSTS, timeout=PROBE_SECONDS):
    """Whether a TCP connection to one of `hosts` (port 443), or to the proxy, opens in time.

    Name resolution ignores socket timeouts, so the probe runs in a daemon
    thread and the answer is "offline" when it has not finished after
    `timeout` seconds.
    """
    targets = _proxy_hosts() or [(host, 443) for host in hosts]
    answer = []

    def probe():
        answer.append(any(_connects(host, port, timeout) for host, port in targets))

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer and answer[0])


def require_online(what, hint):
    """Raises a one-line `ValueError` saying the machine is offline, before `what` is downloaded.

    Args:
        what: what would be downloaded, e.g. `"the 'cifar10' dataset (train split)"`.
        hint: what to do instead (one sentence).
    """
    if not is_online():
        raise ValueError(
            f"Cannot download {what}: this machine is offline (no connection to "
            f"{' or '.join(DOWNLOAD_HOSTS)} within {PROBE_SECONDS:g} s). {hint}"
        )

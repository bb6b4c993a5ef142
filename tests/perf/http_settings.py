"""Settings of the gunicorn server the API benchmarks start (``make bench``).

The portal's own ``local`` settings (everything read from the environment the benchmark
passes: the test database, Redis, raised throttle rates, DEBUG off), with a URLconf that adds
one plain Django JSON view next to the real URLs, as the yardstick of the list benchmark.
"""

from haip_portal.settings.local import *  # noqa: F403

ROOT_URLCONF = "tests.perf.http_urls"

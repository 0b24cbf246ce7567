"""The environment variables that point the cloud commands somewhere, named once.

The client reads them (:mod:`validator.cloud.settings`; the key pair through the Alibaba Cloud
credential chain), and the sandbox prints them as ``export`` lines so that ``update``, ``status`` and
``jobs`` talk to it. Neither imports the other: both import this.
"""

from __future__ import annotations

REGION = "AVATAR_PREFLIGHT_REGION"
ENDPOINT = "AVATAR_PREFLIGHT_ENDPOINT"
"""The ICE endpoint, ``HOST[:PORT]`` without a scheme."""
BUCKET = "AVATAR_PREFLIGHT_BUCKET"
OSS_ENDPOINT = "AVATAR_PREFLIGHT_OSS_ENDPOINT"
"""The OSS endpoint URL, scheme included."""
PREFIX = "AVATAR_PREFLIGHT_PREFIX"
PROFILE = "ALIBABA_CLOUD_PROFILE"
"""A credential profile's name; set, it takes the place of the key pair below."""
ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
"""An STS token; set, it is sent with the key pair."""

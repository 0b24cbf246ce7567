"""ACS3 signature checks, seen through the official ICE SDK's exceptions."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_ice20201109 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import GlobalParameters

from tests.helpers import ice_client
from validator.sandbox import Sandbox

ERROR_FIELDS = {"RequestId", "HostId", "Code", "Message", "Recommend"}


def _list(client: Any) -> Any:
    return client.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest())


def _error(client: Any) -> ClientException:
    with pytest.raises(ClientException) as info:
        _list(client)
    assert set(info.value.data) >= ERROR_FIELDS
    assert info.value.data["Code"] == info.value.code
    assert info.value.request_id == info.value.data["RequestId"]
    return info.value


def test_signed_request_passes(ice: Any) -> None:
    body = _list(ice).body
    assert body.success is True and body.request_id


def test_bad_signature(sandbox: Sandbox) -> None:
    error = _error(ice_client(sandbox, access_key_secret="not-the-secret"))
    assert (error.status_code, error.code) == (400, "SignatureDoesNotMatch")
    assert "ACS3-HMAC-SHA256" in error.data["Message"]  # the server's string to sign, as the gateway


def test_unknown_access_key(sandbox: Sandbox) -> None:
    error = _error(ice_client(sandbox, access_key_id="LTAI5tNobodyKnowsThisKey"))
    assert (error.status_code, error.code) == (404, "InvalidAccessKeyId.NotFound")


def test_expired_timestamp(sandbox: Sandbox, ice: Any) -> None:
    sandbox.clock.shift(16 * 60)  # type: ignore[attr-defined]
    error = _error(ice)
    assert (error.status_code, error.code) == (400, "InvalidTimeStamp.Expired")


def test_skew_within_fifteen_minutes_is_accepted(sandbox: Sandbox, ice: Any) -> None:
    sandbox.clock.shift(-14 * 60)  # type: ignore[attr-defined]
    assert _list(ice).body.success


def test_reused_nonce(sandbox: Sandbox) -> None:
    # Global headers override the SDK's own, so every request carries the same nonce.
    client = ice_client(sandbox, global_parameters=GlobalParameters(
        headers={"x-acs-signature-nonce": "the-same-nonce-every-time"}))
    assert _list(client).body.success
    error = _error(client)
    assert (error.status_code, error.code) == (400, "SignatureNonceUsed")


def test_sts_token_accepted(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(600)
    client = ice_client(sandbox, access_key_id=sts.access_key_id,
                        access_key_secret=sts.access_key_secret,
                        security_token=sts.security_token)
    assert _list(client).body.success


def test_sts_token_mismatch(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(600)
    client = ice_client(sandbox, access_key_id=sts.access_key_id,
                        access_key_secret=sts.access_key_secret, security_token="CAISforged")
    assert _error(client).code == "InvalidSecurityToken.Mismatch"


def test_sts_token_missing(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(600)
    client = ice_client(sandbox, access_key_id=sts.access_key_id,
                        access_key_secret=sts.access_key_secret)
    assert _error(client).code == "MissingSecurityToken"


def test_sts_token_expired(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(-1)
    client = ice_client(sandbox, access_key_id=sts.access_key_id,
                        access_key_secret=sts.access_key_secret,
                        security_token=sts.security_token)
    assert _error(client).code == "InvalidSecurityToken.Expired"

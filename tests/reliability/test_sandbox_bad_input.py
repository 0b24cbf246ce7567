"""Bad input to the sandbox is the client's error (4xx), never the service's (500): non-ASCII
characters in signatures and tokens, numbers in other scripts or out of range, names that end in a
newline. A 500 makes clients retry and then blame the service instead of the credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
from email.utils import formatdate
from typing import Any

import oss2
import pytest
from alibabacloud_ice20201109 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.helpers import REGION, TEST_BUCKET, ice_client, oss_bucket
from validator.sandbox import Sandbox

ACCENTED = "CAIS\u00e9t\u00e9"
"""A token with characters outside ASCII (Latin-1, so an HTTP client can send them as they are)."""


def _raw(sb: Sandbox, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value.encode("latin-1"))
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _v1(sb: Sandbox, method: str, resource: str) -> dict[str, str]:
    date = formatdate(usegmt=True)
    to_sign = f"{method}\n\n\n{date}\n{resource}"
    digest = hmac.new(sb.access_key_secret.encode(), to_sign.encode(), hashlib.sha1).digest()
    return {"Host": sb.endpoint, "Date": date,
            "Authorization": f"OSS {sb.access_key_id}:{base64.b64encode(digest).decode()}"}


def test_a_non_ascii_security_token_is_refused_as_a_token(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(600)
    client = ice_client(sandbox, access_key_id=sts.access_key_id,
                        access_key_secret=sts.access_key_secret, security_token=ACCENTED)
    with pytest.raises(ClientException) as info:
        client.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest())
    assert (info.value.status_code, info.value.code) == (400, "InvalidSecurityToken.Mismatch")
    for auth in (oss2.StsAuth(sts.access_key_id, sts.access_key_secret, ACCENTED),
                 oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(
                     sts.access_key_id, sts.access_key_secret, ACCENTED))):
        with pytest.raises(oss2.exceptions.ServerError) as oss_info:
            oss_bucket(sandbox, auth=auth).head_object("anything")
        assert oss_info.value.status == 403, auth


@pytest.mark.parametrize("scheme", ["OSS V1", "OSS V4", "ACS3"])
def test_a_non_ascii_signature_is_a_signature_error(sandbox: Sandbox, scheme: str) -> None:
    key_id = sandbox.access_key_id
    if scheme == "OSS V1":
        headers = _v1(sandbox, "GET", f"/{TEST_BUCKET}/k")
        headers["Authorization"] = f"OSS {key_id}:sign\u00e9="
    elif scheme == "OSS V4":
        headers = {"Host": sandbox.endpoint, "x-oss-date": "20261201T000000Z",
                   "Authorization": f"OSS4-HMAC-SHA256 Credential={key_id}/20261201/{REGION}/oss/"
                                    "aliyun_v4_request,Signature=ab\u00e9"}
    else:
        headers = {"Host": sandbox.endpoint, "x-acs-action": "ListAvatarTrainingJobs",
                   "Authorization": f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders=host,"
                                    "Signature=ab\u00e9"}
    status, body = _raw(sandbox, "GET", f"/{TEST_BUCKET}/k", headers)
    assert 400 <= status < 500, body


def test_page_numbers_beyond_any_page_are_invalid_parameters(ice: Any) -> None:
    for page_no in (10**20, 2**63):
        with pytest.raises(ClientException) as info:
            ice.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest(page_no=page_no))
        assert (info.value.status_code, info.value.code) == (400, "InvalidParameter.PageNo")
    far = ice.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest(page_no=2**31 - 1))
    assert far.body.data.avatar_training_job_list == []


@pytest.mark.parametrize("number", ["\u00b2", "\u0661", "1_0", "+1"])
def test_part_numbers_are_ascii_digits(bucket: Any, number: str) -> None:
    upload_id = bucket.init_multipart_upload("strict/parts").upload_id
    etag = bucket.upload_part("strict/parts", upload_id, 1, b"x" * 10).etag
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.complete_multipart_upload("strict/parts", upload_id, [oss2.models.PartInfo(number, etag)])
    assert (info.value.status, info.value.code) == (400, "MalformedXML")
    # The same numbers in the query string of UploadPart.
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.upload_part("strict/parts", upload_id, number, b"y")  # type: ignore[arg-type]
    assert (info.value.status, info.value.code) == (400, "InvalidArgument")
    assert bucket.complete_multipart_upload(
        "strict/parts", upload_id, [oss2.models.PartInfo(1, etag)]).status == 200


@pytest.mark.parametrize("length", ["+4", "0_4", "\u0664"])
def test_a_content_length_is_ascii_digits(sandbox: Sandbox, length: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    try:
        conn.putrequest("PUT", f"/{TEST_BUCKET}/k", skip_accept_encoding=True)
        conn.putheader("Content-Length", length.encode("utf-8"))
        conn.endheaders(b"abcd")
        assert conn.getresponse().status == 400
    finally:
        conn.close()


def test_bucket_names_and_keys_do_not_end_in_a_newline(sandbox: Sandbox) -> None:
    bucket = f"{TEST_BUCKET}\n"
    headers = _v1(sandbox, "PUT", f"/{bucket}/k.mp4")
    status, body = _raw(sandbox, "PUT", f"/{TEST_BUCKET}%0A/k.mp4", headers, b"data")
    assert (status, b"InvalidBucketName" in body) == (400, True), body
    # A key may end in a newline (OSS keys are any UTF-8), but the file that holds it may not.
    headers = _v1(sandbox, "PUT", f"/{TEST_BUCKET}/k.mp4\n")
    assert _raw(sandbox, "PUT", f"/{TEST_BUCKET}/k.mp4%0A", headers, b"data")[0] == 200
    assert oss_bucket(sandbox).get_object("k.mp4\n").read() == b"data"
    assert sandbox.data_dir is not None
    assert not any("\n" in p.name for p in sandbox.data_dir.rglob("*"))


def test_the_admin_secret_compares_any_text(sandbox: Sandbox) -> None:
    status, _ = _raw(sandbox, "GET", "/-/sandbox/faults",
                     {"Host": sandbox.endpoint, "x-sandbox-secret": "s\u00e9cret"})
    assert status == 403


def test_strict_readers() -> None:
    from validator.sandbox.strict import decimal, same_secret

    assert [decimal(t, 10**6) for t in ("0", "42", "\u0664\u0662", "4_2", "+4", "42\n", "")] == [
        0, 42, None, None, None, None, None]
    assert decimal("1" * 20, 2**64) is None and decimal("9" * 19, 10**6) is None
    assert same_secret("\u00e9", "\u00e9") and not same_secret("\u00e9", "e")

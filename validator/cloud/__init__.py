"""Talking to Alibaba Cloud: validate, upload, register and update an ICE avatar-training job.

Nothing here imports ``oss2`` or the ICE SDK at module level: the SDK-backed implementations in
:mod:`validator.cloud.ice` and :mod:`validator.cloud.storage` import them when they are built, so
commands that never call the cloud never pay for them. The orchestration lives in
:mod:`validator.cloud.flow`; every other module is one step or one service behind a small interface.
"""

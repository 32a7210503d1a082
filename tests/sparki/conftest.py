"""Fixtures the moto-backed tests of sparki/ share."""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def aws(monkeypatch):
    """AWS clients against moto's in-process mocks: aws(service, region)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield lambda service, region: boto3.client(service, region_name=region)

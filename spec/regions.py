"""AWS regions and their partitions, as botocore's partition data lists them (the SDK's own list, every partition).

One home for the fact, read by the spec (`sources.aws.region`, a KMS key's ARN) and the stack settings
(`monitoring:awsRegion`). botocore is imported and its data read on the first region checked, once per process: a
catalog that names no region never pays for it.
"""

from __future__ import annotations

import difflib
import functools
from typing import Optional


@functools.cache
def _partitions() -> tuple[str, dict[str, str]]:
    """botocore's version, and each region's partition: the regions of botocore's partition data (7 kB, where its
    endpoint data is 1.2 MB), without pseudo-regions such as `aws-global` that their partition's `regionRegex` rejects."""
    import re

    import botocore
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("partitions")["partitions"]
    regions = {region: p["id"] for p in partitions for region in p["regions"] if re.match(p["regionRegex"], region)}
    return botocore.__version__, regions


def aws_regions() -> frozenset[str]:
    """The regions that exist, every partition."""
    return frozenset(_partitions()[1])


def partition_of(region: str) -> Optional[str]:
    """The partition a region belongs to (aws, aws-cn, aws-us-gov, aws-iso, ...), None for no region."""
    return _partitions()[1].get(region)


def region_problem(region: str) -> Optional[str]:
    """Why `region` is not an AWS region (with a "did you mean"), or None."""
    version, regions = _partitions()
    if region in regions:
        return None
    close = difflib.get_close_matches(region, sorted(regions), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{region!r} is not an AWS region{hint} (botocore {version} knows {len(regions)})"

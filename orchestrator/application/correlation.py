"""Which waiting subscription a message belongs to (pure rules, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def matches(
    *,
    subscription_business_key: str | None,
    subscription_correlation: Mapping[str, Any],
    message_business_key: str | None,
    message_correlation: Mapping[str, Any],
) -> bool:
    """True when a message may be delivered to a subscription.

    A business key on the message must equal the instance's; every correlation value the
    message carries must equal the subscription's value for that key. A message without
    business key and correlation matches every subscription with its name (the caller
    refuses it when that is more than one).
    """
    if message_business_key is not None and subscription_business_key != message_business_key:
        return False
    return all(
        key in subscription_correlation and subscription_correlation[key] == value
        for key, value in message_correlation.items()
    )

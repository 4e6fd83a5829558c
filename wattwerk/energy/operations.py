"""Writes on delivery points beyond the generic ones."""

from datetime import datetime
from decimal import Decimal

from wattwerk.core import operations

from .models import DeliveryPoint


def take_over_load_curve(
    *,
    delivery_point: DeliveryPoint,
    annual_kwh: Decimal,
    peak_kw: Decimal,
    metering: str,
    acting_user,
    now: datetime,
) -> dict:
    """Put the figures computed from a load curve into the delivery point (write needed);
    returns what changed, as :func:`wattwerk.core.operations.update_record` does."""
    delivery_point.annual_kwh = annual_kwh
    delivery_point.peak_kw = peak_kw
    delivery_point.metering = metering
    return operations.update_record(instance=delivery_point, acting_user=acting_user, now=now)

"""Wattwerk — an open-source CRM for energy suppliers."""

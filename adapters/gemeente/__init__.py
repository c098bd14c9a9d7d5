"""Gemeente adapter: the zaak in the ZGW Zaken API, the benefits administration, inbound
notifications (ZGW Notificaties, CloudEvents)."""

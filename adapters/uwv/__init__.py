"""UWV adapter: SOAP 1.1 document/literal in the style of Suwinet-Inlezen (WW, werkzoekende,
SW-indicatie)."""

"""Date and time formats that replace Django's per language (settings.FORMAT_MODULE_PATH)."""

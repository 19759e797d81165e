import dreamforge_settings  # noqa: F401  (not installed)

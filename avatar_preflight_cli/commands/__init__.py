"""One module per command (or per pair of close commands); ``avatar_preflight_cli.app`` registers them."""

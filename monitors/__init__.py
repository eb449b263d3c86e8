"""Pure builders: a validated service in, provider `...Args` out. No files, no environment, no config."""

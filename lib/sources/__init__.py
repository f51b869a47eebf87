"""Sources of mentions. One module per platform or channel, all behind `lib.sources.base.Source`."""

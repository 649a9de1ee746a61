"""The rule catalog (rules/*.toml), its documentation and its listings."""

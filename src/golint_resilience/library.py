"""What resilint knows of other modules' APIs, as data: checks read these tables, never spell them.

Names are import path + "." + name (`net/http.Get`, `go.uber.org/zap.Logger`); a
pointer and the value it points to are the same entry.
"""

from __future__ import annotations

# Packages whose command-line set and flag sets register flags the same way.
FLAG_PACKAGES = frozenset({"flag", "github.com/spf13/pflag"})
FLAG_SET_TYPES = frozenset({"flag.FlagSet", "github.com/spf13/pflag.FlagSet"})
# What parses a command line: package functions (with the CommandLine set) and FlagSet methods.
PARSE_METHODS = frozenset({"Parse", "ParseAll"})
# Functions of flag (and of its FlagSet) that define a flag; pflag adds `…P` (shorthand)
# and `…VarP` variants of each, and more value types, all following these names.
FLAG_DEFINERS = frozenset(
    {
        "Bool",
        "BoolFunc",
        "BoolVar",
        "Duration",
        "DurationVar",
        "Float64",
        "Float64Var",
        "Func",
        "Int",
        "Int64",
        "Int64Var",
        "IntVar",
        "String",
        "StringVar",
        "TextVar",
        "Uint",
        "Uint64",
        "Uint64Var",
        "UintVar",
        "Var",
    }
)

"""What resilint knows of other modules' APIs, as data: checks read these tables, never spell them.

Names are import path + "." + name (`net/http.Get`, `go.uber.org/zap.Logger`); a
pointer and the value it points to are the same entry.
"""

from __future__ import annotations

import re

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

# --- types of values: what a call, a method or a package variable gives -------------------

_ZAP = "go.uber.org/zap"
_LOGRUS = "github.com/sirupsen/logrus"
_ZEROLOG = "github.com/rs/zerolog"
_HTTP = "net/http"
_SQL = "database/sql"
_ERRGROUP = "golang.org/x/sync/errgroup"
_DOCKER_SDK = "github.com/docker/go-plugins-helpers/sdk"
_SQLX = "github.com/jmoiron/sqlx"
_CONTEXT = "context"
_GIN = "github.com/gin-gonic/gin"
_ECHO = "github.com/labstack/echo"
_FIBER = "github.com/gofiber/fiber"


def _results(package: str, type_name: str, *functions: str) -> dict[str, str]:
    """`package.F` → `type_name` for each function F."""
    return {f"{package}.{function}": type_name for function in functions}


# Functions → the type of their first result (`x := log.New(…)`, `resp, err := http.Get(…)`).
CONSTRUCTOR_RESULTS: dict[str, str] = {
    **_results("log", "log.Logger", "New", "Default"),
    **_results(_ZAP, f"{_ZAP}.Logger", "New", "NewProduction", "NewDevelopment", "NewExample", "NewNop"),
    **_results(_ZAP, f"{_ZAP}.Logger", "Must", "L"),
    **_results(_ZAP, f"{_ZAP}.SugaredLogger", "S"),
    **_results(_LOGRUS, f"{_LOGRUS}.Logger", "New", "StandardLogger"),
    **_results(_LOGRUS, f"{_LOGRUS}.Entry", "NewEntry", "WithField", "WithFields", "WithError"),
    **_results(_LOGRUS, f"{_LOGRUS}.Entry", "WithContext", "WithTime"),
    **_results(_ZEROLOG, f"{_ZEROLOG}.Logger", "New", "Nop", "Ctx"),
    **_results(f"{_ZEROLOG}/log", f"{_ZEROLOG}.Logger", "Output", "Level", "Sample", "Hook"),
    **_results(f"{_ZEROLOG}/log", f"{_ZEROLOG}.Context", "With"),
    **_results(_HTTP, f"{_HTTP}.Response", "Get", "Head", "Post", "PostForm"),
    **_results(_HTTP, f"{_HTTP}.Request", "NewRequest", "NewRequestWithContext"),
    **_results(_SQL, f"{_SQL}.DB", "Open", "OpenDB"),
    **_results(_SQLX, f"{_SQLX}.DB", "Open", "Connect"),
    **_results(_CONTEXT, f"{_CONTEXT}.Context", "Background", "TODO", "WithValue", "WithoutCancel"),
    **_results(_CONTEXT, f"{_CONTEXT}.Context", "WithCancel", "WithCancelCause", "WithDeadline"),
    **_results(_CONTEXT, f"{_CONTEXT}.Context", "WithDeadlineCause", "WithTimeout", "WithTimeoutCause"),
    # Web frameworks (version-less: echo/v4.New gives echo/v4.Echo).
    **_results(_GIN, f"{_GIN}.Engine", "Default", "New"),
    **_results(_ECHO, f"{_ECHO}.Echo", "New"),
    **_results(_FIBER, f"{_FIBER}.App", "New"),
    **_results("flag", "flag.FlagSet", "NewFlagSet"),
    **_results("os", "os.File", "Create", "CreateTemp", "NewFile", "Open", "OpenFile"),
    **_results("time", "time.Timer", "NewTimer", "AfterFunc"),
    **_results("time", "time.Ticker", "NewTicker"),
    **_results(_ERRGROUP, f"{_ERRGROUP}.Group", "WithContext"),
    **_results(_DOCKER_SDK, f"{_DOCKER_SDK}.Handler", "NewHandler"),
    **_results("github.com/spf13/pflag", "github.com/spf13/pflag.FlagSet", "NewFlagSet"),
}

_MAJOR_VERSION = re.compile(r"/v[0-9]+(?=\.[^./]+$)")


def constructor_result(function: str) -> str:
    """The type `import/path.F`'s first result has, "" when the tables do not know it.

    Entries are version-less where a module has major versions (`…/labstack/echo.New`):
    `…/echo/v4.New` gives `…/echo/v4.Echo`.
    """
    found = CONSTRUCTOR_RESULTS.get(function)
    if found is not None:
        return found
    version = _MAJOR_VERSION.search(function)
    if version is None:
        return ""
    found = CONSTRUCTOR_RESULTS.get(function[: version.start()] + function[version.end() :], "")
    package, _, name = found.rpartition(".")
    return f"{package}{version.group()}.{name}" if found else ""


_ZAP_DERIVATIONS = ("Named", "With", "WithOptions", "WithLazy")
_LOGRUS_DERIVATIONS = ("WithField", "WithFields", "WithError", "WithContext", "WithTime")
_LOGRUS_LOGGERS = ("Logger", "Entry", "FieldLogger", "Ext1FieldLogger")

# (type, method) → the type of the method's first result (`logger.Sugar()`, `db.Query(…)`).
METHOD_RESULTS: dict[tuple[str, str], str] = {
    (f"{_ZAP}.Logger", "Sugar"): f"{_ZAP}.SugaredLogger",
    (f"{_ZAP}.SugaredLogger", "Desugar"): f"{_ZAP}.Logger",
    **{(f"{_ZAP}.{t}", m): f"{_ZAP}.{t}" for t in ("Logger", "SugaredLogger") for m in _ZAP_DERIVATIONS},
    **{(f"{_LOGRUS}.{t}", m): f"{_LOGRUS}.Entry" for t in _LOGRUS_LOGGERS for m in _LOGRUS_DERIVATIONS},
    (f"{_ZEROLOG}.Logger", "With"): f"{_ZEROLOG}.Context",
    **{(f"{_ZEROLOG}.Logger", m): f"{_ZEROLOG}.Logger" for m in ("Level", "Output", "Sample", "Hook")},
    (f"{_ZEROLOG}.Context", "Logger"): f"{_ZEROLOG}.Logger",
    **{(f"{_HTTP}.Client", m): f"{_HTTP}.Response" for m in ("Do", "Get", "Head", "Post", "PostForm")},
    **{(f"{_HTTP}.Request", m): f"{_HTTP}.Request" for m in ("WithContext", "Clone")},
    (f"{_HTTP}.Request", "Context"): f"{_CONTEXT}.Context",
    **{(f"{_SQL}.{t}", "Query"): f"{_SQL}.Rows" for t in ("DB", "Tx", "Conn", "Stmt")},
    **{(f"{_SQL}.{t}", "QueryContext"): f"{_SQL}.Rows" for t in ("DB", "Tx", "Conn", "Stmt")},
    **{(f"{_SQL}.{t}", "BeginTx"): f"{_SQL}.Tx" for t in ("DB", "Conn")},
    (f"{_SQL}.DB", "Begin"): f"{_SQL}.Tx",
}

# Builders: a method of one not in METHOD_RESULTS returns the builder itself
# (`zerolog.New(w).With().Timestamp().Str("k", "v").Logger()`).
BUILDER_TYPES = frozenset({f"{_ZEROLOG}.Context"})

# Package-level variables of other packages → their type.
PACKAGE_VALUES: dict[str, str] = {
    f"{_ZEROLOG}/log.Logger": f"{_ZEROLOG}.Logger",
    f"{_HTTP}.DefaultClient": f"{_HTTP}.Client",
    "flag.CommandLine": "flag.FlagSet",
    "github.com/spf13/pflag.CommandLine": "github.com/spf13/pflag.FlagSet",
}

# What a receive from another package's channel gives: `<-time.After(d)`, `<-ticker.C`.
RECEIVED_FROM_CALLS: dict[str, str] = {"time.After": "time.Time", "time.Tick": "time.Time"}
RECEIVED_FROM_FIELDS: dict[str, str] = {"time.Ticker.C": "time.Time", "time.Timer.C": "time.Time"}

# Types a declaration cannot mean anything else by: an undeclared name of a package is a
# type parameter (any type, this package's too) unless it is one of these.
PREDECLARED_TYPES = frozenset(
    {
        "any",
        "bool",
        "byte",
        "comparable",
        "complex64",
        "complex128",
        "error",
        "float32",
        "float64",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "rune",
        "string",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
    }
)

# --- goroutines ------------------------------------------------------------------------

# Types whose `Go(f)` method runs f in a new goroutine, as `go f()` would (sync.WaitGroup.Go
# is Go 1.25's replacement for `wg.Add(1); go func() { defer wg.Done(); f() }()`).
GOROUTINE_STARTERS = frozenset({"sync.WaitGroup", f"{_ERRGROUP}.Group"})

# --- exits -------------------------------------------------------------------------------

_KLOG = frozenset({"Fatal", "Fatalf", "Fatalln", "FatalDepth", "Exit", "Exitf", "Exitln", "ExitDepth"})
# Package functions that end the process.
EXIT_FUNCTIONS: dict[str, frozenset[str]] = {
    "os": frozenset({"Exit"}),
    "syscall": frozenset({"Exit"}),
    "log": frozenset({"Fatal", "Fatalf", "Fatalln"}),
    _LOGRUS: frozenset({"Fatal", "Fatalf", "Fatalln", "Exit"}),
    "k8s.io/klog": _KLOG,
    "k8s.io/klog/v2": _KLOG,
    "github.com/golang/glog": _KLOG,
}
_STD_FATAL = frozenset({"Fatal", "Fatalf", "Fatalln"})
# Logger types → their methods that end the process.
FATAL_METHODS: dict[str, frozenset[str]] = {
    "log.Logger": _STD_FATAL,
    f"{_ZAP}.Logger": frozenset({"Fatal"}),
    f"{_ZAP}.SugaredLogger": frozenset({"Fatal", "Fatalf", "Fatalln", "Fatalw"}),
    **{f"{_LOGRUS}.{t}": _STD_FATAL for t in _LOGRUS_LOGGERS},
}
# Event loggers: `Fatal()` starts an event that ends the process once it is sent (zerolog),
# the package function (`log.Fatal().Msg(…)`) and the Logger method (`logger.Fatal().Send()`).
FATAL_EVENT_FUNCTIONS = frozenset({f"{_ZEROLOG}/log.Fatal"})
FATAL_EVENT_METHODS: dict[str, frozenset[str]] = {f"{_ZEROLOG}.Logger": frozenset({"Fatal"})}
EVENT_SENDERS = frozenset({"Msg", "Msgf", "MsgFunc", "Send"})

# --- state that dies with the process ------------------------------------------------------

# Functions whose every effect stays inside the process (its environment, its signal
# handlers, its OS thread): undoing them on the way out is moot.
PROCESS_LOCAL_FUNCTIONS = frozenset(
    {
        "os.Setenv",
        "os.Unsetenv",
        "os/signal.Stop",
        "os/signal.Reset",
        "os/signal.Ignore",
        "runtime.UnlockOSThread",
    }
)
# Methods of types whose values live in the process's memory only (a mutex's lock is no
# lock anyone else waits on once the process is gone; a timer does not outlive it).
PROCESS_LOCAL_METHODS: dict[str, frozenset[str]] = {
    "sync.Mutex": frozenset({"Unlock"}),
    "sync.RWMutex": frozenset({"Unlock", "RUnlock"}),
    "sync.WaitGroup": frozenset({"Done"}),
    # the kernel closes a dead process's descriptors; what was written is already its own
    "os.File": frozenset({"Close"}),
    "time.Timer": frozenset({"Stop"}),
    "time.Ticker": frozenset({"Stop"}),
}
# Metrics kept in the process's registry (an update is lost with the process anyway).
METRIC_PACKAGES = frozenset(
    {
        "github.com/prometheus/client_golang/prometheus",
        "github.com/prometheus/client_golang/prometheus/promauto",
    }
)
METRIC_UPDATES = frozenset({"Set", "Inc", "Dec", "Add", "Sub", "Observe", "SetToCurrentTime"})

# Packages that reach only the machine the program runs on (files, the kernel, local
# system services): a loop polling them waits for local state, it hammers no dependency.
LOCAL_RESOURCE_PACKAGES = frozenset(
    {
        "os",
        "syscall",
        "io/fs",
        "path/filepath",
        "golang.org/x/sys/unix",
        "golang.org/x/sys/windows",
        "github.com/vishvananda/netlink",
        "github.com/Microsoft/hcsshim",
    }
)
# Dial functions whose first argument names the network, and the networks that are local.
NETWORK_DIALS = frozenset({"net.Dial", "net.DialTimeout"})
LOCAL_NETWORKS = frozenset({"unix", "unixgram", "unixpacket"})

# Logging libraries: their calls record what happened and compute nothing from it. A
# body that only adds logging to standard-library work has no panic source of its own
# (their Panic* and Fatal* calls aside). Paths without their major version (`/v2`).
LOGGING_PACKAGES = frozenset(
    {
        _ZAP,
        _LOGRUS,
        _ZEROLOG,
        f"{_ZEROLOG}/log",
        "github.com/go-kit/log",
        "github.com/go-kit/log/level",
        "github.com/go-kit/kit/log",
        "github.com/go-kit/kit/log/level",
        "github.com/containerd/log",
        "github.com/hashicorp/go-hclog",
        "github.com/golang/glog",
        "k8s.io/klog",
    }
)
_PACKAGE_MAJOR_VERSION = re.compile(r"/v[0-9]+$")


def is_logging_package(path: str) -> bool:
    """A logging library's package, whatever its major version (`k8s.io/klog/v2`)."""
    return _PACKAGE_MAJOR_VERSION.sub("", path) in LOGGING_PACKAGES


# Tracing libraries: like logging and metrics, they record what a body does.
TRACING_PACKAGES = frozenset(
    {
        "go.opentelemetry.io/otel",
        "go.opentelemetry.io/otel/attribute",
        "go.opentelemetry.io/otel/codes",
        "go.opentelemetry.io/otel/trace",
        "github.com/opentracing/opentracing-go",
        "github.com/opentracing/opentracing-go/ext",
    }
)


def is_instrumentation_package(path: str) -> bool:
    """A logging, metrics or tracing library's package: it records work, it does none."""
    versionless = _PACKAGE_MAJOR_VERSION.sub("", path)
    return any(versionless in known for known in (LOGGING_PACKAGES, METRIC_PACKAGES, TRACING_PACKAGES))


# Command-line frameworks' command types and the fields that hold what a command runs: a
# function there is that command's main(). Paths without their major version.
CLI_COMMAND_RUN_FIELDS: dict[str, frozenset[str]] = {
    "github.com/spf13/cobra.Command": frozenset(
        {
            "Run",
            "RunE",
            "PreRun",
            "PreRunE",
            "PostRun",
            "PostRunE",
            "PersistentPreRun",
            "PersistentPreRunE",
            "PersistentPostRun",
            "PersistentPostRunE",
        }
    ),
    "github.com/urfave/cli.Command": frozenset({"Action", "Before", "After"}),
    "github.com/urfave/cli.App": frozenset({"Action", "Before", "After"}),
    "github.com/traefik/paerser/cli.Command": frozenset({"Run"}),
}

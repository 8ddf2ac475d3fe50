//! The command line: one table of options, which both reads the arguments
//! into a [`Config`] and writes `--help`, its defaults read from
//! [`Config::default`], so the help can never disagree with what the
//! server does when an option is left out.

use super::{Config, MAX_SESSION_TTL, Secret};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// What the command line asks for.
#[derive(Debug)]
pub enum Request {
    /// Serve with this configuration.
    Serve(Box<Config>),
    /// Print this text (the help or the version) and exit.
    Print(String),
}

/// One option: its flag, what it takes, what it does, its default.
struct Opt {
    /// `--bind`, without the dashes.
    long: &'static str,
    /// What the value is called in the help; empty for a switch.
    value: &'static str,
    /// What it sets, in lines of the help.
    help: &'static [&'static str],
    /// The default as the help shows it, read from `Config::default()`.
    default: fn(&Config) -> Option<String>,
    /// Sets the option's value (empty for a switch) in the configuration.
    apply: fn(&mut Config, &str) -> Result<(), String>,
}

/// Every option, in the order the help lists them.
const OPTIONS: &[Opt] = &[
    Opt {
        long: "bind",
        value: "ADDR",
        help: &["where to listen: HOST:PORT, localhost:PORT, or a PORT on 127.0.0.1"],
        default: |c| Some(c.bind.to_string()),
        apply: |c, v| set(&mut c.bind, bind_address(v)),
    },
    Opt {
        long: "threads",
        value: "N",
        help: &["worker threads, each with its own connections"],
        // The rule, not this machine's number: the help (and the README,
        // which shows it) reads the same everywhere.
        default: |_| Some("one per core but one, at least one".into()),
        apply: |c, v| set(&mut c.threads, number(v)),
    },
    Opt {
        long: "max-connections",
        value: "N",
        help: &["open connections before new ones get 503"],
        default: |c| Some(c.max_connections.to_string()),
        apply: |c, v| set(&mut c.max_connections, number(v)),
    },
    Opt {
        long: "header-timeout",
        value: "SECS",
        help: &["time for a request head to arrive (from its first byte, or accept)"],
        default: |c| Some(seconds_text(c.header_timeout)),
        apply: |c, v| set(&mut c.header_timeout, seconds(v)),
    },
    Opt {
        long: "body-timeout",
        value: "SECS",
        help: &["time for a request body to arrive, once its head has"],
        default: |c| Some(seconds_text(c.body_timeout)),
        apply: |c, v| set(&mut c.body_timeout, seconds(v)),
    },
    Opt {
        long: "idle-timeout",
        value: "SECS",
        help: &["time a keep-alive connection may wait for its next request"],
        default: |c| Some(seconds_text(c.idle_timeout)),
        apply: |c, v| set(&mut c.idle_timeout, seconds(v)),
    },
    Opt {
        long: "write-timeout",
        value: "SECS",
        help: &["time the client may take, without reading, to take an answer"],
        default: |c| Some(seconds_text(c.write_timeout)),
        apply: |c, v| set(&mut c.write_timeout, seconds(v)),
    },
    Opt {
        long: "sessions",
        value: "STORE",
        help: &[
            "where server-side sessions live:",
            "  memory                  this process; lost on restart",
            "  sqlite:PATH             a SQLite file, shared on this host",
            "  redis://HOST:PORT[/DB]  a Redis server, shared by any host",
        ],
        default: |_| Some("memory".into()),
        apply: |c, v| set(&mut c.sessions, v.parse()),
    },
    Opt {
        long: "session-ttl",
        value: "SECS",
        help: &["time a server-side session lives unused"],
        default: |c| Some(format!("{}, {}", seconds_text(c.session_ttl), days(c.session_ttl))),
        apply: |c, v| set(&mut c.session_ttl, seconds(v)),
    },
    Opt {
        long: "max-sessions",
        value: "N",
        help: &["sessions kept at once, in memory or SQLite"],
        default: |c| Some(c.max_sessions.to_string()),
        apply: |c, v| set(&mut c.max_sessions, number(v)),
    },
    Opt {
        long: "store-timeout",
        value: "SECS",
        help: &["longest wait for SQLite or Redis; past it, the session page answers 503"],
        default: |c| Some(seconds_text(c.store_timeout)),
        apply: |c, v| set(&mut c.store_timeout, seconds(v)),
    },
    Opt {
        long: "secret-file",
        value: "PATH",
        help: &["the key that signs the signed-count cookie (at least 16 bytes)"],
        default: |_| Some("$PAGECOUNT_SECRET, else a random key made at start".into()),
        apply: |c, v| set(&mut c.secret, read_key_file(v).map(Some)),
    },
    Opt {
        long: "old-secret-file",
        value: "PATH",
        help: &[
            "an earlier key: cookies it signed are still accepted and",
            "signed anew with the current key (repeatable)",
        ],
        default: |_| None,
        apply: |c, v| read_key_file(v).map(|key| c.old_secrets.push(key)),
    },
    Opt {
        long: "name",
        value: "NAME",
        help: &["this server's name, shown on every page and sent as Served-By", "(letters, digits, '-', '_', '.')"],
        default: |_| None,
        apply: |c, v| set(&mut c.name, Ok(Some(v.to_string()))),
    },
    Opt {
        long: "trace",
        value: "",
        help: &["print every request and response head"],
        default: |_| None,
        apply: |c, _| set(&mut c.trace, Ok(true)),
    },
    Opt {
        long: "quiet",
        value: "",
        help: &["print no access log"],
        default: |_| None,
        apply: |c, _| set(&mut c.access_log, Ok(false)),
    },
];

/// Stores an option's value, once it has been read.
fn set<T>(field: &mut T, value: Result<T, String>) -> Result<(), String> {
    *field = value?;
    Ok(())
}

/// Reads the arguments (without the program's name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Request, String> {
    use lexopt::prelude::*;
    let mut config = Config::default();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let long = match arg {
            Short('h') | Long("help") => return Ok(Request::Print(usage())),
            Short('V') | Long("version") => {
                return Ok(Request::Print(format!("pagecount {}", env!("CARGO_PKG_VERSION"))));
            }
            Long(long) => long.to_string(),
            _ => return Err(arg.unexpected().to_string()),
        };
        let option = OPTIONS.iter().find(|o| o.long == long).ok_or_else(|| format!("unknown option --{long}"))?;
        let value = if option.value.is_empty() {
            String::new()
        } else {
            let value = parser.value().map_err(|e| e.to_string())?;
            value.into_string().map_err(|v| format!("--{long}: {} is not UTF-8", v.to_string_lossy()))?
        };
        (option.apply)(&mut config, &value).map_err(|e| format!("--{long} {value}: {e}"))?;
    }
    if config.secret.is_none()
        && let Some(value) = std::env::var_os("PAGECOUNT_SECRET")
    {
        config.secret = Some(key(value.into_encoded_bytes()));
    }
    config.validate()?;
    Ok(Request::Serve(Box::new(config)))
}

/// The help, its defaults read from `Config::default()`.
pub fn usage() -> String {
    let defaults = Config::default();
    let mut text = String::from(
        "pagecount: a page visit counter on a hand-written HTTP/1.1 server\n\nUsage: pagecount [OPTIONS]\n\nOptions:\n",
    );
    for option in OPTIONS {
        let flag = if option.value.is_empty() {
            format!("--{}", option.long)
        } else {
            format!("--{} {}", option.long, option.value)
        };
        for (i, line) in option.help.iter().enumerate() {
            let left = if i == 0 { flag.as_str() } else { "" };
            let _ = writeln!(text, "  {left:<24} {line}");
        }
        if let Some(default) = (option.default)(&defaults) {
            let _ = writeln!(text, "  {:<24} [default: {default}]", "");
        }
    }
    for (flag, line) in [("-h, --help", "print this help"), ("-V, --version", "print the version")] {
        let _ = writeln!(text, "  {flag:<24} {line}");
    }
    text.push_str("\nEnvironment:\n");
    for (i, line) in [
        "the signing key, when --secret-file is not given. Without",
        "either, a random key is made at start, and a restart then",
        "invalidates every signed cookie",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(text, "  {:<24} {line}", if i == 0 { "PAGECOUNT_SECRET" } else { "" });
    }
    text
}

/// `--bind`: `HOST:PORT` (a name is looked up, and its IPv4 address
/// preferred, as the address a browser tries first for `localhost` may
/// vary), or a bare `PORT` on 127.0.0.1.
fn bind_address(value: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = value.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    let addresses: Vec<SocketAddr> =
        value.to_socket_addrs().map_err(|e| format!("not HOST:PORT, localhost:PORT or a PORT ({e})"))?.collect();
    addresses.iter().find(|a| a.is_ipv4()).or(addresses.first()).copied().ok_or_else(|| "no such address".into())
}

fn number(value: &str) -> Result<usize, String> {
    value.parse().map_err(|_| "not a whole number".into())
}

/// A duration in seconds, fractions allowed (`0.5`). How long it may be
/// is for `Config::validate` to say.
fn seconds(value: &str) -> Result<Duration, String> {
    let secs: f64 = value.parse().map_err(|_| "not a number of seconds")?;
    Duration::try_from_secs_f64(secs).map_err(|e| format!("not a number of seconds ({e})"))
}

/// A duration as the help writes it: `60`, `0.25`.
fn seconds_text(duration: Duration) -> String {
    format!("{}", duration.as_secs_f64())
}

/// `14 days`, for the session lifetime's default.
fn days(duration: Duration) -> String {
    debug_assert!(duration <= MAX_SESSION_TTL);
    format!("{} days", duration.as_secs() / 86_400)
}

/// A key file's bytes, less a final newline.
fn read_key_file(path: &str) -> Result<Secret, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(key(bytes))
}

fn key(bytes: Vec<u8>) -> Secret {
    let bytes = bytes.strip_suffix(b"\n").map(|b| b.strip_suffix(b"\r").unwrap_or(b)).unwrap_or(&bytes).to_vec();
    Secret(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(OsString::from))? {
            Request::Serve(config) => Ok(*config),
            Request::Print(text) => Err(format!("printed {text}")),
        }
    }

    #[test]
    fn bind_takes_an_address_a_name_or_a_port() {
        for (value, expected) in [
            ("127.0.0.1:8000", "127.0.0.1:8000"),
            ("0.0.0.0:80", "0.0.0.0:80"),
            ("[::1]:8001", "[::1]:8001"),
            ("localhost:8002", "127.0.0.1:8002"),
            ("8003", "127.0.0.1:8003"),
        ] {
            assert_eq!(parsed(&["--bind", value]).unwrap().bind.to_string(), expected, "{value}");
        }
        for bad in ["nowhere", "8000000", "localhost", ":8000x"] {
            assert!(parsed(&["--bind", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_option_is_read_and_named_in_errors() {
        let config = parsed(&[
            "--threads",
            "3",
            "--idle-timeout",
            "0.5",
            "--sessions",
            "sqlite:s.db",
            "--name",
            "a",
            "--quiet",
            "--trace",
        ])
        .unwrap();
        assert_eq!((config.threads, config.idle_timeout), (3, Duration::from_millis(500)));
        assert_eq!((config.name.as_deref(), config.access_log, config.trace), (Some("a"), false, true));
        let error = parsed(&["--threads", "many"]).unwrap_err();
        assert_eq!(error, "--threads many: not a whole number");
        assert_eq!(parsed(&["--nope"]).unwrap_err(), "unknown option --nope");
    }

    #[test]
    fn the_help_shows_every_option_with_the_configurations_defaults() {
        let help = usage();
        for option in OPTIONS {
            assert!(help.contains(&format!("--{}", option.long)), "{}", option.long);
        }
        let defaults = Config::default();
        assert!(help.contains(&format!("[default: {}]", defaults.bind)));
        assert!(help.contains(&format!("[default: {}]", defaults.idle_timeout.as_secs())));
        assert!(help.contains("[default: 1209600, 14 days]"), "{help}");
        assert!(help.lines().all(|line| line.len() <= 100), "{help}");
    }
}

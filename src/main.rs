//! `pagecount`: parse the options, build the configuration, run the server.

use pagecount::config::Secret;
use pagecount::{App, Config, Server};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
pagecount: a page visit counter on a hand-written HTTP/1.1 server

Usage: pagecount [OPTIONS]

Options:
  --bind ADDR              address to listen on [default: 127.0.0.1:8000]
  --threads N              worker threads [default: one per core]
  --max-connections N      open connections before new ones get 503 [default: 10000]
  --header-timeout SECS    time for a whole request head to arrive [default: 60]
  --body-timeout SECS      time for a whole request body to arrive [default: 60]
  --idle-timeout SECS      time a keep-alive connection may wait [default: 60]
  --write-timeout SECS     time for the client to take a response [default: 30]
  --session-ttl SECS       time a server-side session lives unused [default: 1209600, two weeks]
  --max-sessions N         sessions kept at once, in memory or SQLite [default: 100000]
  --sessions STORE         where server-side sessions live [default: memory]:
                             memory                  this process; lost on restart
                             sqlite:PATH             a SQLite file, shared on this host
                             redis://HOST:PORT[/DB]  a Redis server, shared by any host
  --store-timeout SECS     longest wait for SQLite or Redis; past it, the session
                           page answers 503 [default: 0.25]
  --secret-file PATH       key that signs the signed-count cookie (at least 16 bytes)
  --old-secret-file PATH   an earlier key: cookies it signed are still accepted and
                           signed anew with the current key (repeatable)
  --name NAME              this server's name, shown on every page and sent as
                           Served-By (letters, digits, '-', '_', '.')
  --trace                  print every request and response head
  --quiet                  print no access log
  -h, --help               print this help
  -V, --version            print the version

Environment:
  PAGECOUNT_SECRET         the signing key, when --secret-file is not given. Without
                           either, a random key is made at start, and a restart then
                           invalidates every signed cookie";

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(Some(config)) => config,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pagecount: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pagecount: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Binds, prints where, stops gracefully on Ctrl-C (and on Unix on
/// SIGTERM and SIGHUP too), and at once on a second one.
fn serve(config: Config) -> std::io::Result<()> {
    raise_file_limit(config.max_connections);
    let ephemeral_key = config.secret.is_none();
    let app = App::new(&config).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let server = Server::bind(config, app)?;
    if ephemeral_key {
        eprintln!("pagecount: no PAGECOUNT_SECRET or --secret-file; signed cookies will not survive a restart");
    }
    let shutdown = server.shutdown_handle();
    let mut asked_before = false;
    ctrlc::set_handler(move || {
        if std::mem::replace(&mut asked_before, true) {
            std::process::exit(130);
        }
        shutdown.shut_down();
    })
    .map_err(std::io::Error::other)?;
    println!("Listening on http://{}/", server.local_addr()?);
    server.run()
}

/// Open files the server needs besides its connections: the listener, the
/// pollers, their wakers, stdio.
#[cfg(unix)]
const FILES_BESIDES_CONNECTIONS: u64 = 64;

/// Every connection is an open file, and many systems let a process open
/// only 1024 by default. Raise the soft limit toward the connection cap (as
/// Go's runtime does at start), so that the cap, not the operating system,
/// decides when new connections are turned away; say so if it cannot.
/// Windows has no such limit on sockets.
#[cfg(not(unix))]
fn raise_file_limit(_max_connections: usize) {}

#[cfg(unix)]
fn raise_file_limit(max_connections: usize) {
    let wanted = max_connections as u64 + FILES_BESIDES_CONNECTIONS;
    match rlimit::increase_nofile_limit(wanted) {
        Ok(allowed) if allowed < wanted => eprintln!(
            "pagecount: the system allows {allowed} open files; past about {} connections, accepting will fail and pause",
            allowed.saturating_sub(FILES_BESIDES_CONNECTIONS)
        ),
        Ok(_) => {}
        Err(e) => eprintln!("pagecount: could not raise the open-file limit: {e}"),
    }
}

/// The configuration the command line asks for, or `None` after `--help`
/// or `--version`.
fn parse_args() -> Result<Option<Config>, lexopt::Error> {
    use lexopt::prelude::*;
    let mut config = Config::default();
    let mut secret_file = None;
    let mut old_secret_files = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("bind") => config.bind = parser.value()?.parse()?,
            Long("threads") => config.threads = parser.value()?.parse()?,
            Long("max-connections") => config.max_connections = parser.value()?.parse()?,
            Long("header-timeout") => config.header_timeout = seconds(parser.value()?)?,
            Long("body-timeout") => config.body_timeout = seconds(parser.value()?)?,
            Long("idle-timeout") => config.idle_timeout = seconds(parser.value()?)?,
            Long("write-timeout") => config.write_timeout = seconds(parser.value()?)?,
            Long("session-ttl") => config.session_ttl = seconds(parser.value()?)?,
            Long("max-sessions") => config.max_sessions = parser.value()?.parse()?,
            Long("sessions") => config.sessions = parser.value()?.string()?.parse()?,
            Long("store-timeout") => config.store_timeout = seconds(parser.value()?)?,
            Long("secret-file") => secret_file = Some(parser.value()?),
            Long("old-secret-file") => old_secret_files.push(parser.value()?),
            Long("name") => config.name = Some(parser.value()?.string()?),
            Long("trace") => config.trace = true,
            Long("quiet") => config.access_log = false,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(None);
            }
            Short('V') | Long("version") => {
                println!("pagecount {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    config.secret = read_secret(secret_file)?;
    config.old_secrets = old_secret_files.into_iter().map(read_key_file).collect::<Result<_, _>>()?;
    config.validate()?;
    Ok(Some(config))
}

/// The signing key: the file's, else `PAGECOUNT_SECRET`, else none.
fn read_secret(file: Option<std::ffi::OsString>) -> Result<Option<Secret>, lexopt::Error> {
    match (file, std::env::var_os("PAGECOUNT_SECRET")) {
        (Some(path), _) => read_key_file(path).map(Some),
        (None, Some(value)) => Ok(Some(key(value.into_encoded_bytes()))),
        (None, None) => Ok(None),
    }
}

/// A key file's bytes, less a final newline.
fn read_key_file(path: std::ffi::OsString) -> Result<Secret, lexopt::Error> {
    let bytes = std::fs::read(&path)
        .map_err(|e| lexopt::Error::from(format!("cannot read {}: {e}", path.to_string_lossy())))?;
    Ok(key(bytes))
}

fn key(bytes: Vec<u8>) -> Secret {
    let bytes = bytes.strip_suffix(b"\n").map(|b| b.strip_suffix(b"\r").unwrap_or(b)).unwrap_or(&bytes).to_vec();
    Secret(bytes)
}

/// A duration in seconds, fractions allowed (`0.5`). How long it may be
/// is for `Config::validate` to say.
fn seconds(value: std::ffi::OsString) -> Result<Duration, lexopt::Error> {
    use lexopt::ValueExt;
    let secs: f64 = value.parse()?;
    Duration::try_from_secs_f64(secs).map_err(|e| lexopt::Error::from(format!("bad number of seconds: {e}")))
}

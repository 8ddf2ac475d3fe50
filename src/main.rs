//! `pagecount`: parse the options, build the configuration, run the server.

use pagecount::config::command_line::{self, Request};
use pagecount::{App, Config, Server};
use std::io::ErrorKind;
use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match command_line::parse(std::env::args_os().skip(1)) {
        Ok(Request::Serve(config)) => *config,
        Ok(Request::Print(text)) => {
            println!("{}", text.trim_end());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("pagecount: {e}\n\n{}", command_line::usage());
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
    let bind = config.bind;
    let app = App::new(&config).map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
    let server = Server::bind(config, app).map_err(|e| explain_bind_error(e, bind))?;
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

/// Says what a learner can do about the commonest ways binding fails.
fn explain_bind_error(error: std::io::Error, bind: std::net::SocketAddr) -> std::io::Error {
    let other = if bind.port() == u16::MAX { bind.port() - 1 } else { bind.port() + 1 };
    let advice = match error.kind() {
        ErrorKind::AddrInUse => format!(
            "{bind} is already in use (is another pagecount, or another server, running?); \
             stop it, or choose another port: --bind {other}"
        ),
        ErrorKind::PermissionDenied => {
            format!("not allowed to listen on {bind} (ports below 1024 need privileges); try --bind {}", 8000)
        }
        ErrorKind::AddrNotAvailable => format!("{bind} is not an address of this machine; try --bind 127.0.0.1:8000"),
        _ => return error,
    };
    std::io::Error::new(error.kind(), advice)
}

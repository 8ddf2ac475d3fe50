//! pagecount: how a web application remembers a visitor over a protocol
//! that remembers nothing, shown on a hand-written HTTP/1.1 server.
//!
//! The chapters, in reading order:
//! - [`http`]: requests, bodies, responses, connections (RFC 9110, 9112);
//! - [`cookie`]: the `Cookie` and `Set-Cookie` headers (RFC 6265);
//! - [`app`]: the pages, each a way of keeping state across requests;
//! - [`server`]: the sockets, threads and timeouts that carry it all;
//! - [`config`] and [`log`]: the limits, and what the server prints.
//!
//! Read these docs with `cargo doc --document-private-items --open`: the
//! chapters link to modules that are private to the crate (so that the
//! compiler finds what nothing uses), and only then are the links live.
#![forbid(unsafe_code)]
#![allow(rustdoc::private_intra_doc_links)]

pub mod app;
pub mod config;
pub(crate) mod cookie;
pub mod http;
pub(crate) mod log;
pub mod server;

pub use app::App;
pub use config::Config;
pub use server::Server;

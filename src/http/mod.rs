//! HTTP/1.1 as RFC 9110 (semantics) and RFC 9112 (the message syntax)
//! describe it, written as functions from bytes to bytes.
//!
//! Read in this order: [`request`] (what a request head is), [`framing`]
//! and [`chunked`] (where its body ends), [`response`] (what goes back),
//! [`error`] (what goes back when something is wrong), and [`connection`]
//! (how one connection carries request after request).

pub mod chunked;
pub mod connection;
pub mod date;
pub mod error;
pub mod framing;
pub mod request;
pub mod response;

pub use connection::{Advance, After, Context, Conversation, Handler, Phase};
pub use date::HttpDate;
pub use error::HttpError;
pub use request::{Method, Request, Version};
pub use response::{Persistence, Response, Status};

//! HTTP/1.1 as RFC 9110 (semantics) and RFC 9112 (the message syntax)
//! describe it, written as functions from bytes to bytes.
//!
//! Read in this order: [`grammar`] (the byte classes and numbers of the
//! RFCs' ABNF, one function per rule), [`request`] (what a request head
//! is), [`framing`] and [`chunked`] (where its body ends), [`response`]
//! (what goes back), [`error`] (what goes back when something is wrong),
//! and [`conversation`] (how one connection carries request after
//! request). Nothing here touches a socket or a clock: that is `server`'s
//! part.

pub(crate) mod chunked;
pub(crate) mod conversation;
pub(crate) mod date;
pub(crate) mod error;
pub(crate) mod framing;
pub(crate) mod grammar;
pub(crate) mod request;
pub(crate) mod response;

pub use conversation::{Advance, After, Context, Conversation, Handler, Observer, Phase, Unobserved};
pub use date::HttpDate;
pub use error::HttpError;
pub use request::{Method, Request, Version};
pub use response::{Persistence, Response, Status};

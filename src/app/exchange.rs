//! The picture at the top of every counter page: the exchange that made
//! the page, drawn as a sequence diagram by `templates/exchange.html`.
//!
//! ```text
//! your browser                                   this server
//!      |  GET /count_view/ HTTP/1.1                   |
//!      |  Cookie: [count=2]  ------------------------>|  reads 2, adds one
//!      |                                              |
//!      |  HTTP/1.1 200 OK                             |
//!      |<-------------------  Set-Cookie: [count=3]   |
//! ```
//!
//! Each page fills in an [`Exchange`] from its own request and response:
//! the request line and the lines that carried the state here, what the
//! server did with it, and the status line and the lines that carry the
//! state home. The value that changed is marked (the `[...]` above). It is
//! plain text with a little markup, so it reads the same with styles off,
//! and every piece of it is escaped by the template.

use std::borrow::Cow;

/// One line of a message in the picture, at most one part of it marked as
/// the value that carries the state.
#[derive(Debug, Default)]
pub struct Line<'a> {
    /// A fixed start the server wrote (`Cookie: `), shown as is.
    pub head: &'static str,
    /// The text before the marked part.
    pub before: Cow<'a, str>,
    /// The marked part; empty for none.
    pub mark: Cow<'a, str>,
    /// The text after it.
    pub after: Cow<'a, str>,
}

impl<'a> Line<'a> {
    /// A line with nothing marked.
    pub fn text(head: &'static str, text: impl Into<Cow<'a, str>>) -> Self {
        Line { head, before: text.into(), ..Line::default() }
    }

    /// A line that is all marked after its head.
    pub fn marked(head: &'static str, mark: impl Into<Cow<'a, str>>) -> Self {
        Line { head, mark: mark.into(), ..Line::default() }
    }

    /// A line with a marked part in the middle.
    pub fn with_mark(
        head: &'static str,
        before: impl Into<Cow<'a, str>>,
        mark: impl Into<Cow<'a, str>>,
        after: impl Into<Cow<'a, str>>,
    ) -> Self {
        Line { head, before: before.into(), mark: mark.into(), after: after.into() }
    }
}

/// One request and its response, as the picture shows them.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The request line, and the lines that carried the state here (the
    /// `Cookie` lines, the query, the posted body).
    pub sent: Vec<Line<'a>>,
    /// Where that state came from: the previous response, or nowhere.
    pub sent_note: Cow<'a, str>,
    /// What the server did with it, a line a step.
    pub server: Vec<Line<'a>>,
    /// The status line, and the lines that carry the state back (the
    /// `Set-Cookie` line, the rewritten link, the hidden field).
    pub answered: Vec<Line<'a>>,
    /// What the browser does with them: where the next request's state
    /// will come from.
    pub answer_note: Cow<'a, str>,
}

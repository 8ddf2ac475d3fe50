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
use std::fmt;

/// Text written in this server's source, never taken from a request: it
/// holds no `<`, `>`, `&` or `"` (checked when it is made, at compile time
/// in a `const`), so the templates print it without escaping, as text or
/// inside a double-quoted attribute. Everything else in a page is escaped;
/// this keeps the server's own words (the fixed sentences of every
/// picture, page names, paths, status lines) from being scanned byte by
/// byte on every request.
#[derive(Clone, Copy, Debug, Default)]
pub struct Prose(&'static str);

impl Prose {
    /// Prose, if `text` holds no markup; a panic (a compile error in a
    /// `const`) otherwise.
    pub const fn new(text: &'static str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            assert!(!matches!(bytes[i], b'<' | b'>' | b'&' | b'"'), "prose holds no markup");
            i += 1;
        }
        Prose(text)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// Prose checked when the program is compiled, and so free at run time:
/// `prose!("keeps nothing")`.
macro_rules! prose {
    ($text:expr) => {
        const { $crate::app::exchange::Prose::new($text) }
    };
}
pub(crate) use prose;

impl fmt::Display for Prose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Prose needs no escaping: it holds no markup and no client's bytes.
impl askama::filters::HtmlSafe for Prose {}

/// And it is written as it is, without going through `fmt`.
impl askama::FastWritable for Prose {
    fn write_into(&self, dest: &mut dyn fmt::Write, _values: &dyn askama::Values) -> askama::Result<()> {
        Ok(dest.write_str(self.0)?)
    }
}

/// One line of a message in the picture, at most one part of it marked as
/// the value that carries the state.
#[derive(Debug, Default)]
pub struct Line<'a> {
    /// A fixed start the server wrote (`Cookie: `, or a whole line of its
    /// own), shown as is.
    pub head: Prose,
    /// The text before the marked part.
    pub before: Cow<'a, str>,
    /// The marked part; empty for none.
    pub mark: Cow<'a, str>,
    /// The text after it.
    pub after: Cow<'a, str>,
}

impl<'a> Line<'a> {
    /// A line the server wrote whole.
    pub fn prose(text: Prose) -> Self {
        Line { head: text, ..Line::default() }
    }

    /// A line with nothing marked.
    pub fn text(head: Prose, text: impl Into<Cow<'a, str>>) -> Self {
        Line { head, before: text.into(), ..Line::default() }
    }

    /// A line that is all marked after its head.
    pub fn marked(head: Prose, mark: impl Into<Cow<'a, str>>) -> Self {
        Line { head, mark: mark.into(), ..Line::default() }
    }

    /// A line with a marked part in the middle.
    pub fn with_mark(
        head: Prose,
        before: impl Into<Cow<'a, str>>,
        mark: impl Into<Cow<'a, str>>,
        after: impl Into<Cow<'a, str>>,
    ) -> Self {
        Line { head, before: before.into(), mark: mark.into(), after: after.into() }
    }
}

/// The request line, `GET /url_count/?count=2 HTTP/1.1`, with a part of
/// its target marked when the state came in the URL.
#[derive(Debug)]
pub struct RequestLine<'a> {
    /// `GET`, `POST`, ...
    pub method: Prose,
    /// The target before the marked part (all of it, when nothing is).
    pub before: &'a str,
    /// The marked part of the target; empty for none.
    pub mark: &'a str,
    /// The target after it.
    pub after: &'a str,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: Prose,
}

/// One request and its response, as the picture shows them.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The request line.
    pub request: RequestLine<'a>,
    /// The lines that carried the state here (the `Cookie` lines, the
    /// posted body).
    pub sent: Vec<Line<'a>>,
    /// Where that state came from: the previous response, or nowhere.
    pub sent_note: Prose,
    /// A `sessionid` in the sent lines was cut short ([`super::echo`]),
    /// and the picture says why.
    pub masked: bool,
    /// What the server did with it, a line a step.
    pub server: Vec<Line<'a>>,
    /// The status line.
    pub status: Prose,
    /// The lines that carry the state back (the `Set-Cookie` line, the
    /// rewritten link, the hidden field).
    pub answered: Vec<Line<'a>>,
    /// What the browser does with them: where the next request's state
    /// will come from.
    pub answer_note: Prose,
}

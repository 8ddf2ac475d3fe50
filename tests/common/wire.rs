//! What every answer on the wire must look like, whatever was asked: the
//! checks shared by the bulk hostile test and the fuzz targets (which
//! include this file by path, so it uses only std and pagecount's public
//! API).
//!
//! - every response is well-formed HTTP/1.1: a status line, header lines,
//!   a blank line, and exactly `Content-Length` bytes of body (none for a
//!   `HEAD`);
//! - none is a `500` (a page that panicked);
//! - every header line is one the server makes, with a value it made: no
//!   byte a client sent can add a header or break out of one;
//! - every HTML page holds only the tags and attributes the templates
//!   have: nothing a client sent becomes markup;
//! - the same bytes get the same answers however they were split.

use pagecount::Config;
use pagecount::http::{After, Context, Conversation, Handler, Response, Unobserved};
use std::collections::BTreeSet;

/// A final response: its status code, and whether it closed the connection.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: String,
    pub closes: bool,
}

/// Feeds `input` to one conversation, cut at the offsets in `cuts` (as a
/// network would deliver it in pieces), keeping the unused bytes and
/// stopping at a close as the server does; gives everything written.
pub fn converse<H: Handler>(handler: &H, config: &Config, input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let (mut response, mut out, mut log) = (Response::default(), Vec::new(), Unobserved);
    let mut conversation = Conversation::default();
    let mut held = Vec::new();
    let mut ends: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    ends.push(input.len());
    ends.sort_unstable();
    let mut sent = 0;
    for end in ends {
        if end <= sent {
            continue;
        }
        held.extend_from_slice(&input[sent..end]);
        sent = end;
        let mut cx = Context {
            handler,
            config,
            date: "Sun, 22 Nov 2026 03:40:00 GMT",
            peer: "127.0.0.1:1",
            response: &mut response,
            out: &mut out,
            log: &mut log,
            closing: false,
        };
        let advance = conversation.advance(&mut held, &mut cx);
        held.drain(..advance.consumed);
        if matches!(advance.after, After::Close | After::Drain) {
            break;
        }
    }
    out
}

/// Header names the server sends.
const HEADER_NAMES: &[&str] = &[
    "Allow",
    "Cache-Control",
    "Connection",
    "Content-Length",
    "Content-Type",
    "Date",
    "ETag",
    "Location",
    "Served-By",
    "Set-Cookie",
    "Vary",
];

/// The tags and attribute names the templates use, read from their files,
/// so that a page's markup can be checked against them.
pub struct Markup {
    tags: BTreeSet<String>,
    attributes: BTreeSet<String>,
}

impl Markup {
    /// Reads every template under `dir`.
    pub fn from_templates(dir: &std::path::Path) -> Markup {
        let mut markup = Markup { tags: BTreeSet::new(), attributes: BTreeSet::new() };
        for entry in std::fs::read_dir(dir).expect("the templates folder") {
            let path = entry.expect("a template").path();
            if path.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(&path).expect("a template is UTF-8");
                for (tag, attributes) in tags(&text) {
                    markup.tags.insert(tag);
                    markup.attributes.extend(attributes);
                }
            }
        }
        markup
    }

    /// Whether `page` holds only the templates' tags and attributes.
    fn check(&self, page: &str) -> Result<(), String> {
        for (tag, attributes) in tags(page) {
            if !self.tags.contains(&tag) {
                return Err(format!("a <{tag}> no template makes"));
            }
            if let Some(attribute) = attributes.iter().find(|a| !self.attributes.contains(*a)) {
                return Err(format!("an attribute {attribute:?} on <{tag}> no template makes"));
            }
        }
        Ok(())
    }
}

/// The tags opened in `html` (lowercase names), each with its attribute
/// names. A rough reader, but one that sees any tag a browser would.
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[name.len()..end];
        found.push((name.to_ascii_lowercase(), attribute_names(inside)));
    }
    found
}

/// The names of the attributes in the inside of a tag, skipping quoted
/// values.
fn attribute_names(mut inside: &str) -> Vec<String> {
    let mut names = Vec::new();
    loop {
        inside = inside.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name: String = inside.chars().take_while(|c| !c.is_whitespace() && !"=/>\"'".contains(*c)).collect();
        if name.is_empty() {
            return names;
        }
        inside = inside[name.len()..].trim_start();
        if let Some(value) = inside.strip_prefix('=') {
            let value = value.trim_start();
            inside = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].find(quote).map_or("", |i| &value[i + 2..]),
                _ => value.find(char::is_whitespace).map_or("", |i| &value[i..]),
            };
        }
        names.push(name.to_ascii_lowercase());
    }
}

/// Checks one header line the server sent.
fn check_header(line: &str) -> Result<(), String> {
    let (name, value) = line.split_once(": ").ok_or_else(|| format!("a header line without ': ': {line:?}"))?;
    if !HEADER_NAMES.contains(&name) {
        return Err(format!("a header the server does not make: {line:?}"));
    }
    if !value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        return Err(format!("a header value with a control or non-ASCII byte: {line:?}"));
    }
    if name == "Set-Cookie" {
        let pair = value.split(';').next().unwrap_or_default();
        let (cookie, content) = pair.split_once('=').ok_or_else(|| format!("a cookie without '=': {line:?}"))?;
        let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        let is_octet = |b: u8| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
        // cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
        let content = content.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(content);
        if cookie.is_empty() || !cookie.bytes().all(is_tchar) || !content.bytes().all(is_octet) {
            return Err(format!("a cookie outside RFC 6265's grammar: {line:?}"));
        }
    }
    Ok(())
}

/// Checks that `out` is a run of well-formed responses by the rules in the
/// module doc, and gives the final ones (not the `100 Continue`s, which
/// depend on whether the body came with the head). A response with no
/// body bytes after its head is taken as an answer to `HEAD`.
pub fn check_responses(out: &[u8], markup: &Markup) -> Result<Vec<Answer>, String> {
    let mut answers = Vec::new();
    let mut rest = out;
    while !rest.is_empty() {
        let head_end = rest.windows(4).position(|w| w == b"\r\n\r\n").ok_or("a head without its end")? + 4;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| "a head that is not UTF-8")?;
        let status = head.strip_prefix("HTTP/1.1 ").and_then(|s| s.get(..3)).ok_or("no status line")?;
        if status == "500" {
            return Err("a 500: a page panicked".into());
        }
        rest = &rest[head_end..];
        if status == "100" {
            continue;
        }
        let lines: Vec<&str> = head.trim_end_matches("\r\n").split("\r\n").skip(1).collect();
        lines.iter().try_for_each(|line| check_header(line))?;
        answers.push(Answer { status: status.to_string(), closes: lines.contains(&"Connection: close") });
        let length: usize = lines
            .iter()
            .find_map(|line| line.strip_prefix("Content-Length: "))
            .ok_or("no Content-Length")?
            .parse()
            .map_err(|_| "a Content-Length that is not a number")?;
        if rest.len() >= length && (rest.len() == length || rest[length..].starts_with(b"HTTP/1.1 ")) {
            if lines.iter().any(|l| l.starts_with("Content-Type: text/html")) {
                let page = std::str::from_utf8(&rest[..length]).map_err(|_| "a page that is not UTF-8")?;
                markup.check(page)?;
            }
            rest = &rest[length..];
        } else if !rest.is_empty() && !rest.starts_with(b"HTTP/1.1 ") {
            return Err(format!("{} bytes of body where Content-Length says {length}", rest.len()));
        }
    }
    Ok(answers)
}

/// Whether two deliveries of the same bytes got the same answers. One may
/// stop short, but only where it closed the connection: a page that does
/// not read the body answers before it has all arrived, and then closes
/// rather than read the rest of the body as the next request.
pub fn same_answers(a: &[Answer], b: &[Answer]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_statuses = short.iter().zip(long).all(|(x, y)| x.status == y.status);
    same_statuses && (short.len() == long.len() || short.last().is_some_and(|last| last.closes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markup_reader_sees_tags_and_attributes() {
        let found = tags("<p class=\"a\">x <a href='/'>y</a> < 3 <IMG src=x onerror=alert(1)>");
        let names: Vec<_> = found.iter().map(|(t, a)| (t.as_str(), a.clone())).collect();
        assert_eq!(
            names,
            [
                ("p", vec!["class".to_string()]),
                ("a", vec!["href".to_string()]),
                ("img", vec!["src".to_string(), "onerror".to_string()])
            ]
        );
    }
}

//! `/inspect/`: the request exactly as the server parsed it, as a page or
//! as JSON. Point curl and telnet here first, and see what each header
//! became.
//!
//! It takes any method, with a body (up to the body limit), as httpbin's
//! `/anything` does, and keeps what httpbin's dictionary of headers cannot:
//! their order and the case of their names, as a list of `[name, value]`
//! pairs. Ask for JSON with `?format=json` or `Accept: application/json`:
//!
//! ```text
//! curl -s 'http://127.0.0.1:8000/inspect/?format=json' | jq .headers
//! ```
//!
//! As on every page, the server's `HttpOnly` cookies are cut short
//! ([`super::echo`]); the JSON says which were.

use super::{App, echo, hidden_field, host, no_store, pages, render, routes};
use crate::cookie;
use crate::http::grammar::trim_ows;
use crate::http::{Request, Response};
use serde::Serialize;
use std::borrow::Cow;

/// The facts of one request, as the JSON answer lays them out.
#[derive(Serialize)]
struct Facts<'a> {
    /// `GET`, `POST`, ...
    method: &'a str,
    /// The request target exactly as sent.
    target: &'a str,
    /// Its path part.
    path: &'a str,
    /// Its query, if it has one.
    query: Option<&'a str>,
    /// `HTTP/1.1` or `HTTP/1.0`.
    version: &'a str,
    /// Every header line, `[name, value]`, in the order and the letter
    /// case received.
    headers: Vec<(&'a str, Cow<'a, str>)>,
    /// Every cookie pair of every `Cookie` line, `[name, value]`, in order.
    cookies: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The body as text (bytes that are not UTF-8 become U+FFFD).
    body: Cow<'a, str>,
    /// The body's length in bytes.
    body_bytes: usize,
    /// The body's fields, when it is a urlencoded form.
    form: Option<Vec<(Cow<'a, str>, Cow<'a, str>)>>,
    /// The cookies whose values are cut short in `headers` and `cookies`.
    masked: Vec<&'static str>,
    /// Why, when some were.
    #[serde(skip_serializing_if = "Option::is_none")]
    why_masked: Option<&'static str>,
}

/// Shows every part of the request, as HTML or as JSON.
pub fn page(app: &App, request: &Request, body: &[u8], response: &mut Response) {
    // The answer depends on `Accept`, so caches must key on it too
    // (RFC 9110 §12.5.5).
    response.header("Vary", "Accept");
    no_store(response);
    let headers = request.headers.iter().map(|h| (h.name, echo::header_value(h.name, h.value))).collect();
    let cookies = echo::cookie_pairs(request);
    let masked: Vec<&'static str> =
        echo::HTTP_ONLY_COOKIES.iter().copied().filter(|name| cookie::values(request, name).next().is_some()).collect();
    let form = hidden_field::check_content_type(request).is_ok().then(|| form_fields(body));
    if wants_json(request) {
        let facts = Facts {
            method: request.method.as_str(),
            target: request.target,
            path: request.path,
            query: request.query,
            version: request.version.as_str(),
            headers,
            cookies,
            body: String::from_utf8_lossy(body),
            body_bytes: body.len(),
            form,
            why_masked: (!masked.is_empty()).then_some(echo::WHY_MASKED),
            masked,
        };
        return json(response, &facts);
    }
    let page = pages::Inspect {
        walk: routes::walk("/inspect/"),
        request,
        headers,
        cookies,
        masked: !masked.is_empty(),
        body: (!body.is_empty()).then(|| String::from_utf8_lossy(body)),
        body_len: body.len(),
        form,
        host: host(app, request),
        served_by: app.name(),
    };
    render(response, &page);
}

/// The fields of a urlencoded body, decoded.
fn form_fields(body: &[u8]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(body).collect()
}

/// Writes the facts as JSON, indented for reading without `jq`.
fn json(response: &mut Response, facts: &Facts) {
    response.header("Content-Type", "application/json");
    let body = response.body_mut();
    serde_json::to_writer_pretty(&mut *body, facts).expect("writing JSON into memory cannot fail");
    body.push(b'\n');
}

/// Whether the client asked for JSON: `?format=json`, or an `Accept` that
/// names `application/json` at least as willingly as `text/html`
/// (RFC 9110 §12.5.1). Browsers name only HTML, curl names neither
/// (`*/*`): both get the page.
fn wants_json(request: &Request) -> bool {
    let query = request.query.unwrap_or_default().as_bytes();
    if form_urlencoded::parse(query).any(|(name, value)| name == "format" && value == "json") {
        return true;
    }
    let (mut json, mut html) = (0, 0);
    for element in request.list_elements("accept") {
        let mut parts = element.split(|&b| b == b';');
        let media_type = trim_ows(parts.next().unwrap_or_default());
        let Some(weight) = parts.map(trim_ows).find_map(|p| p.strip_prefix(b"q=")).map_or(Some(1000), qvalue) else {
            continue;
        };
        if media_type.eq_ignore_ascii_case(b"application/json") {
            json = json.max(weight);
        } else if media_type.eq_ignore_ascii_case(b"text/html") {
            html = html.max(weight);
        }
    }
    json > 0 && json >= html
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`
/// (RFC 9110 §12.4.2), in thousandths; anything else is `None`.
fn qvalue(text: &[u8]) -> Option<u16> {
    let (whole, fraction) = match text {
        [w, b'.', fraction @ ..] => (*w, fraction),
        [w] => (*w, &b""[..]),
        _ => return None,
    };
    if fraction.len() > 3 || !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let thousandths = fraction.iter().chain(b"000").take(3).fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    match whole {
        b'0' => Some(thousandths),
        b'1' if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    #[test]
    fn qvalues() {
        let cases: &[(&[u8], Option<u16>)] = &[
            (b"1", Some(1000)),
            (b"1.000", Some(1000)),
            (b"0", Some(0)),
            (b"0.5", Some(500)),
            (b"0.123", Some(123)),
            (b"0.", Some(0)),
            (b"1.5", None),
            (b"0.1234", None),
            (b"2", None),
            (b"", None),
            (b".5", None),
            (b"0.5x", None),
        ];
        for (text, expected) in cases {
            assert_eq!(qvalue(text), *expected, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn json_is_chosen_by_query_or_accept() {
        let cases = [
            ("/inspect/?format=json", "", true),
            ("/inspect/?a=1&format=json", "", true),
            ("/inspect/?format=JSON", "", false),
            ("/inspect/", "Accept: application/json\r\n", true),
            ("/inspect/", "Accept: Application/JSON; charset=utf-8\r\n", true),
            ("/inspect/", "Accept: text/html, application/json;q=0.9\r\n", false),
            ("/inspect/", "Accept: text/html;q=0.5, application/json\r\n", true),
            ("/inspect/", "Accept: application/json;q=0\r\n", false),
            ("/inspect/", "Accept: application/json;q=2\r\n", false),
            ("/inspect/", "Accept: */*\r\n", false),
            ("/inspect/", "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n", false),
            ("/inspect/", "", false),
        ];
        for (target, accept, expected) in cases {
            let head = format!("GET {target} HTTP/1.1\r\nHost: a\r\n{accept}\r\n");
            let mut slots = [const { MaybeUninit::uninit() }; 16];
            let Ok(Parsed::Complete(request, _)) = parse(head.as_bytes(), &mut slots) else { panic!("{head}") };
            assert_eq!(wants_json(&request), expected, "{target} {accept:?}");
        }
    }
}

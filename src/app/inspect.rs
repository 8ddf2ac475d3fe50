//! `/inspect/`: the request exactly as the server parsed it. Point curl
//! and telnet here first, and see what each header became.

use super::{App, host, no_store, pages, render};
use crate::cookie;
use crate::http::{Request, Response};

/// Shows every part of the request as text, escaped by the template.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let headers = request.headers.iter().map(|h| (h.name.to_string(), text(h.value))).collect();
    let cookies = cookie::pairs(request).map(|(name, value)| (text(name), text(value))).collect();
    no_store(response);
    render(response, &pages::Inspect { request, headers, cookies, host: host(app, request), served_by: app.name() });
}

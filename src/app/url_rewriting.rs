//! `/url_count/`: the state in the URL.
//!
//! The server writes the count into the link it sends (that is the
//! "rewriting": servlet containers did it to every URL of a page when
//! cookies were off, as `;jsessionid=...`), and the browser sends it back
//! when the link is followed: `GET /url_count/?count=41`. No cookie, no
//! server memory; but the state is only in that link, and anyone can read
//! and change it.

use super::count::{count_field, next_count};
use super::{App, no_store, pages, render};
use crate::http::{Request, Response};

/// Reads the count from the query and writes the next one into the link.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let previous = count_field(request.query.unwrap_or_default().as_bytes());
    let count = next_count(previous);
    let next_link = format!("/url_count/?count={count}");
    no_store(response);
    render(
        response,
        &pages::UrlCount {
            count,
            target: request.target,
            arrived: previous.is_some(),
            next_link,
            served_by: app.name(),
        },
    );
}

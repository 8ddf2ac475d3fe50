//! `/form_count/`: the state in a hidden form field.
//!
//! The page carries the count in `<input type="hidden" name="count">`;
//! pressing the button posts the form, and the count comes back in the
//! request body, `count=41`, encoded as `application/x-www-form-urlencoded`.
//! No cookie and no server memory, as with URL rewriting; the state lasts
//! exactly as long as the user keeps posting the form.

use super::count::{count_field, next_count};
use super::{App, no_store, pages, render};
use crate::http::grammar::trim_ows;
use crate::http::{HttpError, Method, Request, Response};

/// The only body this page reads (RFC 9110 §8.3: the media type is
/// case-insensitive, and may carry parameters such as `charset`).
const FORM: &[u8] = b"application/x-www-form-urlencoded";

/// Refuses a posted body that is not a form, with 415, before it is read.
pub fn check_content_type(request: &Request) -> Result<(), HttpError> {
    let mut types = request.headers_named("content-type").peekable();
    let is_form = |value: &[u8]| {
        let media_type = value.split(|&b| b == b';').next().unwrap_or_default();
        trim_ows(media_type).eq_ignore_ascii_case(FORM)
    };
    if types.peek().is_some() && types.all(is_form) { Ok(()) } else { Err(HttpError::UnsupportedMediaType) }
}

/// Shows the form, with the count that came in the posted body (if any)
/// plus one in its hidden field.
pub fn page(app: &App, request: &Request, body: &[u8], response: &mut Response) {
    let posted = request.method == Method::Post;
    let previous = posted.then(|| count_field(body)).flatten();
    let count = next_count(previous);
    let received = posted.then(|| String::from_utf8_lossy(body));
    no_store(response);
    render(response, &pages::FormCount { count, received, arrived: previous.is_some(), served_by: app.name() });
}

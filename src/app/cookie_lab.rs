//! `/cookies/`: the cookie lab. Set cookies of your own, with any of the
//! attributes, and see what your browser sends back.
//!
//! The page lists the cookies that came with the request, and has forms to
//! set and delete one. The same works from curl, in the shape httpbin made
//! familiar, with the attributes written as they are in the header:
//!
//! ```text
//! GET /cookies/set?theme=dark&Path=/&Max-Age=60&HttpOnly   302, Set-Cookie: theme=dark; Path=/; Max-Age=60; HttpOnly
//! GET /cookies/delete?theme                                302, Set-Cookie: theme=; Path=/; Max-Age=0; Expires=...
//! ```
//!
//! Both answer `302 Found` back to `/cookies/` (a form's `POST` gets `303
//! See Other`, so that a reload does not post it again). Everything the
//! client asks for is checked against the rules of [`crate::cookie`]
//! before a header is written; a cookie that breaks one gets `400` and a
//! page naming the rule, so nothing a client sends can end the header
//! early or add one (no CR, LF, `;` or `,` gets through). Every cookie is
//! sent with an explicit `Path` (`/` unless another is asked for): without
//! one, the browser would take the directory of `/cookies/set`, and the
//! cookie would not come back to every page.

use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, host, no_store, ok_line, pages, render, routes};
use crate::cookie::{self, Rule, SetCookie};
use crate::http::{Method, Request, Response, Status};
use std::borrow::Cow;

/// The lab's page, where every answer sends the browser back.
const PATH: &str = "/cookies/";

/// A rule of the lab's own syntax, or of cookies themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Broken {
    /// No cookie was named.
    NoCookie,
    /// Something other than the seven attributes followed the cookie.
    UnknownAttribute,
    /// An attribute came twice.
    Repeated,
    /// `Secure` or `HttpOnly` came with a value.
    FlagWithValue,
    /// A deletion came with an attribute that only a cookie to keep has.
    NotForDeletion,
    /// The cookie breaks a rule of RFC 6265.
    Cookie(Rule),
}

impl Broken {
    fn text(self) -> &'static str {
        match self {
            Broken::NoCookie => "Name the cookie first: /cookies/set?NAME=VALUE, then any attributes.",
            Broken::UnknownAttribute => {
                "After the cookie, only the attributes Path, Domain, Max-Age, Expires, Secure, HttpOnly and SameSite \
                 may follow, in any letter case."
            }
            Broken::Repeated => "Each attribute may be given once.",
            Broken::FlagWithValue => "Secure and HttpOnly take no value: write &Secure, not &Secure=1.",
            Broken::NotForDeletion => {
                "A deletion takes only Path, Domain and Secure, which must be the ones the cookie was set with: it \
                 sets Max-Age and Expires itself, and HttpOnly and SameSite do not matter to it."
            }
            Broken::Cookie(rule) => rule.text(),
        }
    }

    fn source(self) -> &'static str {
        match self {
            Broken::Cookie(rule) => rule.source(),
            _ => "this lab's syntax, which follows the Set-Cookie header's (RFC 6265 §4.1.1)",
        }
    }
}

/// Why a cookie was refused: the rule, the part that broke it, and what
/// that part was.
#[derive(Debug)]
struct Refusal<'a> {
    /// The rule.
    broken: Broken,
    /// "name", "value", "Path", ...
    part: &'static str,
    /// The part as sent (decoded).
    value: Cow<'a, str>,
}

fn refuse<'a>(broken: Broken, part: &'static str, value: &Cow<'a, str>) -> Refusal<'a> {
    Refusal { broken, part, value: value.clone() }
}

/// The cookie a client asked for, each part as sent (percent-decoded).
#[derive(Debug, Default)]
struct Wanted<'a> {
    /// The cookie's name, not yet checked.
    name: Cow<'a, str>,
    /// Its value, not yet checked; empty if none came.
    value: Cow<'a, str>,
    /// `Path`, if given; `/` is sent otherwise.
    path: Option<Cow<'a, str>>,
    /// `Domain`, if given.
    domain: Option<Cow<'a, str>>,
    /// `Max-Age`, as sent.
    max_age: Option<Cow<'a, str>>,
    /// `Expires`, as sent.
    expires: Option<Cow<'a, str>>,
    /// `Secure` came.
    secure: bool,
    /// `HttpOnly` came.
    http_only: bool,
    /// `SameSite`, as sent.
    same_site: Option<Cow<'a, str>>,
}

impl<'a> Wanted<'a> {
    /// Reads `NAME=VALUE&Attribute=value&Flag...`: the first pair is the
    /// cookie, the rest are attributes, as in the header itself.
    fn from_query(query: &'a str) -> Result<Self, Refusal<'a>> {
        let mut pairs = form_urlencoded::parse(query.as_bytes());
        let (name, value) =
            pairs.next().ok_or(Refusal { broken: Broken::NoCookie, part: "query", value: "".into() })?;
        let mut wanted = Wanted { name, value, ..Wanted::default() };
        for (attribute, value) in pairs {
            wanted.attribute(attribute, value)?;
        }
        Ok(wanted)
    }

    /// Reads the lab's form: `name`, `value`, and a field per attribute
    /// (empty fields are not given; checkboxes are there or not).
    fn from_form(body: &'a [u8]) -> Result<Self, Refusal<'a>> {
        let mut wanted = Wanted::default();
        let mut named = false;
        for (field, value) in form_urlencoded::parse(body) {
            let given = |value: Cow<'a, str>| (!value.is_empty()).then_some(value);
            match &*field {
                "name" => (wanted.name, named) = (value, true),
                "value" => wanted.value = value,
                "path" => wanted.path = given(value),
                "domain" => wanted.domain = given(value),
                "max_age" => wanted.max_age = given(value),
                "expires" => wanted.expires = given(value),
                "samesite" => wanted.same_site = given(value),
                "secure" => wanted.secure = true,
                "httponly" => wanted.http_only = true,
                _ => return Err(refuse(Broken::UnknownAttribute, "field", &field)),
            }
        }
        if named { Ok(wanted) } else { Err(Refusal { broken: Broken::NoCookie, part: "form", value: "".into() }) }
    }

    /// Takes one attribute from the query.
    fn attribute(&mut self, attribute: Cow<'a, str>, value: Cow<'a, str>) -> Result<(), Refusal<'a>> {
        let slot = match attribute.to_ascii_lowercase().as_str() {
            "path" => &mut self.path,
            "domain" => &mut self.domain,
            "max-age" => &mut self.max_age,
            "expires" => &mut self.expires,
            "samesite" => &mut self.same_site,
            "secure" | "httponly" => {
                let flag =
                    if attribute.eq_ignore_ascii_case("secure") { &mut self.secure } else { &mut self.http_only };
                if !value.is_empty() {
                    return Err(refuse(Broken::FlagWithValue, "attribute", &attribute));
                }
                if std::mem::replace(flag, true) {
                    return Err(refuse(Broken::Repeated, "attribute", &attribute));
                }
                return Ok(());
            }
            _ => return Err(refuse(Broken::UnknownAttribute, "attribute", &attribute)),
        };
        if slot.replace(value).is_some() {
            return Err(refuse(Broken::Repeated, "attribute", &attribute));
        }
        Ok(())
    }

    /// The `Set-Cookie` for this cookie, every part checked.
    fn set_cookie(&self) -> Result<SetCookie<'_>, Refusal<'a>> {
        checked("name", &self.name, cookie::check_name(&self.name))?;
        checked("value", &self.value, cookie::check_value(&self.value))?;
        let mut set = self.placed(SetCookie::new(&self.name, &self.value))?;
        if let Some(max_age) = &self.max_age {
            let seconds =
                cookie::check_max_age(max_age).map_err(|rule| refuse(Broken::Cookie(rule), "Max-Age", max_age))?;
            set = set.max_age(seconds);
        }
        if let Some(expires) = &self.expires {
            checked("Expires", expires, cookie::check_expires(expires))?;
            set = set.expires(expires);
        }
        if let Some(same_site) = &self.same_site {
            let parsed = cookie::parse_same_site(same_site)
                .map_err(|rule| refuse(Broken::Cookie(rule), "SameSite", same_site))?;
            set = set.same_site(parsed);
        }
        if self.http_only {
            set = set.http_only();
        }
        whole(set)
    }

    /// The header that deletes this cookie. Only `Path`, `Domain` and
    /// `Secure` may come, and they must be the ones the cookie was set
    /// with; the value, if any, is ignored (`/cookies/delete?NAME`).
    fn deletion(&self) -> Result<SetCookie<'_>, Refusal<'a>> {
        let extra = [
            (self.max_age.is_some(), "Max-Age"),
            (self.expires.is_some(), "Expires"),
            (self.http_only, "HttpOnly"),
            (self.same_site.is_some(), "SameSite"),
        ];
        if let Some((_, part)) = extra.into_iter().find(|(given, _)| *given) {
            return Err(Refusal { broken: Broken::NotForDeletion, part, value: "".into() });
        }
        checked("name", &self.name, cookie::check_name(&self.name))?;
        whole(self.placed(SetCookie::deletion(&self.name, "/"))?)
    }

    /// Where the cookie goes: `Path` (`/` if none was asked for),
    /// `Domain` and `Secure`, checked.
    fn placed<'s>(&'s self, mut set: SetCookie<'s>) -> Result<SetCookie<'s>, Refusal<'a>> {
        if let Some(path) = &self.path {
            checked("Path", path, cookie::check_path(path))?;
            set = set.path(path);
        }
        if let Some(domain) = &self.domain {
            checked("Domain", domain, cookie::check_domain(domain))?;
            set = set.domain(domain);
        }
        Ok(if self.secure { set.secure() } else { set })
    }
}

/// A part's check, as a refusal naming the part.
fn checked<'a>(part: &'static str, value: &Cow<'a, str>, result: Result<(), Rule>) -> Result<(), Refusal<'a>> {
    result.map_err(|rule| refuse(Broken::Cookie(rule), part, value))
}

/// The rules that bind the parts together, checked on the whole cookie.
fn whole<'s, 'a>(set: SetCookie<'s>) -> Result<SetCookie<'s>, Refusal<'a>> {
    match set.check_whole() {
        Ok(()) => Ok(set),
        Err(rule) => {
            Err(Refusal { broken: Broken::Cookie(rule), part: "whole cookie", value: Cow::Owned(set.to_header()) })
        }
    }
}

/// `/cookies/`: the cookies that came, and the forms.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    no_store(response);
    let pairs = echo::cookie_pairs(request);
    let names: Vec<&[u8]> = cookie::pairs(request).map(|(name, _)| name).collect();
    let cookies = pairs
        .into_iter()
        .zip(&names)
        .map(|((name, value), raw)| {
            let repeated = names.iter().filter(|n| *n == raw).count() > 1;
            let deletable = cookie::check_name(&name).is_ok();
            pages::LabCookie { name, value, repeated, deletable }
        })
        .collect();
    let masked = names.iter().any(|name| echo::is_masked(name));
    let sent = echo::cookie_lines(request, |_, _| false);
    let exchange = Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note: prose!("Every cookie your browser keeps for this host and this path, in one header."),
        server: vec![Line::prose(prose!("lists them below")), Line::prose(prose!("sets nothing: the forms below do"))],
        status: ok_line(),
        answered: vec![Line::prose(prose!("(no Set-Cookie)"))],
        answer_note: prose!("Nothing changes in your browser."),
    };
    let served_by = app.name();
    let page =
        pages::CookieLab { walk: routes::walk(PATH), cookies, masked, host: host(app, request), exchange, served_by };
    render(response, &page);
}

/// `/cookies/set`: sets one cookie and sends the browser back to the lab.
pub fn set(app: &App, request: &Request, body: &[u8], response: &mut Response) {
    let wanted = match wanted(request, body) {
        Ok(wanted) => wanted,
        Err(refusal) => return refused(app, response, refusal),
    };
    match wanted.set_cookie() {
        Ok(cookie) => back_to_the_lab(app, request, response, &cookie, "Set"),
        Err(refusal) => refused(app, response, refusal),
    }
}

/// `/cookies/delete`: deletes one cookie and sends the browser back.
pub fn delete(app: &App, request: &Request, body: &[u8], response: &mut Response) {
    let wanted = match wanted(request, body) {
        Ok(wanted) => wanted,
        Err(refusal) => return refused(app, response, refusal),
    };
    match wanted.deletion() {
        Ok(cookie) => back_to_the_lab(app, request, response, &cookie, "Deleted"),
        Err(refusal) => refused(app, response, refusal),
    }
}

/// What the client asked for: from the form if it posted one, else from
/// the query.
fn wanted<'a>(request: &Request<'_, 'a>, body: &'a [u8]) -> Result<Wanted<'a>, Refusal<'a>> {
    match request.method {
        Method::Post => Wanted::from_form(body),
        _ => Wanted::from_query(request.query.unwrap_or_default()),
    }
}

/// `302 Found` (or `303 See Other` after a form) to the lab, with the
/// cookie's header.
fn back_to_the_lab(app: &App, request: &Request, response: &mut Response, cookie: &SetCookie, done: &'static str) {
    let status = if request.method == Method::Post { Status::SEE_OTHER } else { Status::FOUND };
    response.set_status(status);
    response.header("Location", PATH);
    let header = response.set_cookie(cookie);
    no_store(response);
    render(response, &pages::LabDone { status, done, set_cookie: &header, served_by: app.name() });
}

/// `400 Bad Request` and the page that names the rule.
fn refused(app: &App, response: &mut Response, refusal: Refusal) {
    response.set_status(Status::BAD_REQUEST);
    no_store(response);
    let shown = format!("{:?}", refusal.value);
    let page = pages::CookieRefused {
        rule: refusal.broken.text(),
        source: refusal.broken.source(),
        part: refusal.part,
        value: Cow::Owned(shown),
        served_by: app.name(),
    };
    render(response, &page);
}

//! The `Date` header (RFC 9110 §6.6.1).
//!
//! An origin server with a clock MUST send `Date` with every response, in
//! the IMF-fixdate format: `Sun, 22 Nov 2026 02:10:20 GMT`. The text only
//! changes once a second, so each worker formats it once a second and
//! reuses it for every response in between.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current date in HTTP format, refreshed at most once a second.
#[derive(Debug)]
pub struct HttpDate {
    /// Whole seconds since the epoch that `text` shows.
    second: u64,
    text: String,
}

impl HttpDate {
    pub fn now() -> Self {
        let mut date = HttpDate { second: u64::MAX, text: String::new() };
        date.refresh(SystemTime::now());
        date
    }

    /// Reformats the text if `now` is in a later second than it shows.
    pub fn refresh(&mut self, now: SystemTime) {
        let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if second != self.second {
            self.second = second;
            self.text = httpdate::fmt_http_date(now);
        }
    }

    /// `Sun, 22 Nov 2026 02:10:20 GMT`
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_imf_fixdate_and_refreshes_by_the_second() {
        let mut date = HttpDate::now();
        let t = UNIX_EPOCH + Duration::from_secs(1_795_400_000);
        date.refresh(t);
        assert_eq!(date.as_str(), "Mon, 23 Nov 2026 02:13:20 GMT");
        date.refresh(t + Duration::from_millis(999));
        assert_eq!(date.as_str(), "Mon, 23 Nov 2026 02:13:20 GMT");
        date.refresh(t + Duration::from_secs(1));
        assert_eq!(date.as_str(), "Mon, 23 Nov 2026 02:13:21 GMT");
    }
}

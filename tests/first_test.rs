//! Your first test of pagecount: start a server, speak HTTP to it over a
//! plain TCP socket as a browser would, and check what comes back. Copy
//! this file to `tests/my_test.rs`, change it, and run it with
//! `cargo test --test my_test`.

mod common;

use common::{TestServer, get};

#[test]
fn the_cookie_counter_counts_the_cookie_it_is_sent() {
    // A server of its own, on a free port, stopped when the test ends.
    let server = TestServer::start();

    // A first visit, with no cookie: the page says 1 and sets count=1.
    let first = get(server.addr, "/count_view/", "");
    assert_eq!(first.status, 200);
    assert_eq!(first.shown_count(), Some(1));
    assert_eq!(first.header("Set-Cookie"), Some("count=1; Path=/"));

    // Send the cookie back, as a browser does: the page says 2.
    let second = get(server.addr, "/count_view/", "Cookie: count=1\r\n");
    assert_eq!(second.shown_count(), Some(2));
    assert_eq!(second.header("Set-Cookie"), Some("count=2; Path=/"));
}

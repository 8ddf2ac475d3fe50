//! The session stores over real sockets: memory, a SQLite file and a
//! Redis server (a `redis-server` child on a free port). Two servers on one
//! store, in this process and as separate processes; concurrent visits;
//! a store that hangs or dies and comes back; logging in; and the options
//! that choose a store and name a server.

mod common;

use common::{Binary, Client, PATIENCE, RedisServer, TempPath, TestServer, get, test_config};
use pagecount::Config;
use pagecount::config::SessionStorage;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

/// A configuration using `sessions`, patient with the store: on a busy
/// test machine a slow answer must not turn into a 503 and a lost count.
fn config(sessions: &SessionStorage) -> Config {
    Config { sessions: sessions.clone(), store_timeout: Duration::from_secs(5), threads: 2, ..test_config() }
}

fn sqlite(file: &TempPath) -> SessionStorage {
    format!("sqlite:{}", file.as_str()).parse().unwrap()
}

fn redis(server: &RedisServer) -> SessionStorage {
    server.url().parse().unwrap()
}

/// A visit to the session page, with this id if any.
fn visit(addr: SocketAddr, id: Option<&str>) -> common::Response {
    let cookie = id.map_or(String::new(), |id| format!("Cookie: sessionid={id}\r\n"));
    get(addr, "/session_count/", &cookie)
}

fn post(addr: SocketAddr, path: &str, id: Option<&str>) -> common::Response {
    let cookie = id.map_or(String::new(), |id| format!("Cookie: sessionid={id}\r\n"));
    let request = format!("POST {path} HTTP/1.1\r\nHost: a\r\n{cookie}Content-Length: 0\r\n\r\n");
    common::exchange(addr, request.as_bytes())
}

/// The session id a response sets.
fn session_id(response: &common::Response) -> String {
    let set = response.header("Set-Cookie").unwrap_or_else(|| panic!("no Set-Cookie in {response:?}"));
    let id = set.strip_prefix("sessionid=").and_then(|rest| rest.split(';').next()).unwrap();
    assert_eq!(id.len(), 32, "{set}");
    id.to_string()
}

/// Every store this machine can run: memory, a SQLite file, and Redis
/// when `redis-server` is installed. The files and servers live as long
/// as the returned guards.
fn every_store() -> (Vec<(&'static str, SessionStorage)>, TempPath, Option<RedisServer>) {
    let file = TempPath::new("every-store");
    let redis_server = RedisServer::start();
    let mut stores = vec![("memory", SessionStorage::Memory), ("sqlite", sqlite(&file))];
    if let Some(server) = &redis_server {
        stores.push(("redis", redis(server)));
    }
    (stores, file, redis_server)
}

// Counting: concurrent visits, two servers, two processes, restarts.

/// 8 clients each visit one session 25 times at once, spread over
/// `servers`; then the count must be exactly every visit.
fn assert_concurrent_visits_all_count(servers: &[SocketAddr]) {
    let id = session_id(&visit(servers[0], None));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (addr, id) = (servers[i % servers.len()], id.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr);
                for _ in 0..25 {
                    let request = format!("GET /session_count/ HTTP/1.1\r\nHost: a\r\nCookie: sessionid={id}\r\n\r\n");
                    let response = client.send(request.as_bytes()).response();
                    assert_eq!(response.status, 200, "{}", response.text());
                    assert_eq!(session_id(&response), id);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(visit(servers[1 % servers.len()], Some(&id)).shown_count(), Some(1 + 8 * 25 + 1));
}

#[test]
fn concurrent_visits_on_two_servers_sharing_a_sqlite_file_are_all_counted() {
    let file = TempPath::new("concurrent");
    let (a, b) = (TestServer::with_config(config(&sqlite(&file))), TestServer::with_config(config(&sqlite(&file))));
    assert_concurrent_visits_all_count(&[a.addr, b.addr]);
}

#[test]
fn concurrent_visits_on_two_servers_sharing_a_redis_are_all_counted() {
    let Some(redis_server) = RedisServer::start() else { return };
    let store = redis(&redis_server);
    let (a, b) = (TestServer::with_config(config(&store)), TestServer::with_config(config(&store)));
    assert_concurrent_visits_all_count(&[a.addr, b.addr]);
}

#[test]
fn concurrent_visits_in_memory_are_all_counted() {
    let server = TestServer::with_config(config(&SessionStorage::Memory));
    assert_concurrent_visits_all_count(&[server.addr]);
}

/// Two pagecount processes, `a` and `b`, on one store: requests that
/// alternate between them count 1 to 10 in one session. Then both stop,
/// and a third process, started afresh, carries on at 11.
fn assert_two_processes_share_sessions_across_a_restart(store: &str) {
    let options = |name| vec!["--sessions", store, "--name", name, "--store-timeout", "5", "--quiet"];
    let (a, b) = (Binary::start(&options("a")), Binary::start(&options("b")));
    let mut id = None;
    for expected in 1..=10 {
        let (server, name) = if expected % 2 == 1 { (&a, "a") } else { (&b, "b") };
        let response = visit(server.addr, id.as_deref());
        assert_eq!(response.header("Served-By"), Some(name));
        assert_eq!(response.shown_count(), Some(expected), "{name}: {}", response.text());
        id.get_or_insert_with(|| session_id(&response));
        assert_eq!(session_id(&response), *id.as_ref().unwrap(), "one session throughout");
    }
    drop((a, b));
    let restarted = Binary::start(&options("c"));
    assert_eq!(visit(restarted.addr, id.as_deref()).shown_count(), Some(11), "the session outlived both processes");
}

#[test]
fn two_processes_on_one_sqlite_file_count_one_to_ten_and_survive_a_restart() {
    let file = TempPath::new("two-processes");
    assert_two_processes_share_sessions_across_a_restart(&format!("sqlite:{}", file.as_str()));
}

#[test]
fn two_processes_on_one_redis_count_one_to_ten_and_survive_a_restart() {
    let Some(redis_server) = RedisServer::start() else { return };
    assert_two_processes_share_sessions_across_a_restart(&redis_server.url());
}

#[test]
fn two_servers_with_memory_stores_refuse_each_others_ids() {
    let (a, b) = (TestServer::start(), TestServer::start());
    let id = session_id(&visit(a.addr, None));
    let elsewhere = visit(b.addr, Some(&id));
    assert_eq!(elsewhere.shown_count(), Some(1));
    assert_ne!(session_id(&elsewhere), id);
    assert!(elsewhere.text().contains("not adopted"));
}

// Ids: never adopted, moved on login, ended on "forget me".

#[test]
fn an_unknown_id_is_never_adopted_in_any_store_even_when_sent_many_times_at_once() {
    let (stores, _file, _redis) = every_store();
    let forged = "0123456789abcdef0123456789abcdef";
    for (name, store) in stores {
        let server = TestServer::with_config(config(&store));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let addr = server.addr;
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        let response = visit(addr, Some(forged));
                        assert_eq!(response.shown_count(), Some(1));
                        assert_ne!(session_id(&response), forged);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap_or_else(|_| panic!("{name}: a forged id was adopted"));
        }
    }
}

#[test]
fn an_unknown_id_leaves_nothing_behind_in_redis() {
    let Some(redis_server) = RedisServer::start() else { return };
    let server = TestServer::with_config(config(&redis(&redis_server)));
    let forged = "0123456789abcdef0123456789abcdef";
    let new = session_id(&visit(server.addr, Some(forged)));
    assert_eq!(redis_server.command(&["DBSIZE"]), ":1", "only the new session");
    assert_eq!(redis_server.command(&["EXISTS", &format!("pagecount:session:{forged}")]), ":0");
    let ttl = redis_server.command(&["PTTL", &format!("pagecount:session:{new}")]);
    let ttl: i64 = ttl.trim_start_matches(':').parse().unwrap();
    assert!(ttl > 0 && ttl <= 14 * 24 * 3600 * 1000, "expires with the session lifetime: {ttl} ms");
}

#[test]
fn log_in_moves_the_count_to_a_new_id_and_the_old_one_opens_nothing_in_every_store() {
    let (stores, _file, _redis) = every_store();
    for (name, store) in stores {
        let server = TestServer::with_config(config(&store));
        let old = session_id(&visit(server.addr, None));
        visit(server.addr, Some(&old));
        let login = post(server.addr, "/session_count/cycle/", Some(&old));
        assert_eq!(login.status, 200, "{name}");
        let new = session_id(&login);
        assert_ne!(new, old, "{name}");
        let page = login.text();
        assert!(
            page.contains(&format!("<code>{}…</code> to <code>{}…</code>", &old[..6], &new[..6])),
            "{name}: {page}"
        );
        assert!(page.contains("Your count is still 2") && page.contains("session fixation"), "{name}: {page}");
        assert!(login.header("Set-Cookie").unwrap().ends_with("; HttpOnly; SameSite=Lax"), "{name}");
        let replayed = visit(server.addr, Some(&old));
        assert_eq!(replayed.shown_count(), Some(1), "{name}: the old id is worthless");
        assert!(replayed.text().contains("not adopted"), "{name}");
        assert_eq!(visit(server.addr, Some(&new)).shown_count(), Some(3), "{name}: the new id carries the count");
    }
}

#[test]
fn log_in_without_a_live_session_changes_nothing() {
    let server = TestServer::start();
    for id in [None, Some("0123456789abcdef0123456789abcdef")] {
        let response = post(server.addr, "/session_count/cycle/", id);
        assert_eq!(response.status, 200);
        assert!(response.header("Set-Cookie").is_none(), "{id:?}");
        assert!(response.text().contains("No session to log in"), "{id:?}");
    }
}

#[test]
fn forget_me_ends_the_session_in_every_store() {
    let (stores, _file, _redis) = every_store();
    for (name, store) in stores {
        let server = TestServer::with_config(config(&store));
        let id = session_id(&visit(server.addr, None));
        let forgotten = post(server.addr, "/session_count/forget/", Some(&id));
        assert!(forgotten.text().contains("deleted its record"), "{name}");
        let again = post(server.addr, "/session_count/forget/", Some(&id));
        assert!(again.text().contains("had no live session"), "{name}");
        assert_eq!(visit(server.addr, Some(&id)).shown_count(), Some(1), "{name}");
    }
}

// A store that stops answering.

/// Visits the session page until it answers 200, within the test's
/// patience (the store is back, and the backoff must run out first).
fn visit_until_answered(addr: SocketAddr, id: &str) -> common::Response {
    let start = Instant::now();
    loop {
        let response = visit(addr, Some(id));
        if response.status == 200 {
            return response;
        }
        assert_eq!(response.status, 503);
        assert!(start.elapsed() < PATIENCE, "the session page did not recover within {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every page but the session pages answers as usual.
fn assert_other_pages_answer(addr: SocketAddr) {
    for path in ["/", "/count_view/", "/signed_count/", "/url_count/", "/inspect/"] {
        assert_eq!(get(addr, path, "").status, 200, "{path}");
    }
}

#[test]
fn a_redis_that_hangs_or_dies_costs_the_session_pages_a_503_and_no_other_page() {
    let Some(mut redis_server) = RedisServer::start() else { return };
    let store = redis(&redis_server);
    let short = Duration::from_millis(200);
    let server = TestServer::with_config(Config { store_timeout: short, store_backoff: short, ..config(&store) });
    let id = session_id(&visit(server.addr, None));
    assert_eq!(visit(server.addr, Some(&id)).shown_count(), Some(2));

    // Hung: connections are taken, nothing is answered.
    redis_server.pause();
    let refused = visit(server.addr, Some(&id));
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("Retry-After"), Some("1"));
    assert_eq!(refused.header("Cache-Control"), Some("no-store"));
    let page = refused.text();
    assert!(page.contains(&format!("Redis at 127.0.0.1:{}", redis_server.port)), "{page}");
    assert!(page.contains("not answering") && page.contains("the other pages"), "{page}");
    assert_eq!(visit(server.addr, Some(&id)).status, 503);
    assert_eq!(post(server.addr, "/session_count/cycle/", Some(&id)).status, 503);
    assert_other_pages_answer(server.addr);
    let sent_while_hung = 3;

    redis_server.resume();
    let back = visit_until_answered(server.addr, &id);
    assert_eq!(session_id(&back), id, "the session carried on");
    // A visit the server gave up on may still have been counted, if Redis
    // carried it out when it woke; none is counted twice.
    let count = back.shown_count().unwrap();
    assert!((3..=2 + sent_while_hung + 1).contains(&count), "count {count}");

    // Dead: connections are refused.
    redis_server.stop();
    assert_eq!(visit(server.addr, Some(&id)).status, 503);
    assert_other_pages_answer(server.addr);
    redis_server.restart();
    let after = visit_until_answered(server.addr, &id);
    // This Redis keeps nothing on disk, so its restart lost the session
    // (the session page says Redis keeps sessions "on disk only if told to").
    assert_eq!(after.shown_count(), Some(1));
    assert!(after.text().contains("not adopted"));
}

#[test]
fn a_redis_that_is_down_when_the_server_starts_is_waited_for() {
    let port = common::free_port();
    let store: SessionStorage = format!("redis://127.0.0.1:{port}").parse().unwrap();
    let short = Duration::from_millis(200);
    let server = TestServer::with_config(Config { store_timeout: short, store_backoff: short, ..config(&store) });
    assert_eq!(visit(server.addr, None).status, 503);
    assert_other_pages_answer(server.addr);
}

// What the pages say about the store, and about the server.

#[test]
fn the_session_page_says_where_its_sessions_live_and_never_a_password() {
    let file = TempPath::new("place");
    let memory = visit(TestServer::start().addr, None).text();
    assert!(memory.contains("keeps in the memory of this process:") && memory.contains("a restart forgets them all"));
    let sqlite_page = visit(TestServer::with_config(config(&sqlite(&file))).addr, None).text();
    assert!(sqlite_page.contains(&format!("keeps in the SQLite file {}:", file.as_str())), "{sqlite_page}");
    assert!(sqlite_page.contains("they survive a restart"));
    let Some(redis_server) = RedisServer::start_with(&["--requirepass", "hunter2-not-shown"]) else { return };
    let store = format!("redis://:hunter2-not-shown@127.0.0.1:{}/0", redis_server.port).parse().unwrap();
    let redis_page = visit(TestServer::with_config(config(&store)).addr, None);
    assert_eq!(redis_page.shown_count(), Some(1), "the password was used: {}", redis_page.text());
    let text = redis_page.text();
    assert!(text.contains(&format!("keeps in Redis at 127.0.0.1:{}, database 0:", redis_server.port)), "{text}");
    assert!(!text.contains("hunter2"));
}

#[test]
fn a_named_server_says_its_name_on_every_page_and_in_a_header() {
    let server = TestServer::with_config(Config { name: Some("web-2".into()), ..test_config() });
    let gets = ["/", "/count_view/", "/test_cookie/", "/test_cookie/check/", "/url_count/", "/form_count/"];
    let more = ["/session_count/", "/signed_count/", "/inspect/", "/no-such-page/"];
    let mut responses: Vec<_> = gets.iter().chain(&more).map(|path| (*path, get(server.addr, path, ""))).collect();
    for path in ["/count_view/reset/", "/session_count/forget/", "/session_count/cycle/", "/signed_count/reset/"] {
        responses.push((path, post(server.addr, path, None)));
    }
    responses.push(("POST /", post(server.addr, "/", None)));
    for (path, response) in responses {
        assert_eq!(response.header("Served-By"), Some("web-2"), "{path}");
        assert!(response.text().contains("Served by <code>web-2</code>"), "{path}");
    }
}

#[test]
fn an_unnamed_server_says_nothing_of_the_kind() {
    let server = TestServer::start();
    for path in ["/", "/session_count/", "/no-such-page/"] {
        let response = get(server.addr, path, "");
        assert_eq!(response.header("Served-By"), None, "{path}");
        assert!(!response.text().contains("Served by"), "{path}");
    }
}

// Options.

#[test]
fn bad_store_name_and_key_options_exit_with_status_2_before_listening() {
    let key = TempPath::new("old-key");
    std::fs::write(&key.0, "an old key of more than sixteen bytes").unwrap();
    let cases: [&[&str]; 11] = [
        &["--sessions", "postgres://localhost"],
        &["--sessions", "Memory"],
        &["--sessions", "sqlite:"],
        &["--sessions", "redis://"],
        &["--sessions", "redis://127.0.0.1:99999"],
        &["--sessions", "redis://127.0.0.1:6379/zero"],
        &["--store-timeout", "0"],
        &["--name", "a b"],
        &["--name", ""],
        &["--name", &"n".repeat(65)],
        &["--old-secret-file", key.as_str()],
    ];
    for args in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_pagecount"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .env_remove("PAGECOUNT_SECRET")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).is_empty(), "{args:?}: it never listened");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("pagecount: ") && first.len() > 20, "{args:?}: {first}");
    }
}

#[test]
fn a_sqlite_file_that_cannot_be_opened_stops_the_server_before_it_listens() {
    let missing_dir = TempPath::new("no-such-dir");
    let store = format!("sqlite:{}/sessions.db", missing_dir.as_str());
    let output = Command::new(env!("CARGO_BIN_EXE_pagecount"))
        .args(["--bind", "127.0.0.1:0", "--sessions", &store])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot use the SQLite file"), "{output:?}");
}

#[test]
fn the_help_names_the_new_options() {
    let help = Command::new(env!("CARGO_BIN_EXE_pagecount")).arg("--help").output().unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for option in ["--sessions STORE", "sqlite:PATH", "redis://HOST:PORT[/DB]", "--store-timeout", "--old-secret-file"]
    {
        assert!(text.contains(option), "{option}");
    }
    assert!(text.contains("--name NAME"));
}

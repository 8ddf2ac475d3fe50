//! The least a server can do per keep-alive request: read, count the ends
//! of heads (`\r\n\r\n`), and write one fixed answer per head, with no
//! parsing, no routing, no cookie and no page to render. One thread, one
//! `epoll` loop, as pagecount runs by default on two cores.
//!
//!     zero_work ADDR BODY_BYTES
//!
//! `bench/ceiling.sh` runs it beside pagecount and hyper with a body as
//! long as pagecount's page: the rate it reaches is the ceiling for that
//! page on this machine, whatever a server does.
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::io::{ErrorKind, Read, Write};

const LISTENER: Token = Token(usize::MAX);

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(size)) = (args.next(), args.next()) else {
        eprintln!("usage: zero_work ADDR BODY_BYTES");
        std::process::exit(2);
    };
    let addr = addr.parse().expect("ADDR is IP:PORT");
    let size: usize = size.parse().expect("BODY_BYTES is a number");
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: count=42; Path=/\r\nContent-Length: {size}\r\n\r\n{}",
        "x".repeat(size)
    );
    let mut listener = TcpListener::bind(addr).expect("bind");
    let mut poll = Poll::new().expect("epoll");
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE).expect("register");
    // A connection and the last three bytes it sent, so an end of head
    // split across two reads is still counted once.
    let mut connections: Vec<Option<(TcpStream, [u8; 3])>> = Vec::new();
    let mut events = Events::with_capacity(1024);
    let mut input = vec![0; 16 * 1024];
    let mut output = Vec::new();
    loop {
        poll.poll(&mut events, None).expect("poll");
        for event in &events {
            if event.token() == LISTENER {
                while let Ok((mut stream, _)) = listener.accept() {
                    stream.set_nodelay(true).expect("TCP_NODELAY");
                    let slot = connections.iter().position(Option::is_none).unwrap_or_else(|| {
                        connections.push(None);
                        connections.len() - 1
                    });
                    poll.registry().register(&mut stream, Token(slot), Interest::READABLE).expect("register");
                    connections[slot] = Some((stream, [0; 3]));
                }
                continue;
            }
            let slot = event.token().0;
            let Some((stream, tail)) = connections[slot].as_mut() else { continue };
            let open = loop {
                input[..3].copy_from_slice(tail);
                match stream.read(&mut input[3..]) {
                    Ok(0) => break false,
                    Ok(n) => {
                        let heads = input[..3 + n].windows(4).filter(|w| w == b"\r\n\r\n").count();
                        tail.copy_from_slice(&input[n..n + 3]);
                        output.clear();
                        for _ in 0..heads {
                            output.extend_from_slice(answer.as_bytes());
                        }
                        // Small answers to a client that reads: the socket
                        // takes them whole (a stick, not a server).
                        if stream.write_all(&output).is_err() {
                            break false;
                        }
                        if n < input.len() - 3 {
                            break true;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break true,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => break false,
                }
            };
            if !open {
                connections[slot] = None;
            }
        }
    }
}

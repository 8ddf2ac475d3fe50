//! Arbitrary bytes, cut at arbitrary points, as one connection's input to
//! the pagecount application. Every answer must pass the checks in
//! `tests/common/wire.rs` (well-formed, no 500, no client byte in a
//! header, no markup the templates do not make), and the answers must be
//! the same whether the bytes came whole or cut.
//!
//! Input layout: one byte choosing the limits (the defaults, or tiny ones
//! that put every limit within reach), one byte giving how many cut points
//! follow (up to 8), a byte per cut point (its position, as a fraction of
//! the request), then the request bytes.
#![no_main]

#[path = "../../tests/common/wire.rs"]
mod wire;

use libfuzzer_sys::fuzz_target;
use pagecount::{App, Config};
use std::sync::LazyLock;
use wire::{Markup, check_responses, converse, same_answers};

/// The default limits, and tiny ones.
static CONFIGS: LazyLock<[Config; 2]> = LazyLock::new(|| {
    let tiny = Config {
        max_head_bytes: 96,
        max_headers: 4,
        max_body_bytes: 16,
        max_chunked_overhead: 24,
        max_pending_output: 1,
        ..Config::default()
    };
    [Config::default(), tiny]
});
static APP: LazyLock<App> = LazyLock::new(|| App::new(&Config::default()).expect("the default configuration is valid"));
static MARKUP: LazyLock<Markup> =
    LazyLock::new(|| Markup::from_templates(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates")));

fuzz_target!(|data: &[u8]| {
    let [choice, cut_count, rest @ ..] = data else { return };
    let config = &CONFIGS[usize::from(*choice) % CONFIGS.len()];
    let cut_count = usize::from(*cut_count % 9).min(rest.len());
    let (fractions, input) = rest.split_at(cut_count);
    let cuts: Vec<usize> = fractions.iter().map(|&f| input.len() * usize::from(f) / 256).collect();
    let whole = converse(&*APP, config, input, &[]);
    let split = converse(&*APP, config, input, &cuts);
    let show = |out: &[u8]| String::from_utf8_lossy(out).into_owned();
    let whole_answers = check_responses(&whole, &MARKUP).unwrap_or_else(|e| panic!("{e}\n{}", show(&whole)));
    let split_answers = check_responses(&split, &MARKUP).unwrap_or_else(|e| panic!("{e}\n{}", show(&split)));
    assert!(same_answers(&whole_answers, &split_answers), "whole {whole_answers:?}, cut at {cuts:?} {split_answers:?}");
});

//! The README shows some facts that the code also holds, and must show
//! them as the code does: the comparison of the ways of keeping state
//! (the same table the index renders, from `pagecount::app::comparison`),
//! the whole `--help` (written from the same table of options that reads
//! the command line), and the first test a reader writes (which is
//! `tests/first_test.rs`, run with the rest). Each sits in the README between two marker
//! comments, and this test fails when it differs from what the code says.
//!
//! After changing either, write the new text into the README with
//!
//! ```text
//! UPDATE_README=1 cargo test --test readme
//! ```

use pagecount::app::{COMPARISON_COLUMNS, comparison};
use std::path::PathBuf;
use std::process::Command;

fn readme_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

/// The comparison, as a Markdown table.
fn comparison_table() -> String {
    let mut table =
        format!("| | {} |\n|---|{}\n", COMPARISON_COLUMNS.join(" | "), "---|".repeat(COMPARISON_COLUMNS.len()));
    for (path, listing, facts) in comparison() {
        table.push_str(&format!("| {} (`{path}`) | {} |\n", listing.title, facts.cells().join(" | ")));
    }
    table
}

/// `pagecount --help`, as a fenced block.
fn help_block() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pagecount")).arg("--help").output().expect("the binary runs");
    assert!(output.status.success());
    format!("```\n$ pagecount --help\n{}```\n", String::from_utf8(output.stdout).expect("the help is UTF-8"))
}

/// `tests/first_test.rs`, as a fenced block.
fn first_test_block() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/first_test.rs");
    format!("```rust\n{}```\n", std::fs::read_to_string(path).expect("tests/first_test.rs"))
}

/// The text between `<!-- NAME -->` and `<!-- /NAME -->`.
fn between<'a>(text: &'a str, name: &str) -> Option<(usize, usize, &'a str)> {
    let open = format!("<!-- {name} -->\n");
    let close = format!("<!-- /{name} -->");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&close)?;
    Some((start, end, &text[start..end]))
}

/// Checks each generated block, or with `UPDATE_README` set, rewrites it.
#[test]
fn the_readme_shows_the_comparison_and_the_help_as_the_code_has_them() {
    let path = readme_path();
    let mut text = std::fs::read_to_string(&path).expect("README.md");
    let update = std::env::var_os("UPDATE_README").is_some();
    let blocks = [("comparison", comparison_table()), ("help", help_block()), ("first-test", first_test_block())];
    for (name, wanted) in blocks {
        let (start, end, shown) = between(&text, name)
            .unwrap_or_else(|| panic!("README.md has no <!-- {name} --> ... <!-- /{name} --> block"));
        if update {
            text.replace_range(start..end, &wanted);
        } else {
            assert_eq!(
                shown, wanted,
                "the README's {name} block is out of date: run UPDATE_README=1 cargo test --test readme"
            );
        }
    }
    if update {
        std::fs::write(&path, text).expect("write README.md");
    }
}

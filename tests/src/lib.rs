//! Harness for the end-to-end tests, which run `rtrace-helper` under strace and under rtrace
//! and require the same lines from both: starting and waiting on processes with deadlines,
//! normalising the values that differ from run to run, and comparing traces.
//!
//! The tests themselves live in `tests/`; they need root and a real kernel, and run through
//! `cargo xtask test`, which builds `target/release/rtrace` first.

pub mod compare;
pub mod interleave;
pub mod normalise;
pub mod process;

/// A path longer than a capture slot's 256 bytes, whose first directory does not exist:
/// the `basic` scenario opens it, and strace prints it whole, whatever `-s` says.
#[must_use]
pub fn long_missing_path() -> String {
    format!("missing/{}/{}/file.txt", "a".repeat(120), "b".repeat(120))
}

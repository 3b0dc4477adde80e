//! Reading a trace of several processes the way strace writes one: which process each line
//! belongs to, by its pid prefix, and each call whole again where another process's line
//! split it into `... <unfinished ...>` and `<... NAME resumed>...`.
//!
//! strace's rules, which rtrace must follow too:
//! - on stderr, a line starts with `[pid %5u] ` while more than one traced process is alive
//!   (not yet past its `+++ exited` line), and has no prefix once only one is left;
//! - in a file (`-o`), every line starts with `%-5d ` (the pid, left-aligned in five columns,
//!   then a space) when more than one process was traced from the start;
//! - the `=` of a result stands at column 40 of the whole line, prefix included.

use std::collections::BTreeMap;

use crate::compare::{UNFINISHED, realign};
use crate::normalise::call_name;

/// How the lines of a trace of several processes say which process they are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidPrefix {
    /// Trace on stderr: `[pid %5u] ` while more than one process is alive.
    Bracketed,
    /// Trace in a file: `%-5d ` on every line.
    Column,
}

impl PidPrefix {
    /// The prefix strace writes for `pid`.
    #[must_use]
    pub fn text(self, pid: u32) -> String {
        match self {
            Self::Bracketed => format!("[pid {pid:>5}] "),
            Self::Column => format!("{pid:<5} "),
        }
    }

    /// The pid a line's prefix names, if it has a prefix of this kind.
    fn pid_of(self, line: &str) -> Option<u32> {
        let digits = match self {
            Self::Bracketed => line.strip_prefix("[pid ")?.trim_start_matches(' '),
            Self::Column => line,
        };
        let length = digits.bytes().take_while(u8::is_ascii_digit).count();
        digits[..length].parse().ok()
    }
}

/// Sorts the lines of a trace of `pids` by process, in each process's own order, without
/// their prefixes.
///
/// # Errors
/// If a line's prefix is malformed, names a pid that is not traced or already exited, or is
/// present (or missing) against the rules of `style`.
///
/// # Panics
/// Never: every pid that passes the checks has an entry.
pub fn lines_by_process(
    trace: &[String],
    pids: &[u32],
    style: PidPrefix,
) -> Result<BTreeMap<u32, Vec<String>>, String> {
    let mut alive: Vec<u32> = pids.to_vec();
    let mut by_process: BTreeMap<u32, Vec<String>> =
        pids.iter().map(|&pid| (pid, Vec::new())).collect();
    for (number, line) in trace.iter().enumerate() {
        let at = || format!("line {}: {line}", number + 1);
        let (pid, body) = match style.pid_of(line) {
            Some(pid) => {
                let prefix = style.text(pid);
                let body = line
                    .strip_prefix(&prefix)
                    .ok_or_else(|| format!("prefix not written as `{prefix}`, {}", at()))?;
                if style == PidPrefix::Bracketed && alive.len() < 2 {
                    return Err(format!(
                        "a pid prefix while only one process is traced, {}",
                        at()
                    ));
                }
                (pid, body)
            }
            None if style == PidPrefix::Bracketed && alive.len() == 1 => (alive[0], line.as_str()),
            None => {
                return Err(format!(
                    "no pid prefix while {} processes are traced, {}",
                    alive.len(),
                    at()
                ));
            }
        };
        if !alive.contains(&pid) {
            return Err(format!(
                "line for pid {pid}, which is not traced or has exited, {}",
                at()
            ));
        }
        if body.starts_with("+++ exited") || body.starts_with("+++ killed") {
            alive.retain(|&other| other != pid);
        }
        by_process
            .get_mut(&pid)
            .expect("every traced pid has an entry")
            .push(body.to_owned());
    }
    Ok(by_process)
}

/// The lines of a `-o` trace whose every line starts with its pid (`%-5d `), by pid, in
/// each process's own order, without the prefix.
///
/// # Errors
/// If a line has no pid prefix.
pub fn lines_by_pid(text: &str) -> Result<BTreeMap<u32, Vec<String>>, String> {
    let mut by_pid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let pid = line[..digits]
            .parse()
            .map_err(|_| format!("no pid prefix: {line:?}"))?;
        by_pid
            .entry(pid)
            .or_default()
            .push(line[digits..].trim_start().to_owned());
    }
    Ok(by_pid)
}

/// Joins each `CALL <unfinished ...>` with the `<... NAME resumed>REST` that follows it in
/// the same process's lines, and pads every finished call as strace pads a line without
/// prefix.
///
/// # Errors
/// If a split call's halves do not match up.
pub fn whole_calls(lines: &[String]) -> Result<Vec<String>, String> {
    let mut joined = Vec::with_capacity(lines.len());
    let mut pending: Option<String> = None;
    for line in lines {
        let resumed = line
            .strip_prefix("<... ")
            .and_then(|rest| rest.split_once(" resumed>"));
        let whole = match (pending.take(), resumed) {
            (Some(start), Some((name, rest))) if call_name(&start) == Some(name) => start + rest,
            (Some(start), _) => {
                return Err(format!("`{start}{UNFINISHED}` is followed by `{line}`"));
            }
            (None, Some(_)) => return Err(format!("`{line}` resumes no unfinished call")),
            (None, None) => line.clone(),
        };
        if let Some(start) = whole.strip_suffix(UNFINISHED) {
            pending = Some(start.to_owned());
        } else {
            joined.push(realign(&whole));
        }
    }
    match pending {
        Some(start) => Err(format!("`{start}{UNFINISHED}` never resumes")),
        None => Ok(joined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    /// strace 6.1 on three `loop3` helpers, trace on stderr (cut short).
    const STDERR_TRACE: &str = "\
[pid  6132] read(0,  <unfinished ...>
[pid  6134] read(0,  <unfinished ...>
[pid  6133] read(0, \"x\", 1)             = 1
[pid  6134] <... read resumed>\"x\", 1)   = 1
[pid  6132] <... read resumed>\"x\", 1)   = 1
[pid  6133] exit_group(0)               = ?
[pid  6134] exit_group(0 <unfinished ...>
[pid  6133] +++ exited with 0 +++
[pid  6134] <... exit_group resumed>)   = ?
[pid  6134] +++ exited with 0 +++
exit_group(0)                           = ?
+++ exited with 0 +++";

    #[test]
    fn stderr_lines_lose_their_prefix_when_one_process_is_left() {
        let by_process = lines_by_process(
            &lines(STDERR_TRACE),
            &[6132, 6133, 6134],
            PidPrefix::Bracketed,
        )
        .unwrap();
        assert_eq!(
            by_process[&6132],
            [
                "read(0,  <unfinished ...>",
                "<... read resumed>\"x\", 1)   = 1",
                "exit_group(0)                           = ?",
                "+++ exited with 0 +++"
            ]
        );
        assert_eq!(by_process[&6133].len(), 3);
        assert_eq!(
            whole_calls(&by_process[&6134]).unwrap(),
            [
                "read(0, \"x\", 1)                         = 1",
                "exit_group(0)                           = ?",
                "+++ exited with 0 +++",
            ]
        );
    }

    #[test]
    fn stderr_prefix_rules_are_enforced() {
        let mut trace = lines(STDERR_TRACE);
        trace[10] = "[pid  6132] exit_group(0)               = ?".to_owned();
        assert!(
            lines_by_process(&trace, &[6132, 6133, 6134], PidPrefix::Bracketed).is_err(),
            "prefix with one process left"
        );
        let mut trace = lines(STDERR_TRACE);
        trace[0] = "read(0,  <unfinished ...>".to_owned();
        assert!(
            lines_by_process(&trace, &[6132, 6133, 6134], PidPrefix::Bracketed).is_err(),
            "no prefix with three alive"
        );
        let mut trace = lines(STDERR_TRACE);
        trace[0] = "[pid 6132] read(0,  <unfinished ...>".to_owned();
        assert!(
            lines_by_process(&trace, &[6132, 6133, 6134], PidPrefix::Bracketed).is_err(),
            "pid not padded to 5"
        );
        assert!(
            lines_by_process(
                &lines(STDERR_TRACE),
                &[6132, 6133, 6135],
                PidPrefix::Bracketed
            )
            .is_err(),
            "untraced pid"
        );
    }

    #[test]
    fn file_lines_keep_the_pid_column_to_the_end() {
        let trace = lines(
            "6184  read(0,  <unfinished ...>\n\
             6185  read(0,  <unfinished ...>\n\
             6184  <... read resumed>\"x\", 1)         = 1\n\
             6184  +++ exited with 0 +++\n\
             6185  <... read resumed>\"x\", 1)         = 1\n\
             6185  +++ exited with 0 +++",
        );
        let by_process = lines_by_process(&trace, &[6184, 6185], PidPrefix::Column).unwrap();
        assert_eq!(
            whole_calls(&by_process[&6185]).unwrap(),
            [
                "read(0, \"x\", 1)                         = 1",
                "+++ exited with 0 +++"
            ]
        );
        assert_eq!(PidPrefix::Column.text(123_456), "123456 ");
        let mut unprefixed = trace.clone();
        unprefixed[5] = "+++ exited with 0 +++".to_owned();
        assert!(lines_by_process(&unprefixed, &[6184, 6185], PidPrefix::Column).is_err());
    }

    #[test]
    fn split_calls_must_match_up() {
        assert!(
            whole_calls(&lines(
                "getpid( <unfinished ...>\n<... write resumed>) = 20"
            ))
            .is_err()
        );
        assert!(whole_calls(&lines("<... getpid resumed>) = 1")).is_err());
        assert!(whole_calls(&lines("getpid( <unfinished ...>")).is_err());
        assert_eq!(
            whole_calls(&lines(
                "write(3, \"a\", 1 <unfinished ...>\n<... write resumed>) = 1"
            ))
            .unwrap(),
            ["write(3, \"a\", 1)                        = 1"]
        );
    }
}

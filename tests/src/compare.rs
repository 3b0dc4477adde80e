//! Picking out the part of a trace that the scenario produced, and comparing strace's lines
//! with rtrace's so that a failure shows both traces whole and where they part.

use std::fmt::Write as _;

/// The column at which strace starts ` = result`, counting the whole line, pid prefix included.
pub const RESULT_COLUMN: usize = 40;

/// Text strace puts at the end of a call's first half when another process's line comes
/// between the call's start and its end.
pub const UNFINISHED: &str = " <unfinished ...>";

/// The last line of a helper's trace.
pub const EXIT_LINE: &str = "+++ exited with 0 +++";

/// Whether `line` (without pid prefix) is about the helper's trigger read on stdin.
///
/// The tracer attaches while the helper blocks in that read, and whether the read shows
/// depends on timing: strace interrupts it and prints the restarted call
/// (`read(0, "x", 1) = 1`) only if the trigger byte arrives after the interrupt; otherwise
/// the read finishes unseen and the trace starts with the scenario's first call.
#[must_use]
pub fn is_trigger_read(line: &str) -> bool {
    line.starts_with("read(0, ")
}

/// The lines after the trigger read, if the trace shows it, up to and including
/// `+++ exited with 0 +++`. The scripts read stdin only for the trigger, so every read on
/// fd 0 that opens the trace belongs to it.
///
/// # Errors
/// If the exit line is missing, or nothing comes before it.
pub fn scenario_lines(trace: &[String]) -> Result<&[String], String> {
    let start = trace
        .iter()
        .take_while(|line| is_trigger_read(line))
        .count();
    let length = trace[start..]
        .iter()
        .position(|line| line == EXIT_LINE)
        .ok_or_else(|| format!("no `{EXIT_LINE}` after the trigger read"))?;
    if length == 0 {
        return Err("no calls between the trigger read and the exit".to_owned());
    }
    Ok(&trace[start..=start + length])
}

/// Splits a finished call's line into the call, up to its closing parenthesis, and the
/// result after ` = `; `None` for lines without a result (`+++ exited ...`, unfinished calls).
///
/// The split is at the first `)` followed by spaces and `= `, which is the end of the call
/// in every line the helper's scripts produce.
#[must_use]
pub fn split_result(line: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(offset) = line[from..].find(')') {
        let close = from + offset;
        let after = &line[close + 1..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        if spaces > 0
            && let Some(result) = after[spaces..].strip_prefix("= ")
        {
            return Some((&line[..=close], result));
        }
        from = close + 1;
    }
    None
}

/// Where strace would put `=` in a line that begins with `call`: at [`RESULT_COLUMN`], or
/// one space after the call if it is longer.
#[must_use]
pub fn result_column(call_length: usize) -> usize {
    RESULT_COLUMN.max(call_length + 1)
}

/// Rewrites a finished call's padding as strace pads a line without prefix; other lines are
/// returned as they are. Used where lines lose their pid prefix or are joined from two halves.
#[must_use]
pub fn realign(line: &str) -> String {
    match split_result(line) {
        Some((call, result)) => format!(
            "{call:<width$}= {result}",
            width = result_column(call.len())
        ),
        None => line.to_owned(),
    }
}

/// Checks that a line with a result has its `=` where strace puts it, counting the whole
/// line including any pid prefix.
///
/// # Errors
/// If the `=` is elsewhere.
pub fn check_alignment(line: &str) -> Result<(), String> {
    let Some((call, result)) = split_result(line) else {
        return Ok(());
    };
    let found = line.len() - result.len() - 2;
    let wanted = result_column(call.len());
    if found == wanted {
        Ok(())
    } else {
        Err(format!(
            "`=` at column {found} instead of {wanted} in: {line}"
        ))
    }
}

/// Fails the test if any line of a tracer's raw trace has its `=` elsewhere than strace
/// puts it (see [`check_alignment`]). The comparisons redo the padding after normalising,
/// so this is where padding is checked.
///
/// # Panics
/// If a line is misaligned.
pub fn assert_aligned(what: &str, trace: &[String]) {
    let problems: Vec<String> = trace
        .iter()
        .filter_map(|line| check_alignment(line).err())
        .collect();
    assert!(
        problems.is_empty(),
        "{what}: {} lines padded otherwise than strace pads them:\n{}\n----- whole trace -----\n{}",
        problems.len(),
        problems.join("\n"),
        trace.join("\n")
    );
}

/// Compares two traces line by line.
///
/// # Errors
/// A report with the expected trace, the actual trace and the first line where they differ.
pub fn compare_lines(what: &str, expected: &[String], actual: &[String]) -> Result<(), String> {
    let Some(index) =
        (0..expected.len().max(actual.len())).find(|&i| expected.get(i) != actual.get(i))
    else {
        return Ok(());
    };
    let mut report = format!(
        "{what}: rtrace's trace differs from strace's at line {}\n",
        index + 1
    );
    for (title, lines) in [("expected (strace)", expected), ("actual (rtrace)", actual)] {
        let _ = writeln!(report, "----- {title}: {} lines -----", lines.len());
        for (number, line) in lines.iter().enumerate() {
            let _ = writeln!(report, "{:>4} {line}", number + 1);
        }
    }
    let missing = "(no line)".to_owned();
    let _ = writeln!(report, "----- first difference, line {} -----", index + 1);
    let _ = writeln!(
        report,
        "expected: {}",
        expected.get(index).unwrap_or(&missing)
    );
    let _ = writeln!(
        report,
        "actual:   {}",
        actual.get(index).unwrap_or(&missing)
    );
    Err(report)
}

/// Fails the test with [`compare_lines`]'s report if the traces differ.
///
/// # Panics
/// If they differ.
pub fn assert_same_lines(what: &str, expected: &[String], actual: &[String]) {
    if let Err(report) = compare_lines(what, expected, actual) {
        panic!("{report}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn scenario_lines_run_from_after_the_trigger_to_the_exit() {
        let trace = lines(
            "read(0, \"x\", 1)                         = 1\n\
             getpid()                                = PID\n\
             exit_group(0)                           = ?\n\
             +++ exited with 0 +++\n\
             late line",
        );
        assert_eq!(scenario_lines(&trace).unwrap(), &trace[1..4]);
        assert_eq!(
            scenario_lines(&trace[1..]).unwrap(),
            &trace[1..4],
            "the trigger read may be missing"
        );
        assert!(
            scenario_lines(&trace[..3]).is_err(),
            "a trace without exit is cut short"
        );
        assert!(
            scenario_lines(&trace[3..]).is_err(),
            "a trace with nothing but the exit is empty"
        );
    }

    #[test]
    fn result_split_finds_the_end_of_the_call() {
        assert_eq!(
            split_result("poll([{fd=7, events=POLLIN}], 1, 5000)  = 1 ([{fd=7, revents=POLLIN}])"),
            Some((
                "poll([{fd=7, events=POLLIN}], 1, 5000)",
                "1 ([{fd=7, revents=POLLIN}])"
            ))
        );
        assert_eq!(
            split_result("[pid  6134] <... exit_group resumed>)   = ?"),
            Some(("[pid  6134] <... exit_group resumed>)", "?"))
        );
        assert_eq!(split_result("[pid  6132] read(0,  <unfinished ...>"), None);
        assert_eq!(split_result(EXIT_LINE), None);
    }

    #[test]
    fn alignment_counts_the_prefix() {
        for line in [
            "getpid()                                = 6072",
            "openat(AT_FDCWD, \"missing.txt\", O_RDONLY) = -1 ENOENT (No such file or directory)",
            "[pid  6134] <... read resumed>\"x\", 1)   = 1",
            "6184  getpid()                          = 6184",
        ] {
            assert_eq!(check_alignment(line), Ok(()), "{line}");
        }
        assert!(
            check_alignment("[pid  6134] getpid()                                = 6134").is_err()
        );
    }

    #[test]
    fn realign_pads_as_without_prefix() {
        assert_eq!(
            realign("read(0, \"x\", 1)   = 1"),
            "read(0, \"x\", 1)                         = 1"
        );
        assert!(is_trigger_read("read(0, \"x\", 1)   = 1"));
        assert!(!is_trigger_read("read(3, \"x\", 1) = 1"));
    }

    #[test]
    fn comparison_reports_the_first_difference() {
        let strace = lines("a() = 0\nb() = 0\nc() = 0");
        assert_eq!(compare_lines("same", &strace, &strace), Ok(()));
        let report = compare_lines("short", &strace, &strace[..2]).unwrap_err();
        assert!(report.contains("at line 3"), "{report}");
        assert!(report.contains("actual:   (no line)"), "{report}");
        let mut changed = strace.clone();
        changed[1] = "b() = 1".to_owned();
        let report = compare_lines("changed", &strace, &changed).unwrap_err();
        assert!(
            report.contains("expected: b() = 0\nactual:   b() = 1"),
            "{report}"
        );
    }
}

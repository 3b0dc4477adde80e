//! `-c` / `-C`: strace's table of calls, errors and time per syscall, written at the
//! end of the session.
//!
//! The time is the wall-clock time each call spent between enter and exit (strace's
//! `-w`): the kernel programs stamp both. strace's default, the CPU time spent in the
//! kernel, is not something a tracepoint can see per call.

use std::io::{self, Write};

use syscalls::Sysno;

use crate::decode::SyscallEvent;

/// The line under the header and above the total.
const RULE: &str = "------ ----------- ----------- --------- --------- ----------------";

/// One syscall's row.
#[derive(Clone, Copy, Debug, Default)]
struct Row {
    calls: u64,
    errors: u64,
    ns: u64,
}

/// The order of the table's rows (`-S`), as strace names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryOrder {
    /// The longest total time first.
    #[default]
    Time,
    /// The most calls first.
    Calls,
    /// The most errors first.
    Errors,
    /// By name.
    Name,
    /// By syscall number.
    Nothing,
}

/// Counts per syscall number.
#[derive(Debug, Default)]
pub struct Summary {
    rows: Vec<Row>,
    order: SummaryOrder,
}

impl Summary {
    /// An empty table whose rows will go in `order`.
    #[must_use]
    pub fn new(order: SummaryOrder) -> Self {
        Summary {
            rows: Vec::new(),
            order,
        }
    }

    /// Counts a call that returned (a call that does not, `exit_group`, has no row in
    /// strace's table either).
    pub fn count(&mut self, ev: &SyscallEvent<'_>) {
        if !ev.returns {
            return;
        }
        let Ok(nr) = usize::try_from(ev.nr) else {
            return;
        };
        if self.rows.len() <= nr {
            self.rows.resize(nr + 1, Row::default());
        }
        let row = &mut self.rows[nr];
        row.calls += 1;
        row.errors += u64::from(ev.failed());
        // A call whose enter came before the attach is counted, but not timed.
        if ev.enter_time != 0 {
            row.ns += ev.exit_time.saturating_sub(ev.enter_time);
        }
    }

    /// Writes the table in its order, as strace lays it out.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut rows: Vec<(u32, Row)> = (0u32..)
            .zip(self.rows.iter().copied())
            .filter(|(_, r)| r.calls > 0)
            .collect();
        // Ties stay in syscall number order.
        match self.order {
            SummaryOrder::Time => rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.ns)),
            SummaryOrder::Calls => rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.calls)),
            SummaryOrder::Errors => rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.errors)),
            SummaryOrder::Name => rows.sort_by_cached_key(|&(nr, _)| name(nr)),
            SummaryOrder::Nothing => {}
        }
        let total = rows.iter().fold(Row::default(), |t, (_, r)| Row {
            calls: t.calls + r.calls,
            errors: t.errors + r.errors,
            ns: t.ns + r.ns,
        });
        writeln!(
            out,
            "% time     seconds  usecs/call     calls    errors syscall\n{RULE}"
        )?;
        for (nr, row) in &rows {
            write_row(out, row, total.ns, &name(*nr))?;
        }
        writeln!(out, "{RULE}")?;
        write_row(out, &total, total.ns, "total")
    }
}

/// The name strace gives syscall `nr`.
fn name(nr: u32) -> String {
    Sysno::new(nr as usize).map_or_else(|| format!("syscall_{nr:#x}"), |s| s.name().to_owned())
}

/// `%6.2f %11.6f %11lu %9u %9.u %s`: the share of all time, seconds, microseconds per
/// call, calls, errors (blank when none), name.
fn write_row(out: &mut impl Write, row: &Row, total_ns: u64, name: &str) -> io::Result<()> {
    #[expect(clippy::cast_precision_loss, reason = "shown to two decimals")]
    let percent = if total_ns == 0 {
        0.0
    } else {
        row.ns as f64 * 100.0 / total_ns as f64
    };
    #[expect(clippy::cast_precision_loss, reason = "shown to the microsecond")]
    let seconds = row.ns as f64 / 1e9;
    let per_call = row.ns / row.calls.max(1) / 1000;
    let errors = if row.errors == 0 {
        String::new()
    } else {
        row.errors.to_string()
    };
    writeln!(
        out,
        "{percent:6.2} {seconds:11.6} {per_call:11} {:9} {errors:>9} {name}",
        row.calls
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Capture;
    use rtrace_common::SLOT_COUNT;

    fn call(nr: Sysno, ret: i64, enter: u64, exit: u64) -> SyscallEvent<'static> {
        SyscallEvent {
            tid: 1,
            tgid: 1,
            nr: nr as u32,
            args: [0; 6],
            ret,
            returns: true,
            enter_missed: enter == 0,
            process_exiting: false,
            enter_time: enter,
            exit_time: exit,
            made_inode: 0,
            slots: [Capture::Empty; SLOT_COUNT],
        }
    }

    #[test]
    fn rows_longest_first_with_errors_and_a_total() {
        let mut s = Summary::default();
        s.count(&call(Sysno::clock_nanosleep, 0, 1_000, 200_162_000));
        for i in 0..30 {
            let ret = if i < 13 { -2 } else { 3 };
            s.count(&call(Sysno::openat, ret, 0, 42_033).clone_at(1_000));
        }
        s.count(&call(Sysno::read, 5, 0, 0));
        let mut exit = call(Sysno::exit_group, 0, 5, 5);
        exit.returns = false;
        s.count(&exit);
        let mut out = Vec::new();
        s.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "% time     seconds  usecs/call     calls    errors syscall\n\
             ------ ----------- ----------- --------- --------- ----------------\n \
             99.39    0.200161      200161         1           clock_nanosleep\n  \
             0.61    0.001231          41        30        13 openat\n  \
             0.00    0.000000           0         1           read\n\
             ------ ----------- ----------- --------- --------- ----------------\n\
             100.00    0.201392        6293        32        13 total\n"
        );
    }

    #[test]
    fn rows_in_the_order_asked() {
        let mut s = Summary::default();
        s.count(&call(Sysno::write, 1, 1_000, 9_000));
        for _ in 0..3 {
            s.count(&call(Sysno::read, -11, 1_000, 2_000));
        }
        s.count(&call(Sysno::close, 0, 1_000, 2_000));
        let mut names = |order| {
            s.order = order;
            let mut out = Vec::new();
            s.write(&mut out).unwrap();
            String::from_utf8(out)
                .unwrap()
                .lines()
                .skip(2)
                .take(3)
                .map(|l| l.rsplit(' ').next().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(SummaryOrder::Time), ["write", "read", "close"]);
        assert_eq!(names(SummaryOrder::Calls), ["read", "write", "close"]);
        // Ties in syscall number order: write (1) before close (3).
        assert_eq!(names(SummaryOrder::Errors), ["read", "write", "close"]);
        assert_eq!(names(SummaryOrder::Name), ["close", "read", "write"]);
        assert_eq!(names(SummaryOrder::Nothing), ["read", "write", "close"]);
    }

    impl SyscallEvent<'static> {
        /// The same call, entered at `enter`.
        fn clone_at(&self, enter: u64) -> Self {
            SyscallEvent {
                enter_time: enter,
                ..*self
            }
        }
    }
}

//! Command-line options, named as strace names them.

use std::path::PathBuf;

use clap::Parser;

use crate::decode::comm::DecodePids;

/// Traces the syscalls of running processes, printing strace's lines, without
/// stopping them: eBPF programs on the `raw_syscalls` tracepoints do the watching.
#[derive(Debug, Parser)]
#[command(name = "rtrace", version, about, max_term_width = 100)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one field per command-line switch"
)]
pub struct Cli {
    /// Trace the process with this PID (and its threads); a thread's id, as `top -H`
    /// shows it, traces that thread alone (with `-f`, its process). Takes lists
    /// (`-p 1,2` or `-p "1 2"`) and repeats (`-p 1 -p 2`).
    #[arg(short = 'p', long = "attach", value_name = "PID", value_parser = parse_pid_list,
          required_unless_present_any = ["command", "names", "pid_files"])]
    pub pids: Vec<PidList>,

    /// Trace every process named NAME (its `comm`, as `ps -o comm` shows it), now and
    /// any that starts later by exec or fork; `NAME*` matches names starting with NAME.
    /// Repeatable. rtrace then runs until stopped.
    #[arg(short = 'P', long = "comm", value_name = "NAME", value_parser = parse_name)]
    pub names: Vec<NamePattern>,

    /// Trace the process whose PID this file holds (php-fpm.pid...). Repeatable.
    #[arg(long = "pid-file", value_name = "FILE")]
    pub pid_files: Vec<PathBuf>,

    /// Follow forks: trace the children (and their children) that traced processes
    /// create from now on, from their first syscall.
    /// With `-o FILE`, `-ff` writes each task's lines to `FILE.TID` instead.
    #[arg(short = 'f', long = "follow-forks", action = clap::ArgAction::Count)]
    pub follow_forks: u8,

    /// Which calls to show, as strace's `-e trace=SET`: names, classes (`%file`,
    /// `%desc`, `%network`, `%process`, `%memory`, `%signal`, `%ipc`, `%clock`, `%creds`,
    /// `%pure`, `%stat`, `%lstat`, `%fstat`, `%%stat`, `%statfs`, `%fstatfs`, `%%statfs`),
    /// `/REGEX`, `?NAME` (may not exist), `!` to negate. Repeatable (each narrows the set).
    /// Also `-e signal=SET` (the signal lines to show: `SIGCHLD`, `!CHLD,ALRM`, `none`),
    /// `-e status=SET` (`successful`, `failed`, `unfinished`) and `-e quiet=SET` (the
    /// messages to leave out: `attach`, `exit`, as `-q` and `-qq`).
    #[arg(short = 'e', value_name = "EXPR", value_parser = crate::filter::Qualifier::parse)]
    pub filters: Vec<crate::filter::Qualifier>,

    /// Write the trace to FILE instead of stderr.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With `-o`: add to the file's end instead of writing over it.
    #[arg(short = 'A', long = "output-append-mode", requires = "output")]
    pub append: bool,

    /// The most bytes of each string or buffer to print.
    #[arg(
        short = 's',
        long = "string-limit",
        value_name = "STRSIZE",
        default_value_t = 32
    )]
    pub strsize: usize,

    /// Print the path behind each file descriptor: `read(3</etc/passwd>, ...` (`-y`),
    /// and for sockets their protocol and addresses:
    /// `recvfrom(7<TCP:[127.0.0.1:80->127.0.0.1:41558]>, ...` (`-yy`).
    #[arg(short = 'y', action = clap::ArgAction::Count)]
    pub fd_paths: u8,

    /// Print the command name after each pid: `[pid  1234<php-fpm>]`,
    /// `kill(1235<sleep>, SIGTERM)`, `getpid() = 1234<php-fpm>` (as
    /// `--decode-pids=comm`).
    #[arg(short = 'Y', overrides_with = "decode_pids")]
    pub pid_names: bool,

    /// What to print after pids, a list of: `comm`, their command names (as `-Y`);
    /// `pidns`, for a process in another PID namespace (a container's), what its pids
    /// are in rtrace's: `getpid() = 1 /* 4321 in rtrace's PID NS */`.
    #[arg(long = "decode-pids", value_name = "WHAT", value_parser = parse_decode_pids,
          overrides_with = "pid_names")]
    pub decode_pids: Option<DecodePids>,

    /// Print strings with non-text bytes in hexadecimal (`-x`), or every string
    /// (`-xx`).
    #[arg(short = 'x', action = clap::ArgAction::Count)]
    pub hex: u8,

    /// How named constants and flags print: `abbrev` (names, the default), `raw`
    /// (numbers), `verbose` (numbers, the names in a comment).
    #[arg(short = 'X', long = "const-print-style", value_name = "FORMAT",
          default_value = "abbrev", value_parser = parse_xlat_style)]
    pub xlat: crate::decode::text::XlatStyle,

    /// Start each line with the time of day (`-t`: `12:53:30`), with microseconds
    /// (`-tt`), or as seconds since the epoch (`-ttt`). A call's line carries the time
    /// it entered; a signal's, its delivery.
    #[arg(short = 't', long = "absolute-timestamps", action = clap::ArgAction::Count)]
    pub absolute_times: u8,

    /// Start each line with the time since the line before (`     0.000323`).
    #[arg(short = 'r', long = "relative-timestamps")]
    pub relative_times: bool,

    /// End each call's line with the time it spent in the kernel (`<0.000031>`).
    #[arg(short = 'T', long = "syscall-times")]
    pub syscall_times: bool,

    /// Align return values at this column (`= ` starts there when the call is
    /// shorter).
    #[arg(short = 'a', long = "columns", value_name = "COLUMN",
          default_value_t = crate::output::RETURN_COLUMN)]
    pub return_column: usize,

    /// Start each line with the number of its syscall (`[ 231] exit_group(0)`), or for
    /// a signal or an exit, of the task's last one, as strace's `-n`.
    #[arg(short = 'n', long = "syscall-number")]
    pub syscall_numbers: bool,

    /// Print only the calls that returned without an error.
    #[arg(short = 'z', long = "successful-only")]
    pub successful_only: bool,

    /// Print only the calls that returned an error (`= -1 ENOENT ...`).
    #[arg(short = 'Z', long = "failed-only", conflicts_with = "successful_only")]
    pub failed_only: bool,

    /// Leave out the `Process N attached` and `detached` messages (`-q`), and the
    /// `+++ exited with N +++` lines too (`-qq`).
    #[arg(short = 'q', long = "quiet", action = clap::ArgAction::Count)]
    pub quiet: u8,

    /// Instead of the trace, print a table at the end: for each syscall, its calls,
    /// errors and the time spent in them (wall-clock time between enter and exit, as
    /// strace's `-c -w`).
    #[arg(short = 'c', long = "summary-only")]
    pub summary_only: bool,

    /// Print the trace, and the `-c` table at the end.
    #[arg(short = 'C', long = "summary", conflicts_with = "summary_only")]
    pub summary: bool,

    /// The order of the `-c` table's rows: by `time` (the default), `calls`, `errors`,
    /// `name`, or `nothing` (syscall numbers).
    #[arg(
        short = 'S',
        long = "summary-sort-by",
        value_name = "SORTBY",
        value_enum,
        default_value = "time"
    )]
    pub summary_order: crate::summary::SummaryOrder,

    /// Accepted for strace's `-c -w`: the table's times are always wall-clock times.
    #[arg(short = 'w', long = "summary-wall-clock")]
    pub summary_wall_clock: bool,

    /// Print structures, arrays and execve's environment unabbreviated: every field
    /// of a `stat`, every element of an array (as far as the capture holds them).
    #[arg(short = 'v', long = "no-abbrev")]
    pub unabbreviated: bool,

    /// After each call's line, print its thread's user stack as strace's `-k` does:
    /// ` > /usr/lib/x86_64-linux-gnu/libc.so.6(__write+0x10) [0xf8350]`, a frame a line.
    /// Each call then carries 16 KiB of stack through the ring: for finding where a
    /// call comes from, not for tracing a busy service at full speed.
    #[arg(short = 'k', long = "stack-trace")]
    pub stack_trace: bool,

    /// Ring buffer size: bytes, or with a K, M or G suffix (a power of two, e.g. 64M;
    /// the default scales with the CPU count).
    #[arg(long = "buffer-size", value_name = "BYTES", value_parser = parse_buffer_size)]
    pub buffer_size: Option<u32>,

    /// Show a call that has blocked this long as strace's `read(3,  <unfinished ...>`
    /// while it blocks, then `<... read resumed>...` when it returns (e.g. 500ms, 2s).
    #[arg(long = "unfinished", value_name = "DURATION", default_value = "1s",
          value_parser = parse_duration)]
    pub unfinished: std::time::Duration,

    /// How the syscall programs attach: BTF-enabled raw tracepoints (`btf`, the
    /// default: plain loads of the registers), raw tracepoints (`raw`), or classic
    /// tracepoints (`classic`, to compare; calls in progress at attach then print
    /// without their arguments).
    #[arg(long = "tracepoints", value_name = "KIND", default_value = "btf")]
    pub tracepoints: crate::loader::TracepointKind,

    /// At exit, print how many events were read, how fast, how many were lost, the peak
    /// memory, and the CPU time attaching took.
    #[arg(long = "stats")]
    pub stats: bool,

    /// At attach, list each traced thread with the call it is blocked in (and again on
    /// SIGUSR1, which works without this option too).
    #[arg(long = "stuck")]
    pub stuck: bool,

    /// Start this command and trace it from its first syscall (`rtrace -- ls -l`).
    #[arg(value_name = "CMD", trailing_var_arg = true)]
    pub command: Vec<std::ffi::OsString>,
}

/// A watched process name: exact, or a prefix (`NAME*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamePattern {
    pub name: String,
    pub prefix: bool,
}

impl NamePattern {
    /// Whether a process name (`comm`) matches.
    #[must_use]
    pub fn matches(&self, comm: &str) -> bool {
        if self.prefix {
            comm.starts_with(&self.name)
        } else {
            comm == self.name
        }
    }
}

/// The longest `comm` the kernel keeps.
const COMM_MAX: usize = 15;

fn parse_name(s: &str) -> Result<NamePattern, String> {
    let (name, prefix) = match s.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (s, false),
    };
    if name.is_empty() || name.contains('*') || name.contains('/') {
        return Err(format!(
            "invalid process name pattern: '{s}' (use NAME or NAME*)"
        ));
    }
    if name.len() > COMM_MAX {
        return Err(format!(
            "process name '{name}' is longer than the {COMM_MAX} characters the kernel keeps; \
             use its first {COMM_MAX} or a pattern"
        ));
    }
    Ok(NamePattern {
        name: name.to_owned(),
        prefix,
    })
}

/// The PIDs one `-p` named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PidList(pub Vec<u32>);

impl Cli {
    /// Every PID named, in order, without repeats.
    #[must_use]
    pub fn targets(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for pid in self.pids.iter().flat_map(|l| l.0.iter().copied()) {
            if !out.contains(&pid) {
                out.push(pid);
            }
        }
        out
    }

    /// What prints after pids: `-Y` or `--decode-pids`, whichever came last.
    #[must_use]
    pub fn pids_decoded(&self) -> Option<DecodePids> {
        if self.pid_names {
            return Some(DecodePids {
                names: true,
                namespaces: false,
            });
        }
        self.decode_pids
    }
}

fn parse_decode_pids(s: &str) -> Result<DecodePids, String> {
    let mut shows = DecodePids {
        names: false,
        namespaces: false,
    };
    for word in s.split(',') {
        match word {
            "comm" => shows.names = true,
            "pidns" => shows.namespaces = true,
            _ => return Err(format!("invalid decode-pids '{word}'")),
        }
    }
    Ok(shows)
}

fn parse_pid_list(s: &str) -> Result<PidList, String> {
    let pids = s
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| match p.parse::<u32>() {
            Ok(0) | Err(_) => Err(format!("invalid process id: '{p}'")),
            Ok(pid) if i32::try_from(pid).is_err() => Err(format!("invalid process id: '{p}'")),
            Ok(pid) => Ok(pid),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if pids.is_empty() {
        return Err(format!("invalid process id: '{s}'"));
    }
    Ok(PidList(pids))
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("invalid duration: '{s}' (use e.g. 500ms, 2s, 1.5)");
    let (number, scale) = if let Some(ms) = s.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(secs) = s.strip_suffix('s') {
        (secs, 1.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    std::time::Duration::try_from_secs_f64(value * scale).map_err(|_| bad())
}

fn parse_xlat_style(s: &str) -> Result<crate::decode::text::XlatStyle, String> {
    use crate::decode::text::XlatStyle;
    match s {
        "abbrev" => Ok(XlatStyle::Abbrev),
        "raw" => Ok(XlatStyle::Raw),
        "verbose" => Ok(XlatStyle::Verbose),
        _ => Err(format!(
            "invalid constant print style: '{s}' (use raw, abbrev or verbose)"
        )),
    }
}

/// A ring size: bytes, or KiB, MiB or GiB with a `K`, `M` or `G` suffix (`64M`), as
/// `perf record -m` takes them.
fn parse_buffer_size(s: &str) -> Result<u32, String> {
    let invalid = || format!("invalid buffer size: '{s}'");
    let (digits, shift) = match s.char_indices().last() {
        Some((at, 'K' | 'k')) => (&s[..at], 10),
        Some((at, 'M' | 'm')) => (&s[..at], 20),
        Some((at, 'G' | 'g')) => (&s[..at], 30),
        _ => (s, 0),
    };
    let n = digits
        .parse::<u64>()
        .map_err(|_| invalid())?
        .checked_mul(1 << shift)
        .ok_or_else(invalid)?;
    match u32::try_from(n) {
        Ok(n) if n >= 4096 && n.is_power_of_two() => Ok(n),
        _ => Err(format!(
            "buffer size must be a power of two from 4096 to 2G, not {s}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_sizes_take_binary_suffixes() {
        assert_eq!(parse_buffer_size("8192"), Ok(8192));
        assert_eq!(parse_buffer_size("64K"), Ok(64 << 10));
        assert_eq!(parse_buffer_size("16m"), Ok(16 << 20));
        assert_eq!(parse_buffer_size("1G"), Ok(1 << 30));
        assert_eq!(parse_buffer_size("2G"), Ok(2 << 30));
        for wrong in [
            "4G",
            "3M",
            "2048",
            "0",
            "M",
            "",
            "16MiB",
            "-1M",
            "99999999999999999999G",
        ] {
            assert!(parse_buffer_size(wrong).is_err(), "{wrong} was taken");
        }
    }

    #[test]
    fn pid_lists_and_repeats() {
        let cli =
            Cli::try_parse_from(["rtrace", "-p", "10352,10354", "-p", "10355", "-p", "10354"])
                .unwrap();
        assert_eq!(cli.targets(), vec![10352, 10354, 10355]);
        let cli = Cli::try_parse_from(["rtrace", "-p", "1 2"]).unwrap();
        assert_eq!(cli.targets(), vec![1, 2]);
    }

    #[test]
    fn malformed_pids_are_rejected() {
        for bad in ["abc", "0", "+-5", "1,,x", "", "99999999999"] {
            let err = Cli::try_parse_from(["rtrace", "-p", bad]).unwrap_err();
            assert!(
                err.to_string().contains("invalid process id"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_command_instead_of_pids() {
        let cli = Cli::try_parse_from(["rtrace", "-s", "64", "--", "ls", "-l"]).unwrap();
        assert_eq!(cli.command, ["ls", "-l"]);
        assert!(cli.targets().is_empty());
        let cli = Cli::try_parse_from(["rtrace", "-f", "php", "-r", "echo 1;"]).unwrap();
        assert_eq!(cli.command, ["php", "-r", "echo 1;"]);
        assert!(Cli::try_parse_from(["rtrace"]).is_err());
    }

    #[test]
    fn names_and_patterns() {
        let cli = Cli::try_parse_from(["rtrace", "-P", "php-fpm", "-P", "php*"]).unwrap();
        assert_eq!(
            cli.names[0],
            NamePattern {
                name: "php-fpm".into(),
                prefix: false
            }
        );
        assert!(cli.names[1].matches("php-fpm8.2"));
        assert!(!cli.names[0].matches("php-fpm8.2"));
        assert!(Cli::try_parse_from(["rtrace", "-P", "a-name-much-too-long"]).is_err());
        assert!(Cli::try_parse_from(["rtrace", "-P", "*"]).is_err());
        assert!(Cli::try_parse_from(["rtrace", "--pid-file", "/run/x.pid"]).is_ok());
    }

    #[test]
    fn durations() {
        let cli = Cli::try_parse_from(["rtrace", "-p", "1", "--unfinished", "250ms"]).unwrap();
        assert_eq!(cli.unfinished, std::time::Duration::from_millis(250));
        let cli = Cli::try_parse_from(["rtrace", "-p", "1", "--unfinished", "2"]).unwrap();
        assert_eq!(cli.unfinished, std::time::Duration::from_secs(2));
        assert!(Cli::try_parse_from(["rtrace", "-p", "1", "--unfinished", "soon"]).is_err());
    }

    #[test]
    fn constant_styles_and_no_abbreviation() {
        use crate::decode::text::XlatStyle;
        let cli = Cli::try_parse_from(["rtrace", "-p", "1"]).unwrap();
        assert_eq!(cli.xlat, XlatStyle::Abbrev);
        assert!(!cli.unabbreviated);
        let cli = Cli::try_parse_from(["rtrace", "-X", "raw", "-v", "-p", "1"]).unwrap();
        assert_eq!(cli.xlat, XlatStyle::Raw);
        assert!(cli.unabbreviated);
        let cli = Cli::try_parse_from(["rtrace", "-Xverbose", "--", "ls"]).unwrap();
        assert_eq!(cli.xlat, XlatStyle::Verbose);
        let err = Cli::try_parse_from(["rtrace", "-X", "names", "-p", "1"]).unwrap_err();
        assert!(err.to_string().contains("raw, abbrev or verbose"), "{err}");
    }

    #[test]
    fn decode_pids_takes_a_list_and_the_last_of_it_and_y_counts() {
        let shows = |args: &[&str]| {
            Cli::try_parse_from([&["rtrace"][..], args, &["-p", "1"]].concat())
                .map(|cli| cli.pids_decoded())
        };
        let both = DecodePids {
            names: true,
            namespaces: true,
        };
        let pidns = DecodePids {
            names: false,
            namespaces: true,
        };
        let comm = DecodePids {
            names: true,
            namespaces: false,
        };
        assert_eq!(shows(&["--decode-pids=comm,pidns"]).unwrap(), Some(both));
        assert_eq!(shows(&["-Y", "--decode-pids=pidns"]).unwrap(), Some(pidns));
        assert_eq!(shows(&["--decode-pids=pidns", "-Y"]).unwrap(), Some(comm));
        assert_eq!(shows(&[]).unwrap(), None);
        assert!(shows(&["--decode-pids=pids"]).is_err());
    }

    #[test]
    fn values_attached_to_short_options() {
        let cli = Cli::try_parse_from(["rtrace", "-s64", "-xx", "--", "ls", "-l"]).unwrap();
        assert_eq!(cli.strsize, 64);
        assert_eq!(cli.hex, 2);
        assert_eq!(cli.command, ["ls", "-l"]);
    }

    #[test]
    fn strsize_defaults_to_strace_s() {
        let cli = Cli::try_parse_from(["rtrace", "-p", "1"]).unwrap();
        assert_eq!(cli.strsize, 32);
    }
}

//! `-e trace=SET`: which syscalls print, as strace names them: syscall names, classes
//! (`%file`, `%desc`, `%network`, `%process`, `%memory`, `%signal`, `%ipc`, `%clock`,
//! and without the `%`, as strace still takes them; `%creds`, `%pure`, and the stat and
//! statfs families, `%stat`... `%%statfs`, only with it), `/REGEX` for the names it matches,
//! `?NAME` for a name that may not exist, `all`, `none`, a leading `!` for the
//! complement. And `-e signal=SET`, the signal lines to show, and `-e status=SET`, the
//! calls to show by how they returned. The classes come from the syscall
//! table's rows; the kernel skips the others at exit, so they cost no record.

use std::str::FromStr as _;

use rtrace_common::MAX_SYSCALLS;
use syscalls::Sysno;

use crate::decode::{
    SyscallEvent,
    table::{self, class},
};

/// One `-e` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Qualifier {
    Trace(TracedSet),
    Signal(SignalSet),
    Status(StatusSet),
    Quiet(QuietSet),
    /// `read=SET`: the descriptors whose data read is dumped.
    Read(FdSet),
    /// `write=SET`: the descriptors whose data written is dumped.
    Write(FdSet),
}

impl Qualifier {
    /// Parses `QUALIFIER=SET`, or a bare `SET` for `trace=`.
    ///
    /// # Errors
    /// An unknown qualifier, or a set it does not take.
    pub fn parse(expr: &str) -> Result<Self, String> {
        match expr.split_once('=') {
            Some(("signal" | "signals" | "s", value)) => {
                SignalSet::parse(value).map(Qualifier::Signal)
            }
            Some(("status", value)) => StatusSet::parse(value).map(Qualifier::Status),
            Some(("quiet" | "silent" | "silence" | "q", value)) => {
                QuietSet::parse(value).map(Qualifier::Quiet)
            }
            Some(("read" | "reads" | "r", value)) => FdSet::parse(value).map(Qualifier::Read),
            Some(("write" | "writes" | "w", value)) => FdSet::parse(value).map(Qualifier::Write),
            _ => TracedSet::parse(expr).map(Qualifier::Trace),
        }
    }

    /// The `trace=` set, if this is one.
    #[must_use]
    pub fn trace(&self) -> Option<&TracedSet> {
        match self {
            Qualifier::Trace(set) => Some(set),
            _ => None,
        }
    }

    /// The `quiet=` set, if this is one.
    #[must_use]
    pub fn quiet(&self) -> Option<QuietSet> {
        match self {
            Qualifier::Quiet(set) => Some(*set),
            _ => None,
        }
    }
}

/// The messages `-q` or `-e quiet=` leave out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuietSet {
    /// `Process N attached` and `detached`.
    pub attach: bool,
    /// `+++ exited with N +++` and `+++ killed by SIG +++`.
    pub exit: bool,
}

impl QuietSet {
    /// What `-q` (`attach`) or `-qq` (`exit` too) leave out, given how many.
    #[must_use]
    pub fn from_count(count: u8) -> Self {
        QuietSet {
            attach: count >= 1,
            exit: count >= 2,
        }
    }

    /// Parses strace's words: `attach`, `exit`, `all`, `none`, `!...`. The others
    /// (`personality`, `path-resolution`, `thread-execve`, `superseded`) are taken: they
    /// name messages rtrace never prints.
    ///
    /// # Errors
    /// Another word.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (negate, list) = items(value);
        let mut set = QuietSet::default();
        for item in list {
            match item {
                "all" => set = QuietSet::from_count(2),
                "none" | "personality" | "path-resolution" | "thread-execve" | "superseded" => {}
                "attach" => set.attach = true,
                "exit" | "exiting" => set.exit = true,
                _ => return Err(format!("invalid quiet '{item}'")),
            }
        }
        if negate {
            set = QuietSet {
                attach: !set.attach,
                exit: !set.exit,
            };
        }
        Ok(set)
    }

    /// Both sets' messages left out.
    #[must_use]
    pub fn or(self, other: QuietSet) -> Self {
        QuietSet {
            attach: self.attach || other.attach,
            exit: self.exit || other.exit,
        }
    }
}

/// Splits `!a,b` into the complement flag and the items.
fn items(value: &str) -> (bool, impl Iterator<Item = &str>) {
    let (negate, list) = match value.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    (negate, list.split(',').filter(|s| !s.is_empty()))
}

/// `-e read=SET`, `-e write=SET`: descriptors, by number, `all`, `none`, or a leading
/// `!` for the complement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FdSet {
    /// The numbers named, sorted.
    named: Vec<u32>,
    /// The set is every descriptor but those named.
    complement: bool,
}

impl FdSet {
    /// Parses `3,5`, `all`, `none`, `!...`.
    ///
    /// # Errors
    /// An item that is no descriptor number.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (negate, list) = items(value);
        let mut set = FdSet::default();
        for item in list {
            match item {
                "all" => set.complement = true,
                "none" => {}
                _ => {
                    let fd = item
                        .parse::<u32>()
                        .ok()
                        .filter(|&fd| i32::try_from(fd).is_ok())
                        .ok_or_else(|| format!("invalid descriptor '{item}'"))?;
                    set.named.push(fd);
                }
            }
        }
        if set.complement {
            set.named.clear();
        }
        set.named.sort_unstable();
        set.named.dedup();
        set.complement ^= negate;
        Ok(set)
    }

    /// Whether descriptor `fd` is in the set.
    #[must_use]
    pub fn contains(&self, fd: i32) -> bool {
        u32::try_from(fd).is_ok_and(|fd| self.named.binary_search(&fd).is_ok() != self.complement)
    }

    /// Whether no descriptor is in the set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.complement && self.named.is_empty()
    }

    /// The set as the kernel tells descriptors apart: bit `fd % 64` of word `fd / 64`
    /// below `rtrace_common::DUMP_FD_LIMIT`, and whether any from there up is in it.
    #[must_use]
    pub fn bitmap(&self) -> ([u64; rtrace_common::DUMP_FD_LIMIT / 64], bool) {
        let limit = rtrace_common::DUMP_FD_LIMIT;
        let mut words = [0u64; rtrace_common::DUMP_FD_LIMIT / 64];
        for fd in 0..limit {
            if self.contains(i32::try_from(fd).unwrap_or(i32::MAX)) {
                words[fd / 64] |= 1 << (fd % 64);
            }
        }
        let beyond = self.complement || self.named.last().is_some_and(|&fd| fd as usize >= limit);
        (words, beyond)
    }
}

/// `-e signal=SET`: the signals whose `--- SIG... ---` lines print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalSet {
    /// Indexed by signal number, 1 to 64.
    shown: [bool; 65],
}

impl Default for SignalSet {
    fn default() -> Self {
        SignalSet { shown: [true; 65] }
    }
}

impl SignalSet {
    /// Parses `SIGCHLD,USR1,10`, `all`, `none`, `!...`: names with or without `SIG`, in
    /// any case, or numbers.
    ///
    /// # Errors
    /// A name or number that is no signal.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (negate, list) = items(value);
        let mut shown = [false; 65];
        for item in list {
            match item {
                "all" => shown.fill(true),
                "none" => {}
                _ => {
                    let signo = crate::decode::signal::number(item)
                        .ok_or_else(|| format!("invalid signal '{item}'"))?;
                    shown[signo] = true;
                }
            }
        }
        if negate {
            for s in &mut shown {
                *s = !*s;
            }
        }
        Ok(SignalSet { shown })
    }

    /// Whether signal `signo`'s lines print.
    #[must_use]
    pub fn contains(&self, signo: i32) -> bool {
        usize::try_from(signo)
            .ok()
            .and_then(|s| self.shown.get(s))
            .copied()
            .unwrap_or(true)
    }
}

/// `-e status=SET`, `-z`, `-Z`: the calls that print, by how they returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "strace's status words, each shown or not"
)]
pub struct StatusSet {
    /// Returned without an error.
    pub successful: bool,
    /// Returned an error.
    pub failed: bool,
    /// Did not return (`exit_group`, or the process ended inside the call).
    pub unfinished: bool,
    /// In progress when rtrace detached.
    pub detached: bool,
}

impl Default for StatusSet {
    fn default() -> Self {
        StatusSet {
            successful: true,
            failed: true,
            unfinished: true,
            detached: true,
        }
    }
}

impl StatusSet {
    /// `-z`.
    pub const SUCCESSFUL: StatusSet = StatusSet {
        successful: true,
        failed: false,
        unfinished: false,
        detached: false,
    };
    /// `-Z`.
    pub const FAILED: StatusSet = StatusSet {
        successful: false,
        failed: true,
        unfinished: false,
        detached: false,
    };

    /// Parses `successful`, `failed`, `unfinished`, `detached`, `all`, `none`, `!...`
    /// (`unavailable` is taken, and matches nothing rtrace prints).
    ///
    /// # Errors
    /// Another word.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (negate, list) = items(value);
        let mut set = StatusSet {
            successful: false,
            failed: false,
            unfinished: false,
            detached: false,
        };
        for item in list {
            match item {
                "all" => set = StatusSet::default(),
                "none" | "unavailable" => {}
                "successful" => set.successful = true,
                "failed" => set.failed = true,
                "unfinished" => set.unfinished = true,
                "detached" => set.detached = true,
                _ => return Err(format!("invalid status '{item}'")),
            }
        }
        if negate {
            set = StatusSet {
                successful: !set.successful,
                failed: !set.failed,
                unfinished: !set.unfinished,
                detached: !set.detached,
            };
        }
        Ok(set)
    }

    /// Whether `ev`'s line prints.
    #[must_use]
    pub fn shows(self, ev: &SyscallEvent<'_>) -> bool {
        if !ev.returns {
            self.unfinished
        } else if ev.failed() {
            self.failed
        } else {
            self.successful
        }
    }
}

/// The syscalls to show, by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracedSet {
    traced: Vec<bool>,
}

impl Default for TracedSet {
    fn default() -> Self {
        TracedSet {
            traced: vec![true; MAX_SYSCALLS as usize],
        }
    }
}

fn class_named(name: &str) -> Option<u16> {
    Some(match name {
        "file" => class::FILE,
        "desc" => class::DESC,
        "network" | "net" => class::NETWORK,
        "process" => class::PROCESS,
        "memory" => class::MEMORY,
        "signal" => class::SIGNAL,
        "ipc" => class::IPC,
        "clock" => class::CLOCK,
        _ => return None,
    })
}

/// strace's narrower classes, by their calls: the credential calls, the calls that
/// always succeed without arguments, and the stat and statfs families (`%%stat`: all
/// of the stat ones). Only with their `%`.
fn calls_of_class(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "creds" => &[
            "getuid",
            "getgid",
            "setuid",
            "setgid",
            "geteuid",
            "getegid",
            "setreuid",
            "setregid",
            "getgroups",
            "setgroups",
            "setresuid",
            "getresuid",
            "setresgid",
            "getresgid",
            "setfsuid",
            "setfsgid",
            "capget",
            "capset",
            "prctl",
        ],
        "pure" => &[
            "getpid", "getuid", "getgid", "geteuid", "getegid", "getppid", "getpgrp", "gettid",
        ],
        "stat" => &["stat"],
        "lstat" => &["lstat"],
        "fstat" => &["fstat", "newfstatat", "statx"],
        "%stat" => &["stat", "fstat", "lstat", "newfstatat", "statx"],
        "statfs" => &["statfs"],
        "fstatfs" => &["fstatfs"],
        "%statfs" => &["ustat", "statfs", "fstatfs"],
        _ => return None,
    })
}

/// Adds the syscalls `item` names to `traced`.
fn add_item(traced: &mut [bool], item: &str) -> Result<(), String> {
    let mut add = |nr: usize| {
        if let Some(t) = traced.get_mut(nr) {
            *t = true;
        }
    };
    if let Some(pattern) = item.strip_prefix('/') {
        let regex = regex_lite::Regex::new(pattern)
            .map_err(|e| format!("invalid regular expression '{pattern}': {e}"))?;
        for sysno in Sysno::iter().filter(|s| regex.is_match(s.name())) {
            add(usize::try_from(sysno.id()).unwrap_or(usize::MAX));
        }
        return Ok(());
    }
    let (optional, name) = match item.strip_prefix('?') {
        Some(name) => (true, name),
        None => (false, item),
    };
    if let Ok(sysno) = Sysno::from_str(name) {
        add(usize::try_from(sysno.id()).unwrap_or(usize::MAX));
        return Ok(());
    }
    // A class: `%file`, or `file` as strace took it before the `%`.
    if let Some(bits) = class_named(name.strip_prefix('%').unwrap_or(name)) {
        for (nr, row) in table::table().iter().enumerate() {
            if row.as_ref().is_some_and(|r| r.def.class & bits != 0) {
                add(nr);
            }
        }
        return Ok(());
    }
    if let Some(calls) = name.strip_prefix('%').and_then(calls_of_class) {
        for sysno in calls.iter().filter_map(|c| Sysno::from_str(c).ok()) {
            add(usize::try_from(sysno.id()).unwrap_or(usize::MAX));
        }
        return Ok(());
    }
    if optional {
        return Ok(());
    }
    Err(format!("invalid system call '{item}'"))
}

impl TracedSet {
    /// Parses one `-e` expression (`trace=` may be left out, as strace allows).
    ///
    /// # Errors
    /// An unknown syscall, class or qualifier, worded as strace words it.
    pub fn parse(expr: &str) -> Result<Self, String> {
        let value = match expr.split_once('=') {
            Some(("trace" | "t", value)) => value,
            Some((qualifier, _)) => {
                return Err(format!(
                    "unsupported -e qualifier '{qualifier}' (rtrace knows trace=, signal=, status=, quiet=)"
                ));
            }
            None => expr,
        };
        let (negate, list) = items(value);
        let mut traced = vec![false; MAX_SYSCALLS as usize];
        for item in list {
            match item {
                "all" => traced.fill(true),
                "none" => {}
                _ => add_item(&mut traced, item)?,
            }
        }
        if negate {
            for t in &mut traced {
                *t = !*t;
            }
        }
        Ok(TracedSet { traced })
    }

    /// Intersects several `-e trace=` expressions (strace applies each in turn).
    #[must_use]
    pub fn and(mut self, other: &TracedSet) -> Self {
        for (a, b) in self.traced.iter_mut().zip(&other.traced) {
            *a &= *b;
        }
        self
    }

    /// The set with calls `nrs` in it too.
    #[must_use]
    pub fn with(mut self, nrs: impl IntoIterator<Item = u32>) -> Self {
        for nr in nrs {
            if let Some(traced) = self.traced.get_mut(nr as usize) {
                *traced = true;
            }
        }
        self
    }

    /// Whether calls of this number print.
    #[must_use]
    pub fn contains(&self, nr: u32) -> bool {
        self.traced.get(nr as usize).copied().unwrap_or(true)
    }

    /// The numbers the kernel need not send. Execs are always sent: a launched command
    /// is shown from its exec on, and rtrace must see it.
    pub fn skipped(&self) -> impl Iterator<Item = u32> + '_ {
        let execs =
            [Sysno::execve, Sysno::execveat].map(|s| u32::try_from(s.id()).unwrap_or(u32::MAX));
        (0..MAX_SYSCALLS).filter(move |&nr| !self.contains(nr) && !execs.contains(&nr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr(s: Sysno) -> u32 {
        u32::try_from(s.id()).unwrap()
    }

    #[test]
    fn names_and_classes() {
        let set = TracedSet::parse("trace=read,%network").unwrap();
        assert!(set.contains(nr(Sysno::read)));
        assert!(set.contains(nr(Sysno::connect)));
        assert!(set.contains(nr(Sysno::recvfrom)));
        assert!(!set.contains(nr(Sysno::write)));
        assert!(!set.contains(nr(Sysno::mmap)));
        let file = TracedSet::parse("%file").unwrap();
        assert!(file.contains(nr(Sysno::openat)));
        assert!(!file.contains(nr(Sysno::read)));
    }

    #[test]
    fn narrower_classes_by_their_calls() {
        let creds = TracedSet::parse("%creds").unwrap();
        assert!(creds.contains(nr(Sysno::setresuid)) && creds.contains(nr(Sysno::prctl)));
        assert!(!creds.contains(nr(Sysno::getpid)));
        let pure = TracedSet::parse("%pure").unwrap();
        assert!(pure.contains(nr(Sysno::getpid)) && pure.contains(nr(Sysno::getuid)));
        assert!(!pure.contains(nr(Sysno::setuid)));
        let stats = TracedSet::parse("%%stat").unwrap();
        for call in [
            Sysno::stat,
            Sysno::lstat,
            Sysno::fstat,
            Sysno::newfstatat,
            Sysno::statx,
        ] {
            assert!(stats.contains(nr(call)), "{call:?}");
        }
        assert!(!stats.contains(nr(Sysno::statfs)));
        let fstat = TracedSet::parse("%fstat").unwrap();
        assert!(fstat.contains(nr(Sysno::newfstatat)) && !fstat.contains(nr(Sysno::stat)));
        assert!(
            TracedSet::parse("%%statfs")
                .unwrap()
                .contains(nr(Sysno::ustat))
        );
        // Only with the `%`: `creds` is no syscall; `stat` is one.
        assert!(TracedSet::parse("creds").is_err());
        let stat = TracedSet::parse("stat").unwrap();
        assert!(stat.contains(nr(Sysno::stat)) && !stat.contains(nr(Sysno::lstat)));
    }

    #[test]
    fn negation_and_all() {
        let set = TracedSet::parse("trace=!futex,clock_gettime").unwrap();
        assert!(!set.contains(nr(Sysno::futex)));
        assert!(set.contains(nr(Sysno::read)));
        assert_eq!(TracedSet::parse("all").unwrap(), TracedSet::default());
        assert_eq!(
            TracedSet::parse("none").unwrap().skipped().count(),
            MAX_SYSCALLS as usize - 2
        );
    }

    #[test]
    fn legacy_classes_patterns_and_optional_names() {
        // `file` without the `%`, as strace still takes it.
        assert_eq!(
            TracedSet::parse("trace=file").unwrap(),
            TracedSet::parse("%file").unwrap()
        );
        assert_eq!(
            TracedSet::parse("network").unwrap(),
            TracedSet::parse("%network").unwrap()
        );
        // `/REGEX`: every name it matches, anywhere in the name.
        let open = TracedSet::parse("trace=/^open").unwrap();
        assert!(open.contains(nr(Sysno::open)));
        assert!(open.contains(nr(Sysno::openat)));
        assert!(open.contains(nr(Sysno::openat2)));
        assert!(!open.contains(nr(Sysno::close)));
        let stats = TracedSet::parse("/stat$").unwrap();
        assert!(stats.contains(nr(Sysno::stat)));
        assert!(stats.contains(nr(Sysno::fstat)));
        assert!(!stats.contains(nr(Sysno::newfstatat)));
        assert!(!stats.contains(nr(Sysno::statx)));
        // `?NAME`: a name this architecture lacks is no error.
        let set = TracedSet::parse("trace=?foo,read").unwrap();
        assert!(set.contains(nr(Sysno::read)));
        assert!(!set.contains(nr(Sysno::write)));
    }

    #[test]
    fn quiet_sets_as_straces() {
        let parse = |v: &str| match Qualifier::parse(v) {
            Ok(Qualifier::Quiet(set)) => Ok(set),
            Ok(_) => panic!("not a quiet set: {v}"),
            Err(e) => Err(e),
        };
        let set = |attach, exit| Ok(QuietSet { attach, exit });
        assert_eq!(parse("quiet=exit"), set(false, true));
        assert_eq!(parse("q=attach,personality"), set(true, false));
        assert_eq!(parse("silent=all"), set(true, true));
        assert_eq!(parse("quiet=!attach"), set(false, true));
        assert_eq!(parse("quiet=none"), set(false, false));
        assert_eq!(
            parse("quiet=bogus"),
            Err("invalid quiet 'bogus'".to_owned())
        );
        assert_eq!(
            QuietSet::from_count(1).or(QuietSet::from_count(0)),
            QuietSet::from_count(1)
        );
    }

    #[test]
    fn signal_and_status_sets() {
        let Ok(Qualifier::Signal(chld)) = Qualifier::parse("signal=SIGCHLD,usr1") else {
            panic!("not a signal set");
        };
        assert!(chld.contains(libc::SIGCHLD));
        assert!(chld.contains(libc::SIGUSR1));
        assert!(!chld.contains(libc::SIGALRM));
        let Ok(Qualifier::Signal(not_chld)) = Qualifier::parse("signal=!CHLD,34") else {
            panic!("not a signal set");
        };
        assert!(!not_chld.contains(libc::SIGCHLD));
        assert!(!not_chld.contains(34));
        assert!(not_chld.contains(libc::SIGUSR2));
        assert_eq!(
            Qualifier::parse("status=failed"),
            Ok(Qualifier::Status(StatusSet::FAILED))
        );
        assert_eq!(
            Qualifier::parse("status=!failed,unfinished"),
            Ok(Qualifier::Status(StatusSet {
                detached: true,
                ..StatusSet::SUCCESSFUL
            }))
        );
        assert_eq!(
            Qualifier::parse("status=detached"),
            Ok(Qualifier::Status(StatusSet {
                successful: false,
                failed: false,
                unfinished: false,
                detached: true,
            }))
        );
        assert_eq!(
            Qualifier::parse("status=oops").unwrap_err(),
            "invalid status 'oops'"
        );
        assert_eq!(
            Qualifier::parse("signal=SIGNOPE").unwrap_err(),
            "invalid signal 'SIGNOPE'"
        );
        assert!(matches!(Qualifier::parse("read"), Ok(Qualifier::Trace(_))));
    }

    #[test]
    fn descriptor_sets_as_strace_reads_them() {
        let Ok(Qualifier::Write(set)) = Qualifier::parse("write=5,3") else {
            panic!("not a write set")
        };
        assert!(set.contains(3) && set.contains(5) && !set.contains(4) && !set.contains(-1));
        let Ok(Qualifier::Read(set)) = Qualifier::parse("r=!3") else {
            panic!("not a read set")
        };
        assert!(!set.contains(3) && set.contains(0) && set.contains(70_000));
        let (words, beyond) = set.bitmap();
        assert_eq!((words[0], words[1], beyond), (!8, u64::MAX, true));
        assert!(FdSet::parse("none").unwrap().is_empty());
        assert!(FdSet::parse("!all").unwrap().is_empty());
        assert!(FdSet::parse("all").unwrap().contains(1 << 30));
        let (words, beyond) = FdSet::parse("65,5000").unwrap().bitmap();
        assert_eq!((words[0], words[1], beyond), (0, 2, true));
        assert_eq!(FdSet::parse("3,x").unwrap_err(), "invalid descriptor 'x'");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            TracedSet::parse("trace=reed").unwrap_err(),
            "invalid system call 'reed'"
        );
        assert_eq!(
            TracedSet::parse("%files").unwrap_err(),
            "invalid system call '%files'"
        );
        assert!(
            TracedSet::parse("/(")
                .unwrap_err()
                .starts_with("invalid regular expression '('")
        );
        assert!(
            TracedSet::parse("verbose=all")
                .unwrap_err()
                .contains("qualifier")
        );
    }
}

//! `-Y`: command names after pids, as strace prints them: `[pid  1234<php-fpm>]`,
//! `kill(1235<sleep>, SIGTERM)`, `getpid() = 1234<php-fpm>`, `si_pid=1235<sleep>`.
//!
//! strace reads `/proc/PID/comm` as it prints, while the process is stopped in the call.
//! A line here is decoded a moment after its call, when a traced process may have
//! changed its name or exited; so a traced task's name comes from the calls rtrace saw:
//! the name it had when first seen, its parent's at fork, the file an `execve` ran, the
//! name `prctl(PR_SET_NAME)` set. A process that exited keeps its name until a traced
//! parent reaps it (`wait4`), as a zombie keeps it in `/proc`; a thread's name goes with
//! its `+++` line. Pids of other processes are read from `/proc` when printed.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use rustc_hash::FxHashMap;

/// `TASK_COMM_LEN` less the NUL: the longest name the kernel keeps.
const COMM_MAX: usize = 15;

/// Exited processes kept for their parents' `wait4` past which the ones `/proc` no
/// longer shows are dropped (a parent that never reaps, or one not traced).
const EXITED_KEPT: usize = 1024;

/// A task's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Comm {
    bytes: [u8; COMM_MAX],
    len: u8,
    /// The task exited: its name stays for the lines about it until it is reaped.
    exited: bool,
}

impl Comm {
    fn new(name: &[u8]) -> Self {
        let name = &name[..name.len().min(COMM_MAX)];
        let mut bytes = [0; COMM_MAX];
        bytes[..name.len()].copy_from_slice(name);
        #[expect(clippy::cast_possible_truncation, reason = "at most COMM_MAX")]
        let len = name.len() as u8;
        Comm {
            bytes,
            len,
            exited: false,
        }
    }

    fn name(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The names of the traced tasks.
#[derive(Debug)]
pub struct Comms {
    /// What prints after a pid.
    shows: DecodePids,
    tasks: RefCell<FxHashMap<u32, Comm>>,
    /// The pid namespaces traced processes are in, when not rtrace's.
    namespaces: RefCell<Namespaces>,
    /// The process whose line prints: the pids in it are as its namespace numbers them.
    caller: Cell<u32>,
    /// The last task each thread made, until its fork's line names it.
    children: RefCell<FxHashMap<u32, u32>>,
}

/// What prints after a pid (`--decode-pids=comm,pidns`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodePids {
    /// `comm` (`-Y`): the process's name, `1234<php-fpm>`.
    pub names: bool,
    /// `pidns`: for a pid of another namespace, what it is in rtrace's,
    /// `1 /* 4321 in rtrace's PID NS */`.
    pub namespaces: bool,
}

impl Default for Comms {
    fn default() -> Self {
        Comms::new(DecodePids {
            names: true,
            namespaces: false,
        })
    }
}

/// Pid namespaces other than rtrace's (a container's, when rtrace runs outside it): a
/// process in one names pids as that namespace numbers them, `getpid() = 1`, and the
/// names are those of the processes the numbers are there.
#[derive(Debug, Default)]
struct Namespaces {
    /// A traced process's namespace (its `/proc/PID/ns/pid` inode), `None` for rtrace's.
    of: FxHashMap<u32, Option<u64>>,
    /// (namespace, pid there) -> pid in rtrace's.
    here: FxHashMap<(u64, u32), u32>,
}

impl Comms {
    /// Pids print with what `shows` says.
    #[must_use]
    pub fn new(shows: DecodePids) -> Self {
        Comms {
            shows,
            tasks: RefCell::default(),
            namespaces: RefCell::default(),
            caller: Cell::default(),
            children: RefCell::default(),
        }
    }

    /// Whether pids print with their processes' names (`-Y`).
    #[must_use]
    pub fn names(&self) -> bool {
        self.shows.names
    }

    /// Writes `<NAME>` for traced task `tid`, learning its name from `/proc` the first
    /// time; nothing when it cannot be known.
    pub fn write_task(&self, out: &mut Vec<u8>, tid: u32) {
        let mut tasks = self.tasks.borrow_mut();
        if let Some(comm) = tasks.get(&tid) {
            write_angled(out, comm.name());
        } else if let Some(name) = read_comm(tid) {
            let comm = Comm::new(&name);
            write_angled(out, comm.name());
            tasks.insert(tid, comm);
        }
    }

    /// The lines that print next are process `tgid`'s: their pids are as its
    /// namespace numbers them.
    pub fn calling(&self, tgid: u32) {
        self.caller.set(tgid);
        self.namespace_of(tgid);
    }

    /// Process `tgid`'s pid namespace when it is not rtrace's, read from `/proc` the
    /// first time (and not known, as rtrace's, when it cannot be read).
    fn namespace_of(&self, tgid: u32) -> Option<u64> {
        if tgid == 0 {
            return None;
        }
        if let Some(&ns) = self.namespaces.borrow().of.get(&tgid) {
            return ns;
        }
        let (ns, there) = read_namespace(tgid)?;
        let mut namespaces = self.namespaces.borrow_mut();
        namespaces.of.insert(tgid, ns);
        if let Some(ns) = ns {
            namespaces.here.insert((ns, there), tgid);
        }
        ns
    }

    /// Pid `pid` as the calling process names it, as rtrace's namespace numbers it;
    /// `None` when no process rtrace can see has it.
    fn here(&self, pid: u32) -> Option<u32> {
        let Some(ns) = self.namespace_of(self.caller.get()) else {
            return Some(pid);
        };
        if let Some(&here) = self.namespaces.borrow().here.get(&(ns, pid)) {
            return Some(here);
        }
        let here = find_in_namespace(ns, pid)?;
        self.namespaces.borrow_mut().here.insert((ns, pid), here);
        Some(here)
    }

    /// Writes what follows a pid a call names or returns: `<NAME>` (a traced task's
    /// name, else the one `/proc` shows now; nothing for a pid no process has), and for
    /// a pid of another namespace, ` /* N in rtrace's PID NS */`.
    pub fn write_pid(&self, out: &mut Vec<u8>, pid: u32) {
        let Some(here) = self.here(pid) else {
            return;
        };
        if self.shows.names {
            if let Some(comm) = self.tasks.borrow().get(&here) {
                write_angled(out, comm.name());
            } else if let Some(name) = read_comm(here) {
                write_angled(out, &name[..name.len().min(COMM_MAX)]);
            }
        }
        if self.shows.namespaces && here != pid {
            out.extend_from_slice(b" /* ");
            super::text::decimal(out, here);
            out.extend_from_slice(b" in rtrace's PID NS */");
        }
    }

    /// A task took a name: it ran a file (`execve`) or set one (`prctl`).
    pub fn named(&self, tid: u32, name: &[u8]) {
        self.tasks.borrow_mut().insert(tid, Comm::new(name));
    }

    /// A task's name is not known any more: `/proc` tells it when next needed.
    pub fn forget(&self, tid: u32) {
        self.tasks.borrow_mut().remove(&tid);
    }

    /// The fork thread `parent` made returned `pid`: its last child, as the calling
    /// process's namespace numbers it (learned here for a child gone before `/proc`
    /// could tell).
    pub fn made(&self, parent: u32, pid: u32) {
        let Some(child) = self.children.borrow_mut().remove(&parent) else {
            return;
        };
        if let Some(ns) = self.namespace_of(self.caller.get()) {
            self.namespaces.borrow_mut().here.insert((ns, pid), child);
        }
    }

    /// A task made another: the child starts with its maker's name, in its maker's
    /// namespace unless `/proc` tells another (a fork after `unshare(CLONE_NEWPID)`).
    pub fn forked(&self, parent: u32, child: u32) {
        self.children.borrow_mut().insert(parent, child);
        self.namespace_of(child);
        if !self.namespaces.borrow().of.contains_key(&child) {
            // Gone already: in its maker's.
            let ns = self.namespace_of(parent);
            self.namespaces.borrow_mut().of.insert(child, ns);
        }
        let mut tasks = self.tasks.borrow_mut();
        let comm = match tasks.get(&parent) {
            Some(comm) => Some(*comm),
            None => read_comm(parent).map(|name| Comm::new(&name)),
        };
        if let Some(comm) = comm {
            tasks.insert(
                child,
                Comm {
                    exited: false,
                    ..comm
                },
            );
        }
    }

    /// Task `tid` of `process` had its `+++` line written. A thread is gone; a process
    /// keeps its name, as a zombie, until [`Self::reaped`].
    pub fn exited(&self, tid: u32, process: u32) {
        let mut tasks = self.tasks.borrow_mut();
        if tid != process {
            tasks.remove(&tid);
            return;
        }
        if let Some(comm) = tasks.get_mut(&tid) {
            comm.exited = true;
        }
        if tasks.len() > EXITED_KEPT && tasks.values().filter(|c| c.exited).count() > EXITED_KEPT {
            tasks.retain(|&pid, c| !c.exited || proc_shows(pid));
        }
    }

    /// A traced parent's `wait4` returned `pid`: the zombie is gone.
    pub fn reaped(&self, pid: u32) {
        let Some(pid) = self.here(pid) else {
            return;
        };
        let mut namespaces = self.namespaces.borrow_mut();
        namespaces.of.remove(&pid);
        namespaces.here.retain(|_, &mut here| here != pid);
        drop(namespaces);
        let mut tasks = self.tasks.borrow_mut();
        if tasks.get(&pid).is_some_and(|c| c.exited) {
            tasks.remove(&pid);
        }
    }

    /// The names known (for tests).
    #[cfg(test)]
    fn known(&self) -> usize {
        self.tasks.borrow().len()
    }
}

thread_local! {
    /// The names `-Y` prints, when it is given. Pids print deep inside the printers of
    /// structs (a `siginfo_t` in a signal line, in `waitid`, in `rt_sigtimedwait`);
    /// like the constants' style ([`super::text::use_style`]), the table is set once
    /// for the thread that decodes rather than passed to each of them.
    static COMMS: RefCell<Option<Rc<Comms>>> = const { RefCell::new(None) };
}

/// Makes pids print with their names on this thread (`-Y`), or not (`None`).
pub fn install(comms: Option<Rc<Comms>>) {
    COMMS.with(|c| *c.borrow_mut() = comms);
}

/// Writes a pid, with `<NAME>` after it under `-Y`. Only a positive pid names a
/// process: 0 and -1 do not, nor a negative process group.
pub fn write_pid(out: &mut Vec<u8>, pid: i64) {
    super::text::decimal(out, pid);
    let Ok(pid) = u32::try_from(pid) else { return };
    if pid == 0 {
        return;
    }
    COMMS.with(|c| {
        if let Some(comms) = &*c.borrow() {
            comms.write_pid(out, pid);
        }
    });
}

fn write_angled(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'<');
    out.extend_from_slice(name);
    out.push(b'>');
}

/// `/proc/PID/comm` without its newline.
fn read_comm(pid: u32) -> Option<Vec<u8>> {
    let mut name = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    if name.last() == Some(&b'\n') {
        name.pop();
    }
    Some(name)
}

/// Process `pid`'s pid namespace (`None`: rtrace's) and its pid there, from
/// `/proc/PID/status` (`NSpid:`, from rtrace's namespace in) and `/proc/PID/ns/pid`.
fn read_namespace(pid: u32) -> Option<(Option<u64>, u32)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let nspid: Vec<u32> = status
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let &there = nspid.last()?;
    if nspid.len() < 2 {
        return Some((None, there));
    }
    let link = std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok()?;
    let inode = link
        .to_str()?
        .strip_prefix("pid:[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    Some((Some(inode), there))
}

/// The process of namespace `ns` that is `pid` there, found in `/proc`.
fn find_in_namespace(ns: u64, pid: u32) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|&here| read_namespace(here) == Some((Some(ns), pid)))
}

fn proc_shows(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Whether `-Y` needs call `nr` even where `-e trace=` hides it: it names a task or
/// reaps one. (Execs always come.)
#[must_use]
pub fn tracks(nr: u32) -> bool {
    [
        syscalls::Sysno::prctl,
        syscalls::Sysno::wait4,
        syscalls::Sysno::waitid,
    ]
    .iter()
    .any(|s| u32::try_from(s.id()) == Ok(nr))
}

/// The name `execve` gives a process: the last part of the path it ran.
#[must_use]
pub fn exec_name(path: &[u8]) -> &[u8] {
    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    &base[..base.len().min(COMM_MAX)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(comms: &Comms, tid: u32) -> String {
        let mut out = Vec::new();
        comms.write_task(&mut out, tid);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn names_follow_fork_exec_and_prctl() {
        let comms = Comms::default();
        comms.named(100, b"sh");
        comms.forked(100, 101);
        assert_eq!(task(&comms, 101), "<sh>");
        comms.named(101, exec_name(b"/usr/lib/php/php-fpm8.2-worker-pool"));
        assert_eq!(task(&comms, 101), "<php-fpm8.2-work>");
        assert_eq!(task(&comms, 100), "<sh>");
    }

    #[test]
    fn a_zombie_keeps_its_name_until_reaped_and_a_thread_goes_at_once() {
        let comms = Comms::default();
        comms.named(200, b"worker");
        comms.forked(200, 201);
        comms.exited(201, 200);
        assert_eq!(comms.known(), 1, "a thread's name goes with it");
        comms.exited(200, 200);
        let mut out = Vec::new();
        comms.write_pid(&mut out, 200);
        assert_eq!(out, b"<worker>");
        comms.reaped(200);
        assert_eq!(comms.known(), 0);
    }

    #[test]
    fn pids_print_with_names_only_under_y() {
        let mut out = Vec::new();
        write_pid(&mut out, 1);
        assert_eq!(out, b"1");
        let comms = Rc::new(Comms::default());
        comms.named(4242, b"php-fpm");
        install(Some(comms));
        for (pid, shown) in [(4242, "4242<php-fpm>"), (0, "0"), (-1, "-1")] {
            let mut out = Vec::new();
            write_pid(&mut out, pid);
            assert_eq!(String::from_utf8(out).unwrap(), shown);
        }
        install(None);
    }

    #[test]
    fn other_processes_are_read_from_proc() {
        let comms = Comms::default();
        let mut out = Vec::new();
        comms.write_pid(&mut out, std::process::id());
        let mine = read_comm(std::process::id()).unwrap();
        assert_eq!(out, [b"<".as_slice(), &mine, b">"].concat());
    }
}

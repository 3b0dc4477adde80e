//! `-y`: the path behind each file descriptor, as strace prints it: `read(3</etc/passwd>,
//! ...`. A line is decoded a moment after its call, when the process may have closed
//! the descriptor, reused its number or exited; so what a descriptor is comes from the
//! calls rtrace saw wherever they tell it: the opened path (made absolute against the
//! process's directory), the anonymous file an `eventfd` or `epoll_create` makes, the
//! descriptor a `dup` copies, a removed or renamed name, and for pipes and sockets the
//! inode number the kernel read as the call returned. `/proc/PID/fd` serves for
//! descriptors opened before (and, on a kernel without BTF, for pipes and sockets, only
//! while it still shows one). Closes and execs forget them.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    fs,
    os::unix::ffi::OsStrExt as _,
    path::{Path, PathBuf},
};

use syscalls::Sysno;

use super::sockets::{Sockets, socket_inode};

/// What each traced process's descriptors point to.
#[derive(Debug, Default)]
pub struct FdPaths {
    known: RefCell<HashMap<(u32, i32), Vec<u8>>>,
    /// Descriptors a call made whose file `/proc` no longer showed when the call was
    /// decoded: they print bare until closed, rather than as a later file.
    unknown: RefCell<HashSet<(u32, i32)>>,
    /// Each process's working directory, as last learned (`/proc`, fork, chdir).
    cwds: RefCell<HashMap<u32, Vec<u8>>>,
    /// `-yy`: sockets show what they are connected to.
    sockets: Option<Sockets>,
    /// `-yy`: the process each pidfd refers to.
    pidfds: RefCell<HashMap<(u32, i32), u32>>,
    /// `-yy`: what each device path is (`char 1:3`), or `None` for other files.
    devices: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
}

/// Where a descriptor a call returned comes from, as the call itself tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewFd {
    /// An open: the file is the path the call names.
    Opened,
    /// An anonymous file: the kernel names it so in `/proc` (`anon_inode:[eventfd]`).
    Anonymous(&'static str),
    /// A copy of descriptor `fd` (`dup`, `dup2`, `dup3`, `fcntl(F_DUPFD)`).
    Duplicate(i32),
    /// A pidfd of process `pid` (`-yy` shows `pid:N`).
    Pidfd(u32),
    /// A `memfd_create`: `/memfd:NAME (deleted)`.
    Memfd,
    /// A pipe or socket, `/proc` names it `PREFIX[INODE]` (`socket:[N]`). The kernel
    /// tells the inode number (0: it could not), or else `/proc` at decode time, if it
    /// still shows a file of that kind.
    Kind { prefix: &'static str, inode: u32 },
    /// A socket `socket` made, found as [`NewFd::Kind`]: without an address yet. With
    /// the call's arguments: its family, type and protocol.
    Socket { inode: u32, args: [u64; 3] },
}

/// `fcntl` commands that return a new descriptor: `F_DUPFD`, `F_DUPFD_CLOEXEC`.
const FCNTL_DUPFD: [u64; 2] = [0, 1030];

/// What a successful call that returned a descriptor made, or `None` when it returns
/// none.
#[must_use]
#[expect(
    clippy::cast_possible_truncation,
    reason = "descriptor and pid arguments are C ints"
)]
pub fn new_fd(ev: &super::SyscallEvent<'_>) -> Option<NewFd> {
    let nr = i64::from(ev.nr);
    let is = |calls: &[Sysno]| calls.iter().any(|s| i64::from(s.id()) == nr);
    Some(
        if is(&[Sysno::open, Sysno::openat, Sysno::openat2, Sysno::creat]) {
            NewFd::Opened
        } else if is(&[Sysno::dup, Sysno::dup2, Sysno::dup3]) {
            NewFd::Duplicate(ev.args[0] as i32)
        } else if is(&[Sysno::fcntl]) {
            if !FCNTL_DUPFD.contains(&(ev.args[1] & 0xffff_ffff)) {
                return None;
            }
            NewFd::Duplicate(ev.args[0] as i32)
        } else if is(&[Sysno::socket]) {
            NewFd::Socket {
                inode: ev.made_inode,
                args: [ev.args[0], ev.args[1], ev.args[2]],
            }
        } else if is(&[Sysno::accept, Sysno::accept4]) {
            NewFd::Kind {
                prefix: "socket:",
                inode: ev.made_inode,
            }
        } else if is(&[Sysno::pidfd_open]) {
            NewFd::Pidfd(ev.args[0] as u32)
        } else if is(&[Sysno::memfd_create]) {
            NewFd::Memfd
        } else if is(&[Sysno::signalfd, Sysno::signalfd4]) {
            // Given a descriptor, signalfd changes it and returns it.
            if ev.args[0] & 0xffff_ffff != 0xffff_ffff {
                return None;
            }
            NewFd::Anonymous("anon_inode:[signalfd]")
        } else {
            NewFd::Anonymous(anonymous_name(nr)?)
        },
    )
}

/// Calls that change what descriptors or the working directory name (or, for `-yy`, a
/// socket's addresses). With `-y`, the kernel sends them even when `-e trace=` hides
/// them, so that the paths of the calls shown stay right. (With those that make the
/// anonymous files of [`anonymous_name`].)
const DESCRIPTOR_CALLS: [Sysno; 30] = [
    Sysno::open,
    Sysno::openat,
    Sysno::openat2,
    Sysno::creat,
    Sysno::dup,
    Sysno::dup2,
    Sysno::dup3,
    Sysno::fcntl,
    Sysno::socket,
    Sysno::accept,
    Sysno::accept4,
    Sysno::socketpair,
    Sysno::pipe,
    Sysno::pipe2,
    Sysno::pidfd_open,
    Sysno::memfd_create,
    Sysno::signalfd,
    Sysno::signalfd4,
    Sysno::close,
    Sysno::unlink,
    Sysno::unlinkat,
    Sysno::rename,
    Sysno::renameat,
    Sysno::renameat2,
    Sysno::chdir,
    Sysno::fchdir,
    Sysno::bind,
    Sysno::connect,
    Sysno::listen,
    Sysno::shutdown,
];

/// Whether `-y` needs to see calls of this number, shown or not.
#[must_use]
pub fn tracks(nr: u32) -> bool {
    let nr = i64::from(nr);
    DESCRIPTOR_CALLS.iter().any(|s| i64::from(s.id()) == nr) || anonymous_name(nr).is_some()
}

/// The `/proc` name of the anonymous file a call makes (`fs/anon_inodes.c` callers).
fn anonymous_name(nr: i64) -> Option<&'static str> {
    const NAMES: [(Sysno, &str); 10] = [
        (Sysno::epoll_create, "anon_inode:[eventpoll]"),
        (Sysno::epoll_create1, "anon_inode:[eventpoll]"),
        (Sysno::eventfd, "anon_inode:[eventfd]"),
        (Sysno::eventfd2, "anon_inode:[eventfd]"),
        (Sysno::timerfd_create, "anon_inode:[timerfd]"),
        (Sysno::inotify_init, "anon_inode:inotify"),
        (Sysno::inotify_init1, "anon_inode:inotify"),
        (Sysno::fanotify_init, "anon_inode:[fanotify]"),
        (Sysno::userfaultfd, "anon_inode:[userfaultfd]"),
        (Sysno::io_uring_setup, "anon_inode:[io_uring]"),
    ];
    NAMES
        .iter()
        .find(|(s, _)| i64::from(s.id()) == nr)
        .map(|&(_, name)| name)
}

/// `/proc`'s mark after the path of a file whose last name was removed.
const DELETED: &[u8] = b" (deleted)";

/// Splits `path (deleted)` into the path and whether it was deleted; strace prints
/// `</tmp/x>(deleted)`.
#[must_use]
pub fn split_deleted(path: &[u8]) -> (&[u8], bool) {
    match path.strip_suffix(DELETED) {
        Some(p) => (p, true),
        None => (path, false),
    }
}

/// The name of a pidfd in `/proc`.
const PIDFD: &[u8] = b"anon_inode:[pidfd]";

fn readlink(path: &str) -> Option<Vec<u8>> {
    fs::read_link(path)
        .ok()
        .map(|p| p.as_os_str().as_bytes().to_vec())
}

impl FdPaths {
    /// `-yy`: paths, and sockets described by their addresses.
    #[must_use]
    pub fn with_sockets() -> Self {
        FdPaths {
            sockets: Some(Sockets::default()),
            ..FdPaths::default()
        }
    }

    /// Whether sockets are described (`-yy`).
    #[must_use]
    pub fn describes_sockets(&self) -> bool {
        self.sockets.is_some()
    }

    /// With `-yy`, where to find what the kernel kept of the sockets `accept` made.
    pub fn set_kept_sockets(&self, kept: super::sockets::KeptSockets) {
        if let Some(sockets) = &self.sockets {
            sockets.set_kept(kept);
        }
    }

    /// What `fd` prints as after its number: its path, or with `-yy`, for a socket,
    /// its protocol and addresses, for a device its numbers (`/dev/null<char 1:3>`), for
    /// a pidfd its process (`pid:1234`).
    #[must_use]
    pub fn shown(&self, tgid: u32, fd: i32) -> Option<Vec<u8>> {
        let path = self.path(tgid, fd)?;
        let Some(sockets) = &self.sockets else {
            return Some(path);
        };
        if let Some(inode) = socket_inode(&path) {
            return Some(sockets.describe(tgid, fd, inode).unwrap_or(path));
        }
        if path == PIDFD {
            if let Some(pid) = self.pidfd_target(tgid, fd) {
                return Some(format!("pid:{pid}").into_bytes());
            }
            return Some(path);
        }
        let (name, deleted) = split_deleted(&path);
        if !deleted
            && name.first() == Some(&b'/')
            && let Some(device) = self.device(name)
        {
            let mut shown = path.clone();
            shown.push(b'<');
            shown.extend_from_slice(&device);
            shown.push(b'>');
            return Some(shown);
        }
        Some(path)
    }

    /// The process a pidfd refers to: as opened while traced, or from `/proc`.
    fn pidfd_target(&self, tgid: u32, fd: i32) -> Option<u32> {
        if let Some(&pid) = self.pidfds.borrow().get(&(tgid, fd)) {
            return Some(pid);
        }
        let info = fs::read_to_string(format!("/proc/{tgid}/fdinfo/{fd}")).ok()?;
        let pid = info
            .lines()
            .find_map(|l| l.strip_prefix("Pid:")?.trim().parse().ok())?;
        self.pidfds.borrow_mut().insert((tgid, fd), pid);
        Some(pid)
    }

    /// `char MAJOR:MINOR` or `block MAJOR:MINOR` for a device file, as strace's `-yy`.
    fn device(&self, path: &[u8]) -> Option<Vec<u8>> {
        if let Some(known) = self.devices.borrow().get(path) {
            return known.clone();
        }
        let kind = fs::metadata(std::ffi::OsStr::from_bytes(path))
            .ok()
            .and_then(|meta| {
                use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
                let kind = if meta.file_type().is_char_device() {
                    "char"
                } else if meta.file_type().is_block_device() {
                    "block"
                } else {
                    return None;
                };
                let rdev = meta.rdev();
                Some(format!("{kind} {}:{}", libc::major(rdev), libc::minor(rdev)).into_bytes())
            });
        self.devices
            .borrow_mut()
            .insert(path.to_vec(), kind.clone());
        kind
    }

    /// A call on socket `fd` returned that may have changed its addresses (`bind`,
    /// `connect`, `listen`, `shutdown`).
    /// Only a path already known counts: a socket described at all was described
    /// through it, and a close need not read `/proc` for a descriptor now gone.
    pub fn socket_changed(&self, tgid: u32, fd: i32) {
        if let Some(sockets) = &self.sockets
            && let Some(inode) = self
                .known
                .borrow()
                .get(&(tgid, fd))
                .and_then(|p| socket_inode(p))
        {
            sockets.forget(inode);
        }
    }

    /// The path of `fd` in process `tgid`, if known or still open.
    #[must_use]
    pub fn path(&self, tgid: u32, fd: i32) -> Option<Vec<u8>> {
        if fd < 0 {
            return None;
        }
        if let Some(p) = self.known.borrow().get(&(tgid, fd)) {
            return Some(p.clone());
        }
        if self.unknown.borrow().contains(&(tgid, fd)) {
            return None;
        }
        let p = readlink(&format!("/proc/{tgid}/fd/{fd}"))?;
        self.known.borrow_mut().insert((tgid, fd), p.clone());
        Some(p)
    }

    /// The directory `AT_FDCWD` means for `tgid`.
    #[must_use]
    pub fn cwd(&self, tgid: u32) -> Option<Vec<u8>> {
        if let Some(cwd) = self.cwds.borrow().get(&tgid) {
            return Some(cwd.clone());
        }
        let cwd = readlink(&format!("/proc/{tgid}/cwd"))?;
        self.cwds.borrow_mut().insert(tgid, cwd.clone());
        Some(cwd)
    }

    /// A command rtrace launched: it starts in our directory with our stdin, stdout
    /// and stderr.
    pub fn launched(&self, tgid: u32) {
        if let Some(cwd) = readlink("/proc/self/cwd") {
            self.cwds.borrow_mut().insert(tgid, cwd);
        }
        for fd in 0..3 {
            if let Some(p) = readlink(&format!("/proc/self/fd/{fd}")) {
                self.known.borrow_mut().insert((tgid, fd), p);
            }
        }
    }

    /// `path` made absolute against `dirfd` (or the working directory).
    fn absolute(&self, tgid: u32, dirfd: i32, path: &[u8]) -> Option<Vec<u8>> {
        if path.first() == Some(&b'/') {
            return Some(path.to_vec());
        }
        let base = if dirfd == libc::AT_FDCWD {
            self.cwd(tgid)
        } else {
            self.path(tgid, dirfd)
        }?;
        let joined: PathBuf = Path::new(std::ffi::OsStr::from_bytes(&base)).join(
            std::ffi::OsStr::from_bytes(path.strip_prefix(b"./").unwrap_or(path)),
        );
        Some(joined.as_os_str().as_bytes().to_vec())
    }

    /// A successful `chdir(path)`.
    pub fn changed_dir(&self, tgid: u32, path: &[u8]) {
        if let Some(cwd) = self.absolute(tgid, libc::AT_FDCWD, path) {
            self.cwds.borrow_mut().insert(tgid, cwd);
        }
    }

    /// A successful `fchdir(fd)`.
    pub fn changed_dir_to_fd(&self, tgid: u32, fd: i32) {
        if let Some(cwd) = self.path(tgid, fd) {
            self.cwds.borrow_mut().insert(tgid, cwd);
        }
    }

    /// A child inherits its parent's descriptors and directory.
    pub fn forked(&self, parent: u32, child: u32) {
        if let Some(cwd) = self.cwd(parent) {
            self.cwds.borrow_mut().insert(child, cwd);
        }
        let inherited: Vec<(i32, Vec<u8>)> = self
            .known
            .borrow()
            .iter()
            .filter(|((t, _), _)| *t == parent)
            .map(|((_, fd), p)| (*fd, p.clone()))
            .collect();
        let mut known = self.known.borrow_mut();
        for (fd, p) in inherited {
            known.insert((child, fd), p);
        }
        let unknown: Vec<i32> = (self.unknown.borrow().iter())
            .filter(|(t, _)| *t == parent)
            .map(|&(_, fd)| fd)
            .collect();
        self.unknown
            .borrow_mut()
            .extend(unknown.into_iter().map(|fd| (child, fd)));
        let pidfds: Vec<(i32, u32)> = (self.pidfds.borrow().iter())
            .filter(|((t, _), _)| *t == parent)
            .map(|(&(_, fd), &pid)| (fd, pid))
            .collect();
        self.pidfds
            .borrow_mut()
            .extend(pidfds.into_iter().map(|(fd, pid)| ((child, fd), pid)));
    }

    /// Records that `fd` was opened as `path` (relative to `dirfd`, or to the current
    /// directory when `dirfd` is `AT_FDCWD`).
    /// The kernel names a descriptor by its file's real path: the opened path with
    /// symlinks resolved. Only when it cannot be made absolute does the process's own
    /// `/proc` entry serve: by the time the record is decoded, the number may already
    /// name another file.
    pub fn opened(&self, tgid: u32, fd: i32, dirfd: i32, path: &[u8]) {
        let real = self
            .absolute(tgid, dirfd, path)
            .map(|full| {
                fs::canonicalize(std::ffi::OsStr::from_bytes(&full))
                    .map_or(full, |p| p.as_os_str().as_bytes().to_vec())
            })
            .or_else(|| readlink(&format!("/proc/{tgid}/fd/{fd}")));
        if let Some(real) = real {
            self.known.borrow_mut().insert((tgid, fd), real);
        }
    }

    /// Records what a call that returned `fd` made, when the call tells it; a
    /// descriptor it does not tell (`socket`, `accept`) is read from `/proc` as long as
    /// it is still of the kind the call makes.
    pub fn created(&self, tgid: u32, fd: i32, made: NewFd, memfd_name: Option<&[u8]>) {
        let path = match made {
            NewFd::Opened => return,
            NewFd::Anonymous(name) => name.as_bytes().to_vec(),
            NewFd::Duplicate(old) => match self.path(tgid, old) {
                Some(p) => {
                    let pid = self.pidfds.borrow().get(&(tgid, old)).copied();
                    if let Some(pid) = pid {
                        self.pidfds.borrow_mut().insert((tgid, fd), pid);
                    }
                    p
                }
                None => return,
            },
            NewFd::Pidfd(pid) => {
                self.pidfds.borrow_mut().insert((tgid, fd), pid);
                PIDFD.to_vec()
            }
            NewFd::Memfd => match memfd_name {
                Some(name) => [b"/memfd:", name, DELETED].concat(),
                None => return,
            },
            NewFd::Kind { prefix, inode } => {
                self.made_of_kind(tgid, fd, prefix, inode);
                return;
            }
            NewFd::Socket { inode, args } => {
                self.made_of_kind(tgid, fd, "socket:", inode);
                let made = self
                    .known
                    .borrow()
                    .get(&(tgid, fd))
                    .and_then(|p| socket_inode(p));
                if let (Some(sockets), Some(inode)) = (&self.sockets, made) {
                    sockets.made(tgid, fd, inode, args);
                }
                return;
            }
        };
        self.known.borrow_mut().insert((tgid, fd), path);
    }

    /// Learns a pipe or socket a call just made: `PREFIX[INODE]` (`pipe:[N]`) when the
    /// kernel told the inode number, else from `/proc` if it still names a file of
    /// that kind (decoded a moment after the call, the number may already have been
    /// closed and given to another file). Otherwise it stays unknown.
    pub fn made_of_kind(&self, tgid: u32, fd: i32, prefix: &str, inode: u32) {
        self.forget(tgid, fd);
        let path = if inode != 0 {
            Some(format!("{prefix}[{inode}]").into_bytes())
        } else {
            readlink(&format!("/proc/{tgid}/fd/{fd}")).filter(|p| p.starts_with(prefix.as_bytes()))
        };
        match path {
            Some(p) => {
                self.known.borrow_mut().insert((tgid, fd), p);
            }
            None => {
                self.unknown.borrow_mut().insert((tgid, fd));
            }
        }
    }

    /// A successful `unlink` or `rename` of `path`: descriptors open on it now show
    /// it as `/proc` does, deleted, or under its new name.
    pub fn removed(&self, tgid: u32, dirfd: i32, path: &[u8], renamed_to: Option<(i32, &[u8])>) {
        let Some(old) = self.absolute_existing_dir(tgid, dirfd, path) else {
            return;
        };
        let new = match renamed_to {
            Some((dirfd, to)) => match self.absolute_existing_dir(tgid, dirfd, to) {
                Some(new) => new,
                None => return,
            },
            None => [&old[..], DELETED].concat(),
        };
        for p in self.known.borrow_mut().values_mut() {
            if *p == old {
                p.clone_from(&new);
            }
        }
    }

    /// `path` made absolute, its directory's symlinks resolved (the file itself may be
    /// gone).
    fn absolute_existing_dir(&self, tgid: u32, dirfd: i32, path: &[u8]) -> Option<Vec<u8>> {
        let full = self.absolute(tgid, dirfd, path)?;
        let full = Path::new(std::ffi::OsStr::from_bytes(&full));
        let (Some(dir), Some(name)) = (full.parent(), full.file_name()) else {
            return Some(full.as_os_str().as_bytes().to_vec());
        };
        let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        Some(dir.join(name).as_os_str().as_bytes().to_vec())
    }

    /// Forgets `fd` (closed, or about to be replaced).
    pub fn forget(&self, tgid: u32, fd: i32) {
        self.socket_changed(tgid, fd);
        self.known.borrow_mut().remove(&(tgid, fd));
        self.unknown.borrow_mut().remove(&(tgid, fd));
        self.pidfds.borrow_mut().remove(&(tgid, fd));
    }

    /// Forgets every descriptor of `tgid` (it exited).
    pub fn forget_process(&self, tgid: u32) {
        self.known.borrow_mut().retain(|&(t, _), _| t != tgid);
        self.unknown.borrow_mut().retain(|&(t, _)| t != tgid);
        self.pidfds.borrow_mut().retain(|&(t, _), _| t != tgid);
        self.cwds.borrow_mut().remove(&tgid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_are_made_absolute_and_closes_forget() {
        let paths = FdPaths::default();
        let me = std::process::id();
        paths.opened(me, 1000, libc::AT_FDCWD, b"/etc/passwd");
        assert_eq!(paths.path(me, 1000).unwrap(), b"/etc/passwd");
        paths.opened(me, 1001, 1000, b"x");
        assert_eq!(paths.path(me, 1001).unwrap(), b"/etc/passwd/x");
        paths.forget(me, 1000);
        // Not open in this process either: unknown.
        assert!(paths.path(me, 1000).is_none());
        let cwd = std::env::current_dir().unwrap();
        paths.opened(me, 1002, libc::AT_FDCWD, b"./data");
        assert_eq!(
            paths.path(me, 1002).unwrap(),
            cwd.join("data").as_os_str().as_bytes()
        );
    }

    #[test]
    fn open_descriptors_are_read_from_proc() {
        use std::os::fd::AsRawFd as _;
        let paths = FdPaths::default();
        let file = fs::File::open("/etc/hostname").unwrap();
        let fd = file.as_raw_fd();
        assert_eq!(
            paths.path(std::process::id(), fd).unwrap(),
            b"/etc/hostname"
        );
    }

    fn call(sysno: Sysno, args: [u64; 6]) -> crate::decode::SyscallEvent<'static> {
        crate::decode::SyscallEvent {
            tid: 1,
            tgid: 1,
            nr: u32::try_from(sysno.id()).unwrap(),
            args,
            ret: 3,
            returns: true,
            enter_missed: false,
            process_exiting: false,
            enter_time: 0,
            exit_time: 0,
            made_inode: 0,
            slots: [crate::decode::Capture::Empty; rtrace_common::SLOT_COUNT],
        }
    }

    #[test]
    fn calls_tell_what_they_made() {
        let made = |sysno, args| new_fd(&call(sysno, args));
        assert_eq!(
            made(Sysno::eventfd2, [0; 6]),
            Some(NewFd::Anonymous("anon_inode:[eventfd]"))
        );
        assert_eq!(
            made(Sysno::epoll_create1, [0; 6]),
            Some(NewFd::Anonymous("anon_inode:[eventpoll]"))
        );
        assert_eq!(made(Sysno::openat, [0; 6]), Some(NewFd::Opened));
        assert_eq!(
            made(Sysno::dup2, [5, 9, 0, 0, 0, 0]),
            Some(NewFd::Duplicate(5))
        );
        // fcntl returns a descriptor for F_DUPFD and F_DUPFD_CLOEXEC only.
        assert_eq!(
            made(Sysno::fcntl, [4, 1030, 0, 0, 0, 0]),
            Some(NewFd::Duplicate(4))
        );
        assert_eq!(made(Sysno::fcntl, [4, 3, 0, 0, 0, 0]), None);
        assert_eq!(
            made(Sysno::pidfd_open, [77, 0, 0, 0, 0, 0]),
            Some(NewFd::Pidfd(77))
        );
        assert_eq!(
            made(Sysno::accept4, [0; 6]),
            Some(NewFd::Kind {
                prefix: "socket:",
                inode: 0
            })
        );
        // signalfd on an existing descriptor makes nothing new.
        assert_eq!(
            made(Sysno::signalfd4, [u64::from(u32::MAX), 0, 8, 0, 0, 0]),
            Some(NewFd::Anonymous("anon_inode:[signalfd]"))
        );
        assert_eq!(made(Sysno::signalfd4, [6, 0, 8, 0, 0, 0]), None);
        assert_eq!(made(Sysno::read, [0; 6]), None);
    }

    #[test]
    fn anonymous_files_are_named_as_proc_names_them() {
        use std::os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd};
        // SAFETY: plain calls that return a new descriptor or -1.
        let fds = unsafe {
            [
                (libc::eventfd(0, 0), Sysno::eventfd2),
                (libc::epoll_create1(0), Sysno::epoll_create1),
                (
                    libc::timerfd_create(libc::CLOCK_MONOTONIC, 0),
                    Sysno::timerfd_create,
                ),
                (libc::inotify_init1(0), Sysno::inotify_init1),
            ]
        };
        for (fd, sysno) in fds {
            assert!(fd >= 0, "{sysno}");
            // SAFETY: a descriptor just made, owned here.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let Some(NewFd::Anonymous(name)) = new_fd(&call(sysno, [0; 6])) else {
                panic!("{sysno} makes an anonymous file");
            };
            let proc = readlink(&format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap();
            assert_eq!(name.as_bytes(), proc, "{sysno}");
        }
    }

    #[test]
    fn made_descriptors_keep_what_they_are_after_the_process_is_gone() {
        // A pid that is no process: /proc knows nothing of its descriptors.
        let gone = u32::MAX - 1;
        let paths = FdPaths::with_sockets();
        paths.created(gone, 3, NewFd::Anonymous("anon_inode:[eventfd]"), None);
        assert_eq!(paths.shown(gone, 3).unwrap(), b"anon_inode:[eventfd]");
        paths.opened(gone, 4, libc::AT_FDCWD, b"/dev/null");
        paths.created(gone, 9, NewFd::Duplicate(4), None);
        assert_eq!(paths.shown(gone, 9).unwrap(), b"/dev/null<char 1:3>");
        paths.created(gone, 5, NewFd::Pidfd(1234), None);
        assert_eq!(paths.shown(gone, 5).unwrap(), b"pid:1234");
        paths.created(gone, 10, NewFd::Duplicate(5), None);
        assert_eq!(paths.shown(gone, 10).unwrap(), b"pid:1234");
        paths.created(gone, 6, NewFd::Memfd, Some(b"shm"));
        assert_eq!(paths.shown(gone, 6).unwrap(), b"/memfd:shm (deleted)");
        // A socket /proc cannot show any more stays unknown, even once the number is
        // read again: never a later file's name.
        let socket = |inode| NewFd::Kind {
            prefix: "socket:",
            inode,
        };
        paths.created(gone, 7, socket(0), None);
        assert!(paths.shown(gone, 7).is_none());
        // Unless the kernel told its inode number.
        paths.created(gone, 8, socket(4321), None);
        assert_eq!(plain_path(&paths, gone, 8), b"socket:[4321]");
        // -y alone: a pidfd as /proc names it.
        let plain = FdPaths::default();
        plain.created(gone, 5, NewFd::Pidfd(1234), None);
        assert_eq!(plain.shown(gone, 5).unwrap(), b"anon_inode:[pidfd]");
    }

    fn plain_path(paths: &FdPaths, tgid: u32, fd: i32) -> Vec<u8> {
        paths.path(tgid, fd).unwrap()
    }

    #[test]
    fn removed_names_show_as_proc_shows_them() {
        let gone = u32::MAX - 1;
        let paths = FdPaths::default();
        paths.opened(gone, 3, libc::AT_FDCWD, b"/tmp/rtrace-test-a");
        paths.opened(gone, 4, libc::AT_FDCWD, b"/tmp/rtrace-test-b");
        paths.removed(gone, libc::AT_FDCWD, b"/tmp/rtrace-test-a", None);
        assert_eq!(
            paths.path(gone, 3).unwrap(),
            b"/tmp/rtrace-test-a (deleted)"
        );
        assert_eq!(
            split_deleted(&paths.path(gone, 3).unwrap()),
            (&b"/tmp/rtrace-test-a"[..], true)
        );
        paths.removed(
            gone,
            libc::AT_FDCWD,
            b"/tmp/rtrace-test-b",
            Some((libc::AT_FDCWD, b"/tmp/rtrace-test-c")),
        );
        assert_eq!(paths.path(gone, 4).unwrap(), b"/tmp/rtrace-test-c");
    }
}

//! `-y`: the path behind each file descriptor, as strace prints it: `read(3</etc/passwd>,
//! ...`. Paths come from the opens rtrace saw (made absolute against the process's
//! directory) and, for descriptors opened before, from `/proc/PID/fd`. Closes and execs
//! forget them, so a reused number gets its new path.

use std::{
    cell::RefCell,
    collections::HashMap,
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
    /// Each process's working directory, as last learned (`/proc`, fork, chdir).
    cwds: RefCell<HashMap<u32, Vec<u8>>>,
    /// `-yy`: sockets show what they are connected to.
    sockets: Option<Sockets>,
}

/// Syscalls whose return value is a new descriptor.
const RETURNS_FD: [Sysno; 24] = [
    Sysno::open,
    Sysno::openat,
    Sysno::openat2,
    Sysno::creat,
    Sysno::socket,
    Sysno::accept,
    Sysno::accept4,
    Sysno::dup,
    Sysno::dup2,
    Sysno::dup3,
    Sysno::epoll_create,
    Sysno::epoll_create1,
    Sysno::eventfd,
    Sysno::eventfd2,
    Sysno::timerfd_create,
    Sysno::signalfd,
    Sysno::signalfd4,
    Sysno::memfd_create,
    Sysno::inotify_init,
    Sysno::inotify_init1,
    Sysno::fanotify_init,
    Sysno::pidfd_open,
    Sysno::userfaultfd,
    Sysno::io_uring_setup,
];

/// Whether a syscall returns a new descriptor.
#[must_use]
pub fn returns_fd(nr: u32) -> bool {
    RETURNS_FD
        .iter()
        .any(|s| i64::from(s.id()) == i64::from(nr))
}

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

    /// What `fd` prints as after its number: its path, or with `-yy`, for a socket,
    /// its protocol and addresses.
    #[must_use]
    pub fn shown(&self, tgid: u32, fd: i32) -> Option<Vec<u8>> {
        let path = self.path(tgid, fd)?;
        if let Some(sockets) = &self.sockets
            && let Some(inode) = socket_inode(&path)
        {
            return Some(sockets.describe(tgid, fd, inode).unwrap_or(path));
        }
        Some(path)
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

    /// Forgets `fd` (closed, or about to be replaced).
    pub fn forget(&self, tgid: u32, fd: i32) {
        self.socket_changed(tgid, fd);
        self.known.borrow_mut().remove(&(tgid, fd));
    }

    /// Forgets every descriptor of `tgid` (it exited).
    pub fn forget_process(&self, tgid: u32) {
        self.known.borrow_mut().retain(|&(t, _), _| t != tgid);
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
}

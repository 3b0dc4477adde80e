//! What each traced thread is inside of right now: the kernel's in-flight array, mapped
//! read-only into our memory, so that a scan of blocked calls costs no syscall.
//!
//! The kernel writes an entry at `sys_enter` and frees it (`tid = 0`) at `sys_exit`.
//! A scan may see an entry mid-update; it reads the tid before and after the copy and
//! drops entries that changed under it.

use std::{
    io,
    os::fd::{AsFd as _, AsRawFd as _},
    ptr::NonNull,
};

use aya::maps::MapData;
use rtrace_common::{InFlight, SLOT_COUNT};

use crate::decode::{Capture, SyscallEvent};

/// A call in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub tid: u32,
    pub nr: u32,
    pub args: [u64; 6],
    /// When the call entered, on the kernel's clock (see [`crate::clock`]); 0 when
    /// the enter was not seen.
    pub enter_time: u64,
}

impl Blocked {
    /// The call as an event without captures, for the decoders.
    #[must_use]
    pub fn as_event(&self) -> SyscallEvent<'static> {
        SyscallEvent {
            tid: self.tid,
            tgid: 0,
            nr: self.nr,
            args: self.args,
            ret: 0,
            returns: false,
            enter_missed: self.enter_time == 0,
            enter_time: self.enter_time,
            exit_time: 0,
            made_inode: 0,
            slots: [Capture::Empty; SLOT_COUNT],
        }
    }
}

/// The mapped array.
pub struct InFlightView {
    base: NonNull<InFlight>,
    entries: usize,
    bytes: usize,
    /// Keeps the map (and so the mapping's object) alive.
    _map: MapData,
}

impl InFlightView {
    /// Maps `map` (an `INFLIGHT` array of `entries` values) read-only.
    ///
    /// # Errors
    /// When mmap fails (a kernel without mmapable BPF arrays: before 5.5).
    pub fn new(map: MapData, entries: u32) -> io::Result<Self> {
        let entries = entries as usize;
        let bytes = (entries * size_of::<InFlight>()).next_multiple_of(4096);
        // SAFETY: mapping a BPF array fd read-only and shared, as the kernel allows for
        // BPF_F_MMAPABLE arrays; the length covers exactly its values.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ,
                libc::MAP_SHARED,
                map.fd().as_fd().as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = NonNull::new(ptr.cast::<InFlight>()).ok_or_else(io::Error::last_os_error)?;
        Ok(InFlightView {
            base,
            entries,
            bytes,
            _map: map,
        })
    }

    /// The calls in progress now, of the given threads: one slot read each.
    #[must_use]
    pub fn snapshot(&self, tids: impl IntoIterator<Item = u32>) -> Vec<Blocked> {
        tids.into_iter().filter_map(|tid| self.entry(tid)).collect()
    }

    /// The call thread `tid` is in, if any.
    fn entry(&self, tid: u32) -> Option<Blocked> {
        let index = tid as usize & (self.entries - 1);
        // SAFETY: index < entries (a power of two), inside the mapping; the kernel
        // writes concurrently, so reads are volatile and checked for a changed tid.
        let entry = unsafe {
            let p = self.base.as_ptr().add(index);
            if std::ptr::addr_of!((*p).tid).read_volatile() != tid {
                return None;
            }
            let copy = p.read_volatile();
            if std::ptr::addr_of!((*p).tid).read_volatile() != tid || copy.tid != tid {
                return None;
            }
            copy
        };
        Some(Blocked {
            tid,
            nr: entry.nr,
            args: entry.args,
            enter_time: entry.enter_time,
        })
    }
}

impl Drop for InFlightView {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.bytes) };
    }
}

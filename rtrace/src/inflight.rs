//! What each traced thread is inside of right now: the kernel's in-flight array, mapped
//! read-only into our memory, so that a scan of blocked calls costs no syscall.
//!
//! The kernel writes an entry at `sys_enter` and frees it (`tid = 0`) at `sys_exit`.
//! A scan may see an entry mid-update; it reads the tid before and after the copy and
//! drops entries that changed under it.

use std::io;

use aya::maps::MapData;
use rtrace_common::{InFlight, SLOT_COUNT};

use crate::{
    decode::{Capture, SyscallEvent},
    mapped::MappedArray,
};

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
            process_exiting: false,
            enter_time: self.enter_time,
            exit_time: 0,
            made_inode: 0,
            slots: [Capture::Empty; SLOT_COUNT],
        }
    }
}

/// The mapped array.
pub struct InFlightView {
    array: MappedArray,
    entries: usize,
}

impl InFlightView {
    /// Maps `map` (an `INFLIGHT` array of `entries` values) read-only.
    ///
    /// # Errors
    /// When mmap fails (a kernel without mmapable BPF arrays: before 5.5).
    pub fn new(map: MapData, entries: u32) -> io::Result<Self> {
        let entries = entries as usize;
        let array = MappedArray::new(map, entries * size_of::<InFlight>(), false)?;
        Ok(InFlightView { array, entries })
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
            let p = self.array.values::<InFlight>().add(index);
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

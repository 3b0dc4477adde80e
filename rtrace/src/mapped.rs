//! BPF arrays made with `BPF_F_MMAPABLE`, mapped into rtrace's memory: read and written
//! with plain loads and stores, without a syscall each.

use std::{
    io,
    os::fd::{AsFd as _, AsRawFd as _},
    ptr::NonNull,
};

use aya::maps::MapData;

/// A mapping of a whole array's values.
pub struct MappedArray {
    base: NonNull<u8>,
    bytes: usize,
    /// Keeps the map (and so the mapping's object) alive.
    _map: MapData,
}

impl MappedArray {
    /// Maps `map`'s values, `bytes` of them, read-only or also writable.
    ///
    /// # Errors
    /// When mmap fails (a kernel without mmapable BPF arrays: before 5.5).
    pub fn new(map: MapData, bytes: usize, writable: bool) -> io::Result<Self> {
        let bytes = bytes.next_multiple_of(4096);
        let protection = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: mapping a BPF array's fd shared, as the kernel allows for
        // BPF_F_MMAPABLE arrays; the length covers its values, page-rounded as the
        // kernel rounds them.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                protection,
                libc::MAP_SHARED,
                map.fd().as_fd().as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = NonNull::new(ptr.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        Ok(MappedArray {
            base,
            bytes,
            _map: map,
        })
    }

    /// Where the values begin, as `T`s (a mapping begins on a page: aligned for any).
    #[must_use]
    pub fn values<T>(&self) -> *mut T {
        self.base.as_ptr().cast::<T>()
    }
}

impl Drop for MappedArray {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.bytes) };
    }
}

//! BUDGET: images run in parallel, but only as many at once as the memory budget allows, and a
//! panic inside a decoder stays inside its image.
//!
//! Takes an estimate of the bytes one job needs (from the image header, before anything is
//! allocated); hands out a [`Permit`] once that much of the budget is free. A job larger than the
//! whole budget waits until nothing else runs, then runs alone. [`isolate`] turns a panic into an
//! error message for that one image.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, Once};

pub struct Budget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A share of the budget, returned when dropped.
pub struct Permit<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub fn new(total: u64) -> Budget {
        Budget {
            total: total.max(1),
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` (at most the whole budget) are free, and takes them.
    pub fn acquire(&self, bytes: u64) -> Permit<'_> {
        let bytes = bytes.min(self.total);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > self.total {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Permit {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.bytes;
        self.budget.freed.notify_all();
    }
}

thread_local! {
    static ISOLATED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(panic message)`. The default panic message is not printed
/// for isolated code: the caller reports the failure as a warning naming the file.
pub fn isolate<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !ISOLATED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    ISOLATED.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    ISOLATED.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        assert_eq!(isolate(|| 2 + 2), Ok(4));
        let err = isolate(|| -> u32 { panic!("decoder bug") }).unwrap_err();
        assert_eq!(err, "decoder bug");
    }

    #[test]
    fn a_job_larger_than_the_budget_runs_alone() {
        let budget = Budget::new(100);
        let small = budget.acquire(30);
        assert_eq!(*budget.used.lock().unwrap(), 30);
        drop(small);
        let huge = budget.acquire(1_000);
        assert_eq!(
            *budget.used.lock().unwrap(),
            100,
            "capped at the whole budget"
        );
        drop(huge);
        assert_eq!(*budget.used.lock().unwrap(), 0);
    }
}

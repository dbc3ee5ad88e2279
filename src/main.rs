//! The gatectl binary: the allocator, then the CLI.

// mimalloc: render and diff build and drop millions of small strings and JSON nodes, where glibc's
// malloc spent a quarter of the time (perf, 10,000 consumers). Transparent huge pages are off
// (`no_thp`): zeroing 2 MiB pages cost more than the work and added 20 MiB of resident memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's `mi_option_set` (mimalloc.h).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}
/// `mi_option_purge_delay` in mimalloc.h's `mi_option_t` (the same slot in v2 and v3).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> std::process::ExitCode {
    // Freed pages go back to the OS at once, not 10 ms later: a run is short, and without this
    // its peak resident memory is the sum of every phase's, not the largest (render -t all of
    // 10,000 consumers: about 80 → 55 MiB, for some 20 % more time; see the README's Benchmarks).
    // SAFETY: an option setter of the allocator linked above, called before any other thread runs.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    gatectl::cli::main()
}

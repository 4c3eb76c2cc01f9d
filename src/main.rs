// mimalloc for Rust's allocations and tree-sitter's: parsing allocates and
// frees syntax-tree nodes across threads, where glibc's malloc spent a tenth
// of a full scan (malloc_consolidate, _int_free); mimalloc's per-thread heaps
// do not contend.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Rust's runtime puts /dev/null on a standard stream that is closed when the
// process starts, so by `main` a closed stdout (`qscan >&-`) looks like
// `qscan >/dev/null`, and the report would vanish without a word. The C
// runtime's constructors run before that: one looks at stdout first.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static STDOUT_AT_START: StartHook = stdout_at_start;

#[cfg(target_vendor = "apple")]
#[used]
#[unsafe(link_section = "__DATA,__mod_init_func")]
static STDOUT_AT_START: StartHook = stdout_at_start;

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_vendor = "apple"
))]
type StartHook = extern "C" fn(i32, *const *const u8, *const *const u8);

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_vendor = "apple"
))]
extern "C" fn stdout_at_start(_: i32, _: *const *const u8, _: *const *const u8) {
    // SAFETY: F_GETFD only asks for the descriptor's flags; it fails with
    // EBADF exactly when the descriptor is not open.
    if unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1 {
        qscan::cli::STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn main() {
    // SAFETY: called once, before any parser exists, with a consistent set of
    // functions (memory tree-sitter allocates is freed by the same allocator).
    unsafe {
        tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(libmimalloc_sys::mi_calloc),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
    std::process::exit(qscan::cli::main());
}

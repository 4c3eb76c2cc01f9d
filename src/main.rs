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
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: ts_malloc,
            calloc: ts_calloc,
            realloc: ts_realloc,
            free: libmimalloc_sys::mi_free,
        }));
    }
    std::process::exit(qscan::cli::main().code());
}

// tree-sitter writes through whatever its allocator returns: its own default
// allocator aborts with a message when memory runs out, and these do the same
// around mimalloc, which returns NULL instead (a NULL write would be a
// segmentation fault with no word said).

unsafe extern "C" fn ts_malloc(size: usize) -> *mut std::ffi::c_void {
    // SAFETY: mi_malloc accepts any size.
    let p = unsafe { libmimalloc_sys::mi_malloc(size) };
    if p.is_null() && size > 0 {
        out_of_memory(size);
    }
    p
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut std::ffi::c_void {
    // SAFETY: mi_calloc accepts any count and size (an overflowing product is NULL).
    let p = unsafe { libmimalloc_sys::mi_calloc(count, size) };
    if p.is_null() && count > 0 && size > 0 {
        out_of_memory(count.saturating_mul(size));
    }
    p
}

unsafe extern "C" fn ts_realloc(ptr: *mut std::ffi::c_void, size: usize) -> *mut std::ffi::c_void {
    // SAFETY: `ptr` is NULL or came from these functions (tree-sitter frees
    // and reallocates only what it allocated through them).
    let p = unsafe { libmimalloc_sys::mi_realloc(ptr, size) };
    if p.is_null() && size > 0 {
        out_of_memory(size);
    }
    p
}

/// Stops the process with a message: there is no way to hand tree-sitter a
/// failed allocation, and an unwinding panic must not cross its C frames.
#[cold]
fn out_of_memory(size: usize) -> ! {
    // The message is built without allocating: memory has run out.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = size;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut stderr = std::io::stderr().lock();
    let _ = std::io::Write::write_all(
        &mut stderr,
        b"qscan: error: out of memory (the parser asked for ",
    );
    let _ = std::io::Write::write_all(&mut stderr, &digits[at..]);
    let _ = std::io::Write::write_all(&mut stderr, b" bytes)\n");
    std::process::abort()
}

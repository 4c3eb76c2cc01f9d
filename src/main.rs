// mimalloc for Rust's allocations and tree-sitter's: parsing allocates and
// frees syntax-tree nodes across threads, where glibc's malloc spent a tenth
// of a full scan (malloc_consolidate, _int_free); mimalloc's per-thread heaps
// do not contend.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

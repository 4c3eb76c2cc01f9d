fn main() {
    std::process::exit(qscan::cli::main());
}

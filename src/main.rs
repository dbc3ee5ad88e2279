fn main() -> std::process::ExitCode {
    gatectl::cli::main()
}

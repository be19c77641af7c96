//! Commands behind the CLI, kept in the library so tests can call them.

use crate::diagnostic::render;
use crate::span::SourceFile;
use std::io::IsTerminal;

/// Read a source file, or print one clear line saying why it cannot be read.
pub fn read_source(path: &str) -> Option<SourceFile> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(SourceFile::new(path, text)),
            Err(e) => {
                eprintln!("coro: {path}: file is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to());
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            eprintln!("coro: {path}: is a directory");
            None
        }
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            eprintln!("coro: can't open file '{path}': {why}");
            None
        }
    }
}

/// The front end without running anything: parse, validate, analyse scopes.
pub fn check_source(text: &str) -> Result<(), Vec<crate::diagnostic::Diagnostic>> {
    let module = crate::syntax::parse(text, Default::default())?;
    let result = crate::compile::scope::analyze(&module).map(|_| ());
    // A tree nested 100,000 deep would recurse that deep to drop; the process ends soon.
    std::mem::forget(module);
    result
}

/// `coro check FILE`: report every syntax error; true when the file parses. Runs on a
/// thread with a large stack, as the front end recurses over deeply nested source.
pub fn check_file(path: &str) -> bool {
    let path = path.to_string();
    let run = move || check_file_here(&path);
    match std::thread::Builder::new().stack_size(1 << 30).spawn(run) {
        Ok(h) => h.join().unwrap_or(false),
        Err(_) => false,
    }
}

fn check_file_here(path: &str) -> bool {
    let Some(file) = read_source(path) else { return false };
    match check_source(&file.text) {
        Ok(()) => true,
        Err(diags) => {
            let color = std::io::stderr().is_terminal();
            for d in &diags {
                eprint!("{}", render(d, &file, color));
            }
            false
        }
    }
}

/// `coro parse FILE`: print the syntax tree.
pub fn parse_file(path: &str) -> bool {
    let Some(file) = read_source(path) else { return false };
    match crate::syntax::parse(&file.text, Default::default()) {
        Ok(m) => {
            println!("{:#?}", m.body);
            true
        }
        Err(diags) => {
            for d in &diags {
                eprint!("{}", render(d, &file, false));
            }
            false
        }
    }
}

/// Run a program with standard output, returning the exit status.
pub fn run_program(source: SourceFile, opts: crate::runtime::Options) -> i32 {
    let out = crate::runtime::Output::Stdout(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()), std::io::stdout().is_terminal());
    crate::run_source(std::rc::Rc::new(source), out, opts)
}

/// Restore the default SIGPIPE action so a closed pipe ends the process quietly,
/// as `python3` does when its output is piped into `head`.
pub fn reset_sigpipe() {
    #[cfg(unix)]
    unsafe {
        // SAFETY: setting a signal disposition to its default has no preconditions.
        libc_signal(13, 0);
    }
}

#[cfg(unix)]
unsafe extern "C" {
    #[link_name = "signal"]
    fn libc_signal(sig: i32, handler: usize) -> usize;
}

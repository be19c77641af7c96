//! The syntax corpus through the library's front end (no python3 needed):
//!
//! - every `tests/syntax/valid/*.coro` passes `check_source` (parse, validate, scopes);
//! - every `tests/syntax/invalid/*.coro` fails, and its first diagnostic ends with the
//!   line CPython printed (its `.err`);
//! - the rendered ariadne report of every invalid file (what `coro check` prints, no
//!   colour) is an insta snapshot under `tests/snapshots/`. Review changes with
//!   `cargo insta review`, or accept them with `INSTA_UPDATE=always cargo test --test
//!   diagnostics`.

use coro::cli::check_source;
use coro::diagnostic::render;
use coro::span::SourceFile;
use std::path::{Path, PathBuf};

fn corpus(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/syntax").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "coro"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Run the front end on a file; `Err` holds the rendered reports.
fn check(path: &Path) -> Result<(), (String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!("{}.coro", stem(path));
    match check_source(&text) {
        Ok(()) => Ok(()),
        Err(diags) => {
            let file = SourceFile::new(name, text);
            let reports: String = diags.iter().map(|d| render(d, &file, false)).collect();
            Err((diags[0].headline(), reports))
        }
    }
}

#[test]
fn valid_corpus_passes() {
    let files = corpus("valid");
    assert!(files.len() >= 100);
    let bad: Vec<String> = files
        .iter()
        .filter_map(|f| check(f).err().map(|(head, _)| format!("{}: {head}", stem(f))))
        .collect();
    assert!(bad.is_empty(), "valid files rejected:\n{}", bad.join("\n"));
}

#[test]
fn invalid_corpus_fails_with_cpython_message() {
    let files = corpus("invalid");
    assert!(files.len() >= 200);
    let mut bad = Vec::new();
    for f in &files {
        let want = std::fs::read_to_string(f.with_extension("err")).unwrap();
        let want = want.lines().nth(1).unwrap_or("").to_string();
        match check(f) {
            Ok(()) => bad.push(format!("{}: accepted", stem(f))),
            Err((head, _)) if head != want => bad.push(format!("{}:\n  got:  {head}\n  want: {want}", stem(f))),
            Err(_) => {}
        }
    }
    assert!(bad.is_empty(), "{} of {} invalid files wrong:\n{}", bad.len(), files.len(), bad.join("\n"));
}

#[test]
fn invalid_corpus_reports() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for f in corpus("invalid") {
            let report = match check(&f) {
                Ok(()) => "accepted".to_string(),
                Err((_, report)) => report,
            };
            insta::assert_snapshot!(stem(&f), report);
        }
    });
}

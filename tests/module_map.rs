//! The module map in `src/README.md` lists exactly the source files that exist.

use std::collections::BTreeSet;

fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "coro") {
            out.insert(p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn module_map_lists_every_file() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeSet::new();
    walk(&src, &src, &mut files);
    let map = std::fs::read_to_string(src.join("README.md")).unwrap();
    let listed: BTreeSet<String> = map
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = files.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&files).collect();
    assert!(missing.is_empty() && stale.is_empty(), "src/README.md is out of date: missing {missing:?}, no longer present {stale:?}");
}

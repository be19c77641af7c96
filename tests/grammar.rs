//! The grammar in `grammar/` stays true to the parser:
//!
//! - every fenced `coro` block in `grammar/README.md` parses, and every `coro-error`
//!   block fails with the message in its first comment line;
//! - every rule a parse builder's comment names (`// rule: ...` or ``/// `rule`: ...``)
//!   is defined in `grammar/coro.ebnf`.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fenced blocks of `lang` in a markdown text.
fn blocks(md: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match &mut cur {
            None if line.trim() == format!("```{lang}") => cur = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn examples_parse() {
    let md = std::fs::read_to_string(root().join("grammar/README.md")).unwrap();
    let good = blocks(&md, "coro");
    assert!(good.len() >= 3);
    for b in &good {
        if let Err(d) = coro::syntax::parse(b, Default::default()) {
            panic!("example does not parse: {}\n{b}", d[0].headline());
        }
    }
    let bad = blocks(&md, "coro-error");
    assert!(!bad.is_empty());
    for b in &bad {
        let want = b.lines().next().unwrap().trim_start_matches('#').trim();
        match coro::syntax::parse(b, Default::default()) {
            Ok(_) => panic!("error example parses:\n{b}"),
            Err(d) => assert_eq!(d[0].headline(), want, "{b}"),
        }
    }
}

/// Rule names defined in the EBNF (`name = ...`).
fn defined() -> BTreeSet<String> {
    let ebnf = std::fs::read_to_string(root().join("grammar/coro.ebnf")).unwrap();
    let mut out = BTreeSet::new();
    let mut in_comment = false;
    for line in ebnf.lines() {
        let t = line.trim();
        if t.starts_with("(*") {
            in_comment = !t.contains("*)");
            continue;
        }
        if in_comment {
            in_comment = !t.contains("*)");
            continue;
        }
        let head: String = t.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
        let rest = t[head.len()..].trim_start();
        if !head.is_empty() && (rest.starts_with('=') || rest.is_empty()) {
            out.insert(head);
        }
    }
    out
}

/// Rule names the parser's comments name: `rule:` at the start of a `//` comment, or
/// after a `;`, possibly in backquotes.
fn named_in_parser() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let dir = root().join("src/syntax/parser");
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for line in text.lines() {
            let Some(c) = line.trim_start().strip_prefix("//") else { continue };
            let c = c.trim_start_matches('/').trim_start();
            for part in c.split(';') {
                let part = part.trim().trim_start_matches('`');
                let head: String = part.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                let after = part[head.len()..].trim_start_matches('`');
                if head.len() > 2 && after.starts_with(':') {
                    out.insert(head);
                }
            }
        }
    }
    out
}

#[test]
fn parser_rules_are_in_the_grammar() {
    let defined = defined();
    let named = named_in_parser();
    assert!(named.len() > 30, "{named:?}");
    let missing: Vec<_> = named.difference(&defined).collect();
    assert!(missing.is_empty(), "rules named in src/syntax/parser but not in grammar/coro.ebnf: {missing:?}");
}

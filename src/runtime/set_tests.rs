//! Unit tests of the set table against CPython's recorded layouts.

// Expected strings are what CPython 3.11.7 prints for the Python code
// quoted in each comment.
use super::*;
use crate::runtime::setops::*;
use std::convert::Infallible;

#[derive(Clone, Debug)]
struct K {
    repr: String,
    class: String,
}
type S = SetTable<K>;

/// Non-`i64` literals: (repr, equality class, CPython hash).
const OTHER: &[(&str, &str, i64)] = &[
    ("1.0", "1", 1),
    ("True", "1", 1),
    ("False", "0", 0),
    ("2.0", "2", 2),
    ("3.0", "3", 3),
    ("0.5", "0.5", 1152921504606846976),
    ("1.5", "1.5", 1152921504606846977),
    ("2.5", "2.5", 1152921504606846978),
    ("-0.5", "-0.5", -1152921504606846976),
    ("(1, 2)", "(1, 2)", -3550055125485641917),
    ("(0, 1)", "(0, 1)", -1950498447580522560),
    ("(3,)", "(3,)", -5029647727744300836),
    ("((1, 2), 3)", "((1, 2), 3)", -333907151259015829),
    ("(1, (2, 3))", "(1, (2, 3))", 7267574591690527098),
    ("()", "()", 5740354900026072187),
    ("(1, 0.5)", "(1, 0.5)", 3180726016069507864),
    ("18446744073709551616", "18446744073709551616", 8),
    ("1180591620717411303424", "1180591620717411303424", 512),
];

fn key(lit: &str) -> (K, i64) {
    let k = |class: &str| K {
        repr: lit.to_string(),
        class: class.to_string(),
    };
    if let Ok(v) = lit.parse::<i64>() {
        let m = (v.unsigned_abs() % ((1u64 << 61) - 1)) as i64;
        let h = if v < 0 { -m } else { m };
        return (k(lit), if h == -1 { -2 } else { h });
    }
    let (_, class, h) = OTHER.iter().find(|o| o.0 == lit).expect("literal");
    (k(class), *h)
}
fn keys(lits: &[&str]) -> Vec<(K, i64)> {
    lits.iter().map(|l| key(l)).collect()
}
fn items(lits: &[&str]) -> Vec<Result<(K, i64), Infallible>> {
    keys(lits).into_iter().map(Ok).collect()
}
fn eq(a: &K, b: &K) -> Result<bool, Infallible> {
    Ok(a.class == b.class)
}
fn int_range(lo: i64, hi: i64, step: usize) -> Vec<String> {
    (lo..hi).step_by(step).map(|i| i.to_string()).collect()
}
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(|s| s.as_str()).collect()
}
/// A constant display `{...}`.
fn disp(l: &[&str]) -> S {
    from_display(keys(l), true, &mut eq).unwrap()
}
/// `set([...])`.
fn set_of(l: &[&str]) -> S {
    SetTable::from_keys(keys(l), &mut eq).unwrap()
}
fn add(s: &mut S, l: &str) {
    let (k, h) = key(l);
    s.insert(h, k, &mut eq).unwrap();
}
fn discard(s: &mut S, l: &str) -> bool {
    let (k, h) = key(l);
    s.remove(h, &mut |x| eq(x, &k)).unwrap().is_some()
}
fn pop(s: &mut S) -> String {
    s.pop().map_or("KeyError".into(), |k| k.repr)
}
fn show(s: &S) -> String {
    if s.is_empty() {
        return "set()".into();
    }
    let v: Vec<&str> = s.iter().map(|(k, _)| k.repr.as_str()).collect();
    format!("{{{}}}", v.join(", "))
}

#[test]
fn displays() {
    assert_eq!(show(&disp(&["3", "1", "2"])), "{1, 2, 3}"); // 1
    assert_eq!(show(&disp(&["100", "5", "37"])), "{5, 100, 37}"); // 2
    assert_eq!(show(&disp(&["-1", "-2", "5"])), "{5, -1, -2}"); // 3
    let big = [
        "18446744073709551616",
        "2305843009213693952",
        "2305843009213693951",
        "7",
    ];
    assert_eq!(
        show(&disp(&big)),
        "{18446744073709551616, 2305843009213693952, 2305843009213693951, 7}"
    ); // 4
    assert_eq!(show(&disp(&["0.5", "1.5", "2.0"])), "{0.5, 1.5, 2.0}"); // 5
    assert_eq!(
        show(&disp(&["(1, 2)", "(0, 1)", "(3,)"])),
        "{(0, 1), (1, 2), (3,)}"
    ); // 6
    // 7: {1, 1.0, True}, {1.0, 1, True}, {True, 1}
    assert_eq!(show(&disp(&["1", "1.0", "True"])), "{1}");
    assert_eq!(show(&disp(&["1.0", "1", "True"])), "{1.0}");
    assert_eq!(show(&disp(&["True", "1"])), "{True}");
    assert_eq!(
        show(&disp(&["((1, 2), 3)", "(1, (2, 3))", "()"])),
        "{(1, (2, 3)), ((1, 2), 3), ()}"
    ); // 8
    let mixed = ["0.5", "1180591620717411303424", "-3", "(1, 0.5)"];
    assert_eq!(
        show(&disp(&mixed)),
        "{0.5, 1180591620717411303424, (1, 0.5), -3}"
    ); // 9
    let extremes = [
        "-9223372036854775808",
        "9223372036854775807",
        "-1",
        "2305843009213693951",
        "0",
    ];
    let want = "{2305843009213693951, 0, 9223372036854775807, -9223372036854775808, -1}";
    assert_eq!(show(&disp(&extremes)), want); // 10
    // 36: {2**61 - 1, 0, 2**62 - 2, 2**61 - 2}: equal hashes, unequal keys
    let coll = [
        "2305843009213693951",
        "0",
        "4611686018427387902",
        "2305843009213693950",
    ];
    assert_eq!(
        show(&disp(&coll)),
        "{2305843009213693951, 0, 4611686018427387902, 2305843009213693950}"
    );
    // 44: s = {1.5, 2.5, -0.5}; s.add(3.0); s.add(3)
    let mut s = disp(&["1.5", "2.5", "-0.5"]);
    add(&mut s, "3.0");
    add(&mut s, "3");
    assert_eq!(show(&s), "{-0.5, 1.5, 2.5, 3.0}");
}

#[test]
fn constant_display_paths() {
    // 11: print({16, 1, 2, 3, 4}, [x for x in {16, 1, 2, 3, 4}])
    let l = ["16", "1", "2", "3", "4"];
    assert_eq!(show(&disp(&l)), "{16, 1, 2, 3, 4}");
    assert_eq!(
        show(&frozenset_constant(keys(&l), &mut eq).unwrap()),
        "{1, 2, 3, 4, 16}"
    );
    // 12: a, b = 16, 1; {a, b, 2, 3, 4} (BUILD_SET, source order)
    assert_eq!(
        show(&from_display(keys(&l), false, &mut eq).unwrap()),
        "{1, 2, 3, 4, 16}"
    );
    // 13: s built by add() vs s.copy() and set(s)
    let mut s = S::new();
    for x in l {
        add(&mut s, x);
    }
    assert_eq!(show(&s), "{1, 2, 3, 4, 16}");
    assert_eq!(show(&s.copy()), "{16, 1, 2, 3, 4}");
    assert_eq!((s.table_size(), s.copy().table_size()), (32, 16));
    // 14: set([3, 1, 2]), set([9, 1, 17, 25]), {x * 3 % 11 for x in range(10)}
    assert_eq!(show(&set_of(&["3", "1", "2"])), "{1, 2, 3}");
    assert_eq!(show(&set_of(&["9", "1", "17", "25"])), "{9, 25, 1, 17}");
    let comp: Vec<String> = (0..10).map(|x| (x * 3 % 11).to_string()).collect();
    assert_eq!(
        show(&set_of(&strs(&comp))),
        "{0, 1, 2, 3, 4, 5, 6, 7, 9, 10}"
    );
    // 39: set(dict.fromkeys([16, 1, 2, 3, 4])) pre-sizes like a copy
    let mut d = S::new();
    update_dict(&mut d, 5, keys(&l), &mut eq).unwrap();
    assert_eq!(show(&d), "{16, 1, 2, 3, 4}");
    // 47: print({7, 15}) (two items: BUILD_SET in source order);
    //     print({7, 15, 100}) (rebuilt frozenset constant); a = 7;
    //     print({a, 15, 100}) (BUILD_SET)
    assert_eq!(show(&disp(&["7", "15"])), "{15, 7}");
    assert_eq!(show(&disp(&["7", "15", "100"])), "{100, 7, 15}");
    let k3 = keys(&["7", "15", "100"]);
    assert_eq!(
        show(&from_display(k3, false, &mut eq).unwrap()),
        "{100, 15, 7}"
    );
    // 42/43: print({9, 1, 2}); print({1, 9, 2}) in one module share the
    // first constant; compiled alone {1, 9, 2} prints {1, 2, 9}.
    let first = frozenset_constant(keys(&["9", "1", "2"]), &mut eq).unwrap();
    assert_eq!(show(&first.copy()), "{9, 2, 1}");
    assert_eq!(show(&disp(&["1", "9", "2"])), "{1, 2, 9}");
}

#[test]
fn growth_and_dummies() {
    // 15: s = set(range(20)); remove range(0, 20, 3); add 40, 33, 64, 3, 100
    let mut s = set_of(&strs(&int_range(0, 20, 1)));
    for x in int_range(0, 20, 3) {
        assert!(discard(&mut s, &x));
    }
    for x in ["40", "33", "64", "3", "100"] {
        add(&mut s, x);
    }
    assert_eq!(
        show(&s),
        "{1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 3, 19, 33, 40, 64, 100}"
    );
    // 16: add i * 37 % 101 for i in range(60)
    let mut s = S::new();
    for i in 0..60 {
        add(&mut s, &(i * 37 % 101).to_string());
    }
    let want: Vec<String> = (0..=100)
        .filter(|v| (0..60).any(|i| i * 37 % 101 == *v))
        .map(|v| v.to_string())
        .collect();
    assert_eq!(show(&s), format!("{{{}}}", want.join(", ")));
    // 17: add i * 1000 for i in range(25)
    let mut s = S::new();
    for i in 0..25 {
        add(&mut s, &(i * 1000).to_string());
    }
    let want = "{0, 16000, 5000, 21000, 10000, 15000, 4000, 20000, 9000, 14000, 3000, 19000, 8000, \
                24000, 13000, 2000, 18000, 7000, 23000, 12000, 1000, 17000, 6000, 22000, 11000}";
    assert_eq!(show(&s), want);
    // 18: s = {1, 9}; s.remove(1); s.add(17)
    let mut s = set_of(&["1", "9"]);
    discard(&mut s, "1");
    add(&mut s, "17");
    assert_eq!(show(&s), "{17, 9}");
    // 19: s = {1, 9, 17}; remove 1 and 9; add 25 (last dummy reused)
    let mut s = disp(&["1", "9", "17"]);
    discard(&mut s, "1");
    discard(&mut s, "9");
    add(&mut s, "25");
    assert_eq!(show(&s), "{25, 17}");
    // 20: set(range(1, 6)); add 0, 6; remove 0, 6; add 32
    let mut s = set_of(&["1", "2", "3", "4", "5"]);
    for x in ["0", "6"] {
        add(&mut s, x);
    }
    for x in ["0", "6"] {
        discard(&mut s, x);
    }
    add(&mut s, "32");
    assert_eq!(show(&s), "{1, 2, 3, 4, 5, 32}");
    // 37: set(range(50)); discard range(47); add 100, 3, 200, 7
    let mut s = set_of(&strs(&int_range(0, 50, 1)));
    for x in int_range(0, 47, 1) {
        discard(&mut s, &x);
    }
    for x in ["100", "3", "200", "7"] {
        add(&mut s, x);
    }
    assert_eq!(show(&s), "{3, 7, 47, 48, 49, 200, 100}");
}

#[test]
fn pops() {
    // 21: s = {5, 3, 9, 17, 1}; [s.pop() for _ in range(5)]
    let mut s = disp(&["5", "3", "9", "17", "1"]);
    let got: Vec<String> = (0..6).map(|_| pop(&mut s)).collect();
    assert_eq!(got, ["1", "17", "3", "5", "9", "KeyError"]);
    // 22: s = set(range(10)); pop, pop; add 100, 0; pop
    let mut s = set_of(&strs(&int_range(0, 10, 1)));
    let got = [pop(&mut s), pop(&mut s)];
    add(&mut s, "100");
    add(&mut s, "0");
    assert_eq!(
        (got, pop(&mut s)),
        (["0".to_string(), "1".to_string()], "2".to_string())
    );
    assert_eq!(show(&s), "{0, 3, 4, 5, 6, 7, 8, 9, 100}");
    // 23: s = {1, 2, 3}; s.pop(); s.clear(); s.update([0, 1, 2, 3]); s.pop()
    let mut s = disp(&["1", "2", "3"]);
    pop(&mut s);
    s.clear();
    update_iter(&mut s, items(&["0", "1", "2", "3"]), &mut eq).unwrap();
    assert_eq!(pop(&mut s), "2");
    assert_eq!(show(&s), "{0, 1, 3}");
    // 24: s = {8, 16, 24, 32}; two pops
    let mut s = disp(&["8", "16", "24", "32"]);
    assert_eq!([pop(&mut s), pop(&mut s)], ["8", "16"]);
    assert_eq!(show(&s), "{32, 24}");
    // 34: s = {1, 2, 3, 4}; s.pop(); s &= {2, 3, 4, 5}; s.pop() (finger kept)
    let mut s = disp(&["1", "2", "3", "4"]);
    pop(&mut s);
    let r = intersection(&s, &disp(&["2", "3", "4", "5"]), &mut eq).unwrap();
    s.replace_body(r);
    assert_eq!(pop(&mut s), "2");
    assert_eq!(show(&s), "{3, 4}");
}

#[test]
fn algebra() {
    let u = |a: &[&str], b: &[&str]| show(&union(&disp(a), &disp(b), &mut eq).unwrap());
    let i = |a: &[&str], b: &[&str]| show(&intersection(&disp(a), &disp(b), &mut eq).unwrap());
    let d =
        |a: &[&str], b: &[&str]| show(&difference(&set_of(a), &set_of(b), &mut eq).unwrap());
    let x = |a: &[&str], b: &[&str]| {
        show(&symmetric_difference(&set_of(a), &set_of(b), &mut eq).unwrap())
    };
    // 25: unions
    assert_eq!(u(&["1", "2", "3"], &["3", "4", "5"]), "{1, 2, 3, 4, 5}");
    assert_eq!(u(&["8", "16", "24"], &["0", "32"]), "{16, 0, 32, 8, 24}");
    assert_eq!(
        u(&["3", "2", "1"], &["9", "8", "7", "6", "5", "4"]),
        "{1, 2, 3, 4, 5, 6, 7, 8, 9}"
    );
    // 26: intersections walk the smaller set (the right one on ties)
    let r10 = int_range(1, 11, 1);
    assert_eq!(i(&strs(&r10), &["10", "3", "7"]), "{10, 3, 7}");
    assert_eq!(i(&["10", "3", "7"], &strs(&r10)), "{10, 3, 7}");
    assert_eq!(i(&["1"], &["1.0"]), "{1.0}");
    assert_eq!(i(&["1.0"], &["1"]), "{1}");
    // 27: differences (copy-and-discard vs rebuild)
    let r40 = int_range(0, 40, 1);
    let want27 = format!(
        "{{0, 1, 2, 3, 4, {}}}",
        strs(&int_range(7, 40, 1)).join(", ")
    );
    assert_eq!(d(&strs(&r40), &["5", "6"]), want27);
    assert_eq!(d(&["5", "6", "100"], &strs(&r40)), "{100}");
    assert_eq!(d(&["1", "9", "17", "25", "33"], &["9"]), "{1, 25, 17, 33}");
    // 28: symmetric differences
    assert_eq!(
        x(&["1", "2", "3", "9"], &["3", "4", "17"]),
        "{1, 2, 4, 9, 17}"
    );
    assert_eq!(
        x(&["3", "4", "17"], &["1", "2", "3", "9"]),
        "{1, 2, 4, 9, 17}"
    );
    let (a, b) = (int_range(0, 10, 1), int_range(5, 15, 1));
    assert_eq!(
        x(&strs(&a), &strs(&b)),
        "{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}"
    );
    // 29: x = {1, 9, 17}; x & x, x | x, x - x, x ^ x
    let s = disp(&["1", "9", "17"]);
    assert_eq!(show(&intersection(&s, &s, &mut eq).unwrap()), "{1, 9, 17}");
    assert_eq!(show(&union(&s, &s, &mut eq).unwrap()), "{1, 9, 17}");
    assert_eq!(show(&difference(&s, &s, &mut eq).unwrap()), "set()");
    assert_eq!(
        show(&symmetric_difference(&s, &s, &mut eq).unwrap()),
        "set()"
    );
    // 46: big = set(range(64)); {63, 1} - big; big & {200, 63, 5}; len(big - {1})
    let big = set_of(&strs(&int_range(0, 64, 1)));
    assert_eq!(
        show(&difference(&disp(&["63", "1"]), &big, &mut eq).unwrap()),
        "set()"
    );
    assert_eq!(
        show(&intersection(&big, &disp(&["200", "63", "5"]), &mut eq).unwrap()),
        "{5, 63}"
    );
    assert_eq!(difference(&big, &disp(&["1"]), &mut eq).unwrap().len(), 63);
}

#[test]
fn in_place_and_iterables() {
    // 30: w = {17, 9, 1}; w |= w (a no-op, not called); then
    //     w |= w.copy(): no new element, but the pre-sizing resizes.
    let mut w = disp(&["17", "9", "1"]);
    assert_eq!(show(&w), "{17, 9, 1}");
    let c = w.copy();
    update(&mut w, &c, &mut eq).unwrap();
    assert_eq!(show(&w), "{17, 1, 9}");
    // 31: s = {1, 2, 3}; s -= set(range(100)) (intersection shortcut)
    let mut s = disp(&["1", "2", "3"]);
    difference_update(&mut s, &set_of(&strs(&int_range(0, 100, 1))), &mut eq).unwrap();
    assert_eq!((show(&s), s.table_size()), ("set()".to_string(), 8));
    // 32: s = set(range(100)); s -= set(range(90))
    let mut s = set_of(&strs(&int_range(0, 100, 1)));
    difference_update(&mut s, &set_of(&strs(&int_range(0, 90, 1))), &mut eq).unwrap();
    assert_eq!(show(&s), "{90, 91, 92, 93, 94, 95, 96, 97, 98, 99}");
    // 33: s = {i * 64 for i in range(30)}; s -= {i * 64 for i in range(27)}
    let m64 = |n: i64| (0..n).map(|i| (i * 64).to_string()).collect::<Vec<_>>();
    let mut s = set_of(&strs(&m64(30)));
    difference_update(&mut s, &set_of(&strs(&m64(27))), &mut eq).unwrap();
    assert_eq!(show(&s), "{1792, 1728, 1856}");
    // 35: s = {1, 2, 3}; s.symmetric_difference_update([3, 4, 4, 12, 1])
    let mut s = disp(&["1", "2", "3"]);
    symmetric_difference_update_iter(&mut s, items(&["3", "4", "4", "12", "1"]), &mut eq)
        .unwrap();
    assert_eq!(show(&s), "{2, 4, 12}");
    // 38: s = {5, 13}; s.update([21, 5, 29])
    let mut s = disp(&["5", "13"]);
    update_iter(&mut s, items(&["21", "5", "29"]), &mut eq).unwrap();
    assert_eq!(show(&s), "{29, 13, 21, 5}");
    // 40: {1, 2, 3}.intersection([3, 2, 99]); .difference([2]); {1}.union([9, 17], {25})
    let s = disp(&["1", "2", "3"]);
    assert_eq!(
        show(&intersection_iter(&s, items(&["3", "2", "99"]), &mut eq).unwrap()),
        "{2, 3}"
    );
    assert_eq!(
        show(&difference_iter(&s, items(&["2"]), &mut eq).unwrap()),
        "{1, 3}"
    );
    let mut u = disp(&["1"]).copy();
    update_iter(&mut u, items(&["9", "17"]), &mut eq).unwrap();
    update(&mut u, &disp(&["25"]), &mut eq).unwrap();
    assert_eq!(show(&u), "{1, 25, 9, 17}");
    // 45: s = frozenset([33, 1, 65]); set(s) | {97}; s.union([2])
    let f = set_of(&["33", "1", "65"]);
    assert_eq!(
        show(&union(&f.copy(), &disp(&["97"]), &mut eq).unwrap()),
        "{65, 33, 1, 97}"
    );
    let mut g = f.copy();
    update_iter(&mut g, items(&["2"]), &mut eq).unwrap();
    assert_eq!(show(&g), "{65, 33, 2, 1}");
}

#[test]
fn comparisons() {
    // 41: {1, 2} <= {1, 2, 3}, {1, 2} < {1, 2}, {1, 2, 3} >= {3}, {1, 2} == {2.0, 1},
    //     {1}.isdisjoint({2}), {1, 2}.isdisjoint({2, 3}),
    //     {1, 2}.issubset([1, 2, 5]), {1, 2}.issuperset([1, 9])
    let (a, b) = (disp(&["1", "2"]), disp(&["1", "2", "3"]));
    assert!(issubset(&a, &b, &mut eq).unwrap());
    assert!(!(a.len() < a.len() && issubset(&a, &a, &mut eq).unwrap()));
    assert!(issuperset(&b, &disp(&["3"]), &mut eq).unwrap());
    assert!(set_eq(&a, &disp(&["2.0", "1"]), &mut eq).unwrap());
    assert!(isdisjoint(&disp(&["1"]), &disp(&["2"]), &mut eq).unwrap());
    assert!(!isdisjoint(&a, &disp(&["2", "3"]), &mut eq).unwrap());
    assert!(issubset_iter(&a, items(&["1", "2", "5"]), &mut eq).unwrap());
    assert!(!issuperset_iter(&a, items(&["1", "9"]), &mut eq).unwrap());
    assert!(isdisjoint_iter(&a, items(&["7"]), &mut eq).unwrap());
    assert!(!set_eq(&a, &b, &mut eq).unwrap());
}

#[test]
fn failing_eq_aborts_cleanly() {
    let mut s = disp(&["1", "9", "17"]);
    let before = s.debug_layout();
    let mut boom = |_: &K, _: &K| -> Result<bool, &str> { Err("boom") };
    let (k, h) = key("25");
    // 25 collides with nothing; 1.0 (hash 1) must be compared with 1.
    assert_eq!(s.insert(h, k, &mut boom), Ok(true));
    discard(&mut s, "25");
    let before2 = s.debug_layout();
    let (k, h) = key("1.0");
    assert_eq!(s.insert(h, k.clone(), &mut boom), Err("boom"));
    assert!(
        s.remove(h, &mut |_| -> Result<bool, &str> { Err("x") })
            .is_err()
    );
    assert_eq!(s.debug_layout(), before2);
    let other = disp(&["1.0", "33"]);
    assert_eq!(update(&mut s, &other, &mut boom), Err("boom"));
    assert_eq!(
        intersection(&s, &other, &mut boom).map(|r| r.len()),
        Err("boom")
    );
    assert_ne!(before, "");
}

#[test]
fn arbitrary_hashes_never_panic() {
    // All keys share one hash (long probe chains), extreme values,
    // -1 (impossible in CPython), then churn through pops and removals.
    let mut s: SetTable<u32> = SetTable::new();
    let mut e = |a: &u32, b: &u32| -> Result<bool, Infallible> { Ok(a == b) };
    let hashes = [i64::MIN, i64::MAX, -1, 0, 1, -2];
    for i in 0..600u32 {
        let h = if i < 300 {
            12345
        } else {
            hashes[i as usize % hashes.len()]
        };
        assert!(s.insert(h, i, &mut e).unwrap());
    }
    assert_eq!(s.len(), 600);
    for i in (0..600u32).step_by(2) {
        let h = if i < 300 {
            12345
        } else {
            hashes[i as usize % hashes.len()]
        };
        assert_eq!(
            s.remove(h, &mut |x| Ok::<bool, Infallible>(*x == i))
                .unwrap(),
            Some(i)
        );
    }
    while s.pop().is_some() {}
    assert!(s.is_empty());
    assert_eq!(s.pop(), None);
    assert_eq!(s.next_entry(0), None);
}

//! Expected strings generated from CPython 3.11.7 (`gen_tests.py`).
#![allow(clippy::approx_constant)]

use super::*;
use num_bigint::BigInt;

fn check(r: Result<String, FormatError>, expected: &str, what: &str) {
    let got = match r {
        Ok(s) => s,
        Err(e) => format!("!{e}"),
    };
    assert_eq!(got, expected, "{what}");
}

fn big(s: &str) -> BigInt {
    s.parse().unwrap()
}

/// (value, spec, expected) rows; expected `!Kind: message` means an error.
const INT_CASES: &[(&str, &str, &str)] = &[
    ("42", "", "42"),
    ("-42", "", "-42"),
    ("42", "d", "42"),
    ("42", "5", "   42"),
    ("42", "<5", "42   "),
    ("42", "^5", " 42  "),
    ("42", "=5", "   42"),
    ("-42", "=6", "-   42"),
    ("-42", "^7", "  -42  "),
    ("42", "*^7", "**42***"),
    ("42", "+", "+42"),
    ("42", " ", " 42"),
    ("-42", " ", "-42"),
    ("42", "-", "42"),
    ("0", "+d", "+0"),
    ("-5", "05d", "-0005"),
    ("-5", "05", "-0005"),
    ("5", "05", "00005"),
    ("-5", "<05", "-5000"),
    ("-5", "^05", "0-500"),
    ("-5", "x>05", "xxx-5"),
    ("42", "08b", "00101010"),
    ("42", "#b", "0b101010"),
    ("42", "#o", "0o52"),
    ("255", "#x", "0xff"),
    ("255", "#X", "0XFF"),
    ("-255", "#x", "-0xff"),
    ("-255", "#010x", "-0x00000ff"),
    ("255", "#010X", "0X000000FF"),
    ("255", "x", "ff"),
    ("255", "X", "FF"),
    ("5", "b", "101"),
    ("8", "o", "10"),
    ("97", "c", "a"),
    ("128512", "c", "😀"),
    ("97", ">3c", "  a"),
    ("9786", "^5c", "  ☺  "),
    ("1234567", ",", "1,234,567"),
    ("1234567", "_", "1_234_567"),
    ("-1234567", ",", "-1,234,567"),
    ("1234567", "15,", "      1,234,567"),
    ("1234567", "015,", "000,001,234,567"),
    ("1234", "010,", "00,001,234"),
    ("1234", "0=10,", "00,001,234"),
    ("1234567", "_d", "1_234_567"),
    ("3735928559", "_x", "dead_beef"),
    ("3735928559", "#_X", "0XDEAD_BEEF"),
    ("255", "_b", "1111_1111"),
    ("-1048575", "#_x", "-0xf_ffff"),
    ("2054353", "_o", "765_4321"),
    (
        "1267650600228229401496703205376",
        ",",
        "1,267,650,600,228,229,401,496,703,205,376",
    ),
    (
        "-1267650600228229401496703205376",
        "_",
        "-1_267_650_600_228_229_401_496_703_205_376",
    ),
    (
        "1267650600228229401496703205376",
        "x",
        "10000000000000000000000000",
    ),
    (
        "1267650600228229401496703205376",
        "#b",
        "0b10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    ),
    ("18446744073709551616", "+,", "+18,446,744,073,709,551,616"),
    ("1234567", "n", "1234567"),
    ("42", "n", "42"),
    ("3", "e", "3.000000e+00"),
    ("3", ".2e", "3.00e+00"),
    ("3", "f", "3.000000"),
    ("3", ".1f", "3.0"),
    ("3", "g", "3"),
    ("12345678", "g", "1.23457e+07"),
    ("1", "%", "100.000000%"),
    ("1", ".0%", "100%"),
    ("1267650600228229401496703205376", "e", "1.267651e+30"),
    ("1267650600228229401496703205376", ".3g", "1.27e+30"),
    ("100000000000000000000", "f", "100000000000000000000.000000"),
    ("9007199254740993", "f", "9007199254740992.000000"),
    ("7", "E", "7.000000E+00"),
    ("-7", "G", "-7"),
    (
        "5",
        "1000000000000000000000",
        "!ValueError: Too many decimal digits in format string",
    ),
    (
        "5",
        ".2",
        "!ValueError: Precision not allowed in integer format specifier",
    ),
    (
        "5",
        "z",
        "!ValueError: Negative zero coercion (z) not allowed in integer format specifier",
    ),
    (
        "5",
        "zd",
        "!ValueError: Negative zero coercion (z) not allowed in integer format specifier",
    ),
    (
        "5",
        "#c",
        "!ValueError: Alternate form (#) not allowed with integer format specifier 'c'",
    ),
    (
        "5",
        "+c",
        "!ValueError: Sign not allowed with integer format specifier 'c'",
    ),
    ("5", ",c", "!ValueError: Cannot specify ',' with 'c'."),
    ("-1", "c", "!OverflowError: %c arg not in range(0x110000)"),
    (
        "1114112",
        "c",
        "!OverflowError: %c arg not in range(0x110000)",
    ),
    (
        "1180591620717411303424",
        "c",
        "!OverflowError: Python int too large to convert to C long",
    ),
    (
        "179769313486231590772930519078902473361797697894230657273430081157732675805500963132708477322407536021120113879871393357658789768814416622492847430639474124377767893424865485276302219601246094119453082952085005768838150682342462881473913110540827237163350510684586298239947245938479716304835356329624224137216",
        "e",
        "!OverflowError: int too large to convert to float",
    ),
    (
        "5",
        "s",
        "!ValueError: Unknown format code 's' for object of type 'int'",
    ),
    (
        "5",
        "z5",
        "!ValueError: Negative zero coercion (z) not allowed in integer format specifier",
    ),
    ("5", ",_", "!ValueError: Cannot specify both ',' and '_'."),
    ("5", "_,", "!ValueError: Cannot specify both ',' and '_'."),
    (
        "5",
        "abc",
        "!ValueError: Invalid format specifier 'abc' for object of type 'int'",
    ),
    ("5", ".", "!ValueError: Format specifier missing precision"),
    ("5", ",x", "!ValueError: Cannot specify ',' with 'x'."),
    ("5", ",n", "!ValueError: Cannot specify ',' with 'n'."),
    ("5", "_n", "!ValueError: Cannot specify '_' with 'n'."),
    (
        "5",
        "",
        "!ValueError: Unknown format code '\\x80' for object of type 'int'",
    ),
    ("5", "٥", "    5"),
    ("5", "١٠", "         5"),
    ("5", "<<5", "5<<<<"),
    ("5", "0", "5"),
    ("5", "00", "5"),
    ("5", "+#x", "+0x5"),
    ("-5", "+#o", "-0o5"),
    ("5", " #b", " 0b101"),
    ("0", "#x", "0x0"),
    ("0", "b", "0"),
];

#[test]
fn int_specs() {
    for &(v, spec, expected) in INT_CASES {
        let b = big(v);
        check(
            format_int(&b, spec),
            expected,
            &format!("format({v}, {spec:?})"),
        );
        if let Ok(small) = i64::try_from(&b) {
            check(
                format_i64(small, spec),
                expected,
                &format!("format_i64({v}, {spec:?})"),
            );
        }
    }
}

/// (value, spec, expected) rows for floats.
const FLOAT_CASES: &[(f64, &str, &str)] = &[
    (1.5, "", "1.5"),
    (1.0, "", "1.0"),
    (1e+16, "", "1e+16"),
    (1e+16, ">10", "     1e+16"),
    (1.5, ".3", "1.5"),
    (2.0, ".3", "2.0"),
    (123.0, ".3", "1.23e+02"),
    (123.456, ".3", "1.23e+02"),
    (1e+16, "#", "1.e+16"),
    (1.0, "#", "1.0"),
    (-0.0, "", "-0.0"),
    (-0.0, "z", "0.0"),
    (-0.0, "z.2f", "0.00"),
    (-0.0001, "z.2f", "0.00"),
    (-0.0001, "z.2e", "-1.00e-04"),
    (3.14159, "f", "3.141590"),
    (3.14159, ".2f", "3.14"),
    (3.14159, "08.3f", "0003.142"),
    (-3.14159, "08.3f", "-003.142"),
    (3.14159, "+.1e", "+3.1e+00"),
    (1234.5, "e", "1.234500e+03"),
    (1234.5, "E", "1.234500E+03"),
    (1.234e-05, "g", "1.234e-05"),
    (1234567.0, "g", "1.23457e+06"),
    (123456.0, "g", "123456"),
    (1e-05, "G", "1E-05"),
    (1e+20, "G", "1E+20"),
    (0.125, ".2f", "0.12"),
    (0.375, ".2f", "0.38"),
    (2.675, ".2f", "2.67"),
    (1.005, ".2f", "1.00"),
    (2.5, ".0f", "2"),
    (3.5, ".0f", "4"),
    (0.5, ".0f", "0"),
    (9.995, ".2f", "9.99"),
    (1.5, ".0e", "2e+00"),
    (2.5, ".0e", "2e+00"),
    (1234567.891, ",.2f", "1,234,567.89"),
    (1234567.891, "_.3f", "1_234_567.891"),
    (1234567.891, ",", "1,234,567.891"),
    (1234567.891, "015,.2f", "0,001,234,567.89"),
    (-1234567.891, "020,.2f", "-0,000,001,234,567.89"),
    (1e+20, ",.0f", "100,000,000,000,000,000,000"),
    (1234.5, ",e", "1.234500e+03"),
    (0.25, "%", "25.000000%"),
    (0.25, ".1%", "25.0%"),
    (1.5, "%", "150.000000%"),
    (0.3333333333333333, ".2%", "33.33%"),
    (1.5, "10", "       1.5"),
    (1.5, "<10", "1.5       "),
    (1.5, "^10", "   1.5    "),
    (1.5, "=^10", "===1.5===="),
    (-1.5, "=10", "-      1.5"),
    (1.5, "*>+10.2f", "*****+1.50"),
    (1.5, "010", "00000001.5"),
    (-1.5, "010", "-0000001.5"),
    (1.0, "#.0f", "1."),
    (1.0, "#.0e", "1.e+00"),
    (1.0, "#g", "1.00000"),
    (1.5, "#.3g", "1.50"),
    (100.0, "#.2g", "1.0e+02"),
    (1e+16, "#.3", "1.00e+16"),
    (f64::INFINITY, "", "inf"),
    (-f64::INFINITY, "", "-inf"),
    (f64::NAN, "", "nan"),
    (-f64::NAN, "", "nan"),
    (f64::INFINITY, "f", "inf"),
    (f64::INFINITY, "F", "INF"),
    (f64::NAN, "E", "NAN"),
    (f64::INFINITY, "010", "0000000inf"),
    (f64::NAN, "+010", "+000000nan"),
    (-f64::INFINITY, "^9", "  -inf   "),
    (f64::INFINITY, "%", "inf%"),
    (1234.5, "n", "1234.5"),
    (1234567.0, "n", "1.23457e+06"),
    (
        1.5,
        ".60f",
        "1.500000000000000000000000000000000000000000000000000000000000",
    ),
    (0.1, ".30f", "0.100000000000000005551115123126"),
    (0.1, ".25g", "0.1000000000000000055511151"),
    (5e-324, ".3e", "4.941e-324"),
    (5e-324, "g", "4.94066e-324"),
    (1.7976931348623157e+308, "e", "1.797693e+308"),
    (
        1.7976931348623157e+308,
        ",.0f",
        "179,769,313,486,231,570,814,527,423,731,704,356,798,070,567,525,844,996,598,917,476,803,157,260,780,028,538,760,589,558,632,766,878,171,540,458,953,514,382,464,234,321,326,889,464,182,768,467,546,703,537,516,986,049,910,576,551,282,076,245,490,090,389,328,944,075,868,508,455,133,942,304,583,236,903,222,948,165,808,559,332,123,348,274,797,826,204,144,723,168,738,177,180,919,299,881,250,404,026,184,124,858,368",
    ),
    (
        1.5,
        "d",
        "!ValueError: Unknown format code 'd' for object of type 'float'",
    ),
    (
        1.5,
        "x",
        "!ValueError: Unknown format code 'x' for object of type 'float'",
    ),
    (
        1.5,
        "c",
        "!ValueError: Unknown format code 'c' for object of type 'float'",
    ),
    (
        1.5,
        "s",
        "!ValueError: Unknown format code 's' for object of type 'float'",
    ),
    (
        1.5,
        "abc",
        "!ValueError: Invalid format specifier 'abc' for object of type 'float'",
    ),
    (
        1.5,
        "#x",
        "!ValueError: Unknown format code 'x' for object of type 'float'",
    ),
    (1.5, ",n", "!ValueError: Cannot specify ',' with 'n'."),
    (1.5, ".2147483648f", "!ValueError: precision too big"),
    (1.5, ".", "!ValueError: Format specifier missing precision"),
    (1.5, "_,", "!ValueError: Cannot specify both ',' and '_'."),
    (1.5, "_g", "1.5"),
    (12345.678, "_g", "12_345.7"),
    (1.5, "\u{0}", "1.5"),
    (1e-07, "", "1e-07"),
    (0.0001, ".3", "0.0001"),
    (0.0001, "g", "0.0001"),
    (1e-05, "g", "1e-05"),
    (1000000000000000.0, ".16", "1e+15"),
    (1e+16, ".16", "1e+16"),
    (1e+16, ".17", "1e+16"),
    (123456789.0, "", "123456789.0"),
    (123456789.0, ".9", "1.23456789e+08"),
    (123456789.0, ".8", "1.2345679e+08"),
];

#[test]
fn float_specs() {
    for &(v, spec, expected) in FLOAT_CASES {
        check(
            format_float(v, spec),
            expected,
            &format!("format({v:?}, {spec:?})"),
        );
    }
}

/// (value, spec, expected) rows for strings.
const STR_CASES: &[(&str, &str, &str)] = &[
    ("abc", "", "abc"),
    ("abc", "5", "abc  "),
    ("abc", "<5", "abc  "),
    ("abc", ">5", "  abc"),
    ("abc", "^6", " abc  "),
    ("abc", "*^7", "**abc**"),
    ("abc", ".2", "ab"),
    ("abc", "5.1", "a    "),
    ("abc", ">08", "00000abc"),
    ("abc", "08", "abc00000"),
    ("abc", "s", "abc"),
    (
        "abc",
        "=5",
        "!ValueError: '=' alignment not allowed in string format specifier",
    ),
    (
        "abc",
        "+",
        "!ValueError: Sign not allowed in string format specifier",
    ),
    (
        "abc",
        " ",
        "!ValueError: Space not allowed in string format specifier",
    ),
    (
        "abc",
        "#",
        "!ValueError: Alternate form (#) not allowed in string format specifier",
    ),
    (
        "abc",
        "z",
        "!ValueError: Negative zero coercion (z) not allowed in string format specifier",
    ),
    ("abc", ",", "!ValueError: Cannot specify ',' with 's'."),
    ("abc", "_", "!ValueError: Cannot specify '_' with 's'."),
    (
        "abc",
        "d",
        "!ValueError: Unknown format code 'd' for object of type 'str'",
    ),
    (
        "abc",
        "c",
        "!ValueError: Unknown format code 'c' for object of type 'str'",
    ),
    ("abc", "x<", "abc"),
    ("abc", ".0", ""),
    ("abc", ".10", "abc"),
    ("héllo", "^9", "  héllo  "),
    ("日本語", ">6", "   日本語"),
    ("😀", "*^5", "**😀**"),
    ("€uro", ".2", "€u"),
    ("é", "é>4", "éééé"),
    ("abc", "2", "abc"),
    ("", "3", "   "),
    (
        "abc",
        "abc",
        "!ValueError: Invalid format specifier 'abc' for object of type 'str'",
    ),
    (
        "abc",
        ".",
        "!ValueError: Format specifier missing precision",
    ),
    (
        "abc",
        "1000000000000000000000",
        "!ValueError: Too many decimal digits in format string",
    ),
    ("ab\ncd", "<6", "ab\ncd "),
];

#[test]
fn str_specs() {
    for &(v, spec, expected) in STR_CASES {
        check(
            format_str(v, spec),
            expected,
            &format!("format({v:?}, {spec:?})"),
        );
    }
}

/// (value, repr) rows.
const REPR_CASES: &[(f64, &str)] = &[
    (0.30000000000000004, "0.30000000000000004"),
    (0.1, "0.1"),
    (1e+16, "1e+16"),
    (1e-05, "1e-05"),
    (1.2345678901234568e+17, "1.2345678901234568e+17"),
    (0.0001, "0.0001"),
    (1e+22, "1e+22"),
    (-0.0, "-0.0"),
    (0.0, "0.0"),
    (f64::INFINITY, "inf"),
    (-f64::INFINITY, "-inf"),
    (f64::NAN, "nan"),
    (5e-324, "5e-324"),
    (1.7976931348623157e+308, "1.7976931348623157e+308"),
    (100.0, "100.0"),
    (1234567890123456.0, "1234567890123456.0"),
    (1.2345678901234568e+16, "1.2345678901234568e+16"),
    (1000000000000000.0, "1000000000000000.0"),
    (9999999999999998.0, "9999999999999998.0"),
    (1.5, "1.5"),
    (-2.5, "-2.5"),
    (2.9802322387695312e-08, "2.9802322387695312e-08"),
    (1.4901161193847656e-08, "1.4901161193847656e-08"),
    (6.1005353927612305e-05, "6.1005353927612305e-05"),
    (1.152921504606847e+18, "1.152921504606847e+18"),
    (0.3333333333333333, "0.3333333333333333"),
    (0.6666666666666666, "0.6666666666666666"),
    (0.00015000000000000001, "0.00015000000000000001"),
    (3e-05, "3e-05"),
    (1e+100, "1e+100"),
    (2.2250738585072014e-308, "2.2250738585072014e-308"),
    (4.35, "4.35"),
    (0.3, "0.3"),
    (1e+23, "1e+23"),
    (123.456, "123.456"),
    (100000.0, "100000.0"),
    (1000000.0, "1000000.0"),
];

#[test]
fn float_reprs() {
    for &(v, expected) in REPR_CASES {
        assert_eq!(float_repr(v), expected, "repr of bits {:#x}", v.to_bits());
        assert_eq!(format_float(v, "").unwrap(), expected);
    }
}

#[test]
fn huge_widths_do_not_crash() {
    // CPython raises MemoryError for these (checked with python3 3.11.7).
    let mem = "!MemoryError";
    check(format_i64(1, "1099511627776"), mem, "int width 2**40");
    check(format_str("a", "1099511627776"), mem, "str width 2**40");
    check(format_float(1.5, "1099511627776"), mem, "float width 2**40");
    check(
        format_float(1.5, ".1099511627776"),
        "!ValueError: precision too big",
        "float precision",
    );
    check(
        format_i64(1, "9223372036854775808"),
        "!ValueError: Too many decimal digits in format string",
        "width overflow",
    );
    check(
        format_i64(1, "9223372036854775807"),
        mem,
        "width isize::MAX",
    );
}

#[test]
fn type_names_in_messages() {
    check(
        format_int_as(IntRef::Small(1), "z", "bool"),
        "!ValueError: Negative zero coercion (z) not allowed in integer format specifier",
        "bool z",
    );
    check(
        format_int_as(IntRef::Small(1), "q", "bool"),
        "!ValueError: Unknown format code 'q' for object of type 'bool'",
        "bool q",
    );
    check(
        format_int_as(IntRef::Small(1), ">4", "bool"),
        "   1",
        "bool width",
    );
}

#[test]
fn parse_spec_fields() {
    let s = parse_spec("*^+z#012_.3f", None, "float").unwrap();
    assert_eq!(s.fill, Some('*'));
    assert_eq!(s.align, Some('^'));
    assert_eq!(s.sign, Some('+'));
    assert!(s.no_neg_0 && s.alternate);
    assert!(!s.zero); // explicit fill: the 0 starts the width
    assert_eq!(s.width, Some(12));
    assert_eq!(s.grouping, Some('_'));
    assert_eq!(s.precision, Some(3));
    assert_eq!(s.ty, Some('f'));
    let z = parse_spec("010", Some('d'), "int").unwrap();
    assert!(z.zero);
    assert_eq!(
        (z.fill_char(), z.align_char('>'), z.width),
        ('0', '=', Some(10))
    );
    assert_eq!(z.align_char('<'), '<');
}

#[test]
fn int_to_float_rounding() {
    let two = BigInt::from(2);
    let p = |e: u32| -> BigInt { num_traits::pow(two.clone(), e as usize) };
    assert_eq!(bigint_to_f64(&(p(53) + 1u32)).unwrap(), 9007199254740992.0);
    assert_eq!(bigint_to_f64(&(p(54) + 3u32)).unwrap(), 18014398509481988.0);
    assert_eq!(
        bigint_to_f64(&(p(64) - 1u32)).unwrap(),
        18446744073709551616.0
    );
    assert_eq!(
        bigint_to_f64(&-(p(100) + 1u32)).unwrap(),
        -1267650600228229401496703205376.0
    );
    assert_eq!(bigint_to_f64(&(p(1024) - p(971))).unwrap(), f64::MAX);
    let over = bigint_to_f64(&(p(1024) - p(970))).unwrap_err();
    assert_eq!(
        over.to_string(),
        "OverflowError: int too large to convert to float"
    );
}

#[test]
fn char_codes() {
    assert_eq!(char_from_code(0x41).unwrap(), 'A');
    assert_eq!(char_from_code(0x10ffff).unwrap(), '\u{10ffff}');
    assert_eq!(
        char_from_code(0x110000).unwrap_err().to_string(),
        "OverflowError: %c arg not in range(0x110000)"
    );
    // Lone surrogates cannot live in a Rust string (CPython keeps them).
    assert_eq!(char_from_code(0xd800).unwrap(), '\u{fffd}');
}

#[test]
fn double_to_string_codes() {
    let d = |x: f64, c: char, p: usize, alt: bool| {
        double_to_string(x, c, p, alt, false, false).unwrap()
    };
    assert_eq!(d(1234.5, 'e', 2, false), "1.23e+03");
    assert_eq!(d(1234.5, 'E', 0, true), "1.E+03");
    assert_eq!(d(0.000123, 'g', 6, false), "0.000123");
    assert_eq!(d(-0.0, 'f', 1, false), "-0.0");
    assert_eq!(
        double_to_string(-0.0, 'f', 1, false, false, true).unwrap(),
        "0.0"
    );
    assert_eq!(d(f64::NAN, 'G', 6, false), "NAN");
    assert_eq!(d(1e300, 'e', 3, false), "1.000e+300");
}

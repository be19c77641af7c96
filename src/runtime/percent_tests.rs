//! Expected strings generated from CPython 3.11.7 (`gen_tests.py`).
#![allow(clippy::approx_constant)]

use super::super::format::float_repr;
use super::*;

use num_bigint::BigInt;

/// A minimal stand-in for interpreter values.
#[derive(Clone, Debug)]
enum V {
    Int(BigInt),
    Bool(bool),
    Float(f64),
    Str(String),
    None,
    Tuple(Vec<V>),
}

fn int(s: &str) -> V {
    V::Int(s.parse().unwrap())
}

impl PercentValue for V {
    type Error = String;
    fn as_int(&self) -> Option<IntValue> {
        match self {
            V::Int(b) => Some(match i64::try_from(b) {
                Ok(v) => IntValue::Small(v),
                Err(_) => IntValue::Big(b.clone()),
            }),
            V::Bool(b) => Some(IntValue::Small(*b as i64)),
            _ => None,
        }
    }
    fn as_float(&self) -> Option<f64> {
        if let V::Float(f) = self {
            Some(*f)
        } else {
            None
        }
    }
    fn as_str(&self) -> Option<&str> {
        if let V::Str(s) = self { Some(s) } else { None }
    }
    fn to_str(&self) -> Result<String, String> {
        match self {
            V::Str(s) => Ok(s.clone()),
            _ => self.to_repr(),
        }
    }
    fn to_repr(&self) -> Result<String, String> {
        Ok(match self {
            V::Int(b) => b.to_string(),
            V::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            V::Float(f) => float_repr(*f),
            V::Str(s) => format!("'{s}'"),
            V::None => "None".to_string(),
            V::Tuple(t) => {
                let items: Vec<String> = t.iter().map(|v| v.to_repr().unwrap()).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
        })
    }
    fn type_name(&self) -> String {
        match self {
            V::Int(_) => "int",
            V::Bool(_) => "bool",
            V::Float(_) => "float",
            V::Str(_) => "str",
            V::None => "NoneType",
            V::Tuple(_) => "tuple",
        }
        .to_string()
    }
}

fn show(r: Result<String, PercentError<String>>) -> String {
    match r {
        Ok(s) => s,
        Err(PercentError::Format(e)) => format!("!{e}"),
        Err(PercentError::Value(e)) => format!("!{e}"),
    }
}

fn tuple(fmt: &str, args: Vec<V>, expected: &str) {
    assert_eq!(
        show(percent_format(fmt, PercentArgs::Tuple(&args))),
        expected,
        "{fmt:?} % {args:?}"
    );
}

fn single(fmt: &str, arg: V, expected: &str) {
    assert_eq!(
        show(percent_format(fmt, PercentArgs::Single(&arg))),
        expected,
        "{fmt:?} % {arg:?}"
    );
}

/// Formats against {'a': 1, 'b': 'xy', 'c(d)': 2.5, '': 7}.
fn mapping(fmt: &str, expected: &str) {
    let items = [
        ("a", int("1")),
        ("b", V::Str("xy".into())),
        ("c(d)", V::Float(2.5)),
        ("", int("7")),
    ];
    let whole = V::Str("{'a': 1, 'b': 'xy', 'c(d)': 2.5, '': 7}".into());
    let mut lookup = |k: &str| {
        items
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("KeyError: '{k}'"))
    };
    let r = percent_format(
        fmt,
        PercentArgs::Mapping {
            value: &whole,
            lookup: &mut lookup,
        },
    );
    assert_eq!(show(r), expected, "{fmt:?} % dict");
}

#[test]
fn tuple_args() {
    tuple("%s", vec![V::Str("abc".into())], "abc");
    tuple("%r", vec![V::Str("abc".into())], "'abc'");
    tuple(
        "%a",
        vec![V::Str("é😀ሴ".into())],
        "'\\xe9\\U0001f600\\u1234'",
    );
    tuple("%s", vec![V::Float(1.5)], "1.5");
    tuple("%r", vec![V::Float(1e+16)], "1e+16");
    tuple("%s", vec![V::Bool(true)], "True");
    tuple("%d", vec![V::Bool(true)], "1");
    tuple("%s", vec![V::None], "None");
    tuple("%d", vec![int("42")], "42");
    tuple("%i", vec![int("-42")], "-42");
    tuple("%u", vec![int("7")], "7");
    tuple("%x", vec![int("255")], "ff");
    tuple("%X", vec![int("255")], "FF");
    tuple("%o", vec![int("8")], "10");
    tuple("%#x", vec![int("255")], "0xff");
    tuple("%#X", vec![int("255")], "0XFF");
    tuple("%#o", vec![int("8")], "0o10");
    tuple("%x", vec![int("-255")], "-ff");
    tuple("%#x", vec![int("-255")], "-0xff");
    tuple("%e", vec![V::Float(12345.678)], "1.234568e+04");
    tuple("%E", vec![V::Float(0.0001234)], "1.234000E-04");
    tuple("%f", vec![V::Float(3.14159)], "3.141590");
    tuple("%F", vec![V::Float(f64::INFINITY)], "INF");
    tuple("%g", vec![V::Float(1e-05)], "1e-05");
    tuple("%G", vec![V::Float(1e+20)], "1E+20");
    tuple("%g", vec![int("100000")], "100000");
    tuple("%g", vec![int("1000000")], "1e+06");
    tuple("%c", vec![int("65")], "A");
    tuple("%c", vec![V::Str("é".into())], "é");
    tuple("%%", vec![], "%");
    tuple("%5.2f", vec![V::Float(3.14159)], " 3.14");
    tuple("%-5s|", vec![V::Str("ab".into())], "ab   |");
    tuple("%05d", vec![int("42")], "00042");
    tuple("%05d", vec![int("-42")], "-0042");
    tuple("%+d", vec![int("5")], "+5");
    tuple("% d", vec![int("5")], " 5");
    tuple("%+05d", vec![int("3")], "+0003");
    tuple("% 05d", vec![int("3")], " 0003");
    tuple("%-05d|", vec![int("-3")], "-3   |");
    tuple("%.5d", vec![int("-42")], "-00042");
    tuple("%8.5d|", vec![int("-42")], "  -00042|");
    tuple("%08.5d|", vec![int("-42")], "-0000042|");
    tuple("%#.5x", vec![int("255")], "0x000ff");
    tuple("%#08x", vec![int("255")], "0x0000ff");
    tuple("%#8x", vec![int("255")], "    0xff");
    tuple("%-#8x|", vec![int("255")], "0xff    |");
    tuple("%+#8x|", vec![int("255")], "   +0xff|");
    tuple("%010.2f", vec![V::Float(-3.14159)], "-000003.14");
    tuple("%+.3e", vec![V::Float(1234.5)], "+1.234e+03");
    tuple("%#g", vec![V::Float(1.0)], "1.00000");
    tuple("%#.0f", vec![V::Float(1.0)], "1.");
    tuple("%.0g", vec![V::Float(1.5)], "2");
    tuple("%010f", vec![V::Float(-f64::INFINITY)], "-000000inf");
    tuple("%f", vec![V::Float(f64::NAN)], "nan");
    tuple("%.2s", vec![V::Str("abcdef".into())], "ab");
    tuple("%5.1s|", vec![V::Str("abc".into())], "    a|");
    tuple("%05s", vec![V::Str("ab".into())], "   ab");
    tuple("%5r|", vec![V::Str("a".into())], "  'a'|");
    tuple("%*d", vec![int("5"), int("42")], "   42");
    tuple("%-*d|", vec![int("5"), int("42")], "42   |");
    tuple("%*d|", vec![int("-5"), int("42")], "42   |");
    tuple("%.*f", vec![int("2"), V::Float(3.14159)], "3.14");
    tuple("%.*f", vec![int("-2"), V::Float(3.14159)], "3");
    tuple(
        "%*.*f|",
        vec![int("8"), int("2"), V::Float(3.14159)],
        "    3.14|",
    );
    tuple("%5c|", vec![V::Str("x".into())], "    x|");
    tuple("%-5c|", vec![int("97")], "a    |");
    tuple("%d", vec![V::Float(3.7)], "3");
    tuple("%d", vec![V::Float(-3.7)], "-3");
    tuple("%f", vec![V::Bool(true)], "1.000000");
    tuple("%x", vec![V::Bool(true)], "1");
    tuple(
        "%d",
        vec![int("1267650600228229401496703205376")],
        "1267650600228229401496703205376",
    );
    tuple(
        "%x",
        vec![int("1267650600228229401496703205376")],
        "10000000000000000000000000",
    );
    tuple(
        "%.3d",
        vec![int("1180591620717411303424")],
        "1180591620717411303424",
    );
    tuple("%ld %hd %Ld", vec![int("1"), int("2"), int("3")], "1 2 3");
    tuple("%s", vec![V::Tuple(vec![int("1"), int("2")])], "(1, 2)");
    tuple(
        "%s and %s",
        vec![V::Str("a".into()), V::Str("b".into())],
        "a and b",
    );
    tuple("%5.3s|", vec![V::Str("é€x!".into())], "  é€x|");
    tuple(
        "%f",
        vec![int("9007199254740992")],
        "9007199254740992.000000",
    );
    tuple("%", vec![], "!ValueError: incomplete format");
    tuple("abc%", vec![int("1")], "!ValueError: incomplete format");
    tuple(
        "%5%",
        vec![],
        "!TypeError: not enough arguments for format string",
    );
    tuple(
        "%5%",
        vec![int("1")],
        "!ValueError: unsupported format character '%' (0x25) at index 2",
    );
    tuple(
        "%z",
        vec![],
        "!TypeError: not enough arguments for format string",
    );
    tuple(
        "%z",
        vec![int("1")],
        "!ValueError: unsupported format character 'z' (0x7a) at index 1",
    );
    tuple(
        "%ሴ",
        vec![int("1")],
        "!ValueError: unsupported format character '?' (0x1234) at index 1",
    );
    tuple(
        "%s %s",
        vec![int("1")],
        "!TypeError: not enough arguments for format string",
    );
    tuple(
        "%s",
        vec![int("1"), int("2")],
        "!TypeError: not all arguments converted during string formatting",
    );
    tuple(
        "x",
        vec![int("1")],
        "!TypeError: not all arguments converted during string formatting",
    );
    tuple(
        "%%",
        vec![int("1")],
        "!TypeError: not all arguments converted during string formatting",
    );
    tuple(
        "%d",
        vec![V::Str("a".into())],
        "!TypeError: %d format: a real number is required, not str",
    );
    tuple(
        "%x",
        vec![V::Float(3.7)],
        "!TypeError: %x format: an integer is required, not float",
    );
    tuple(
        "%X",
        vec![V::Str("a".into())],
        "!TypeError: %X format: an integer is required, not str",
    );
    tuple(
        "%o",
        vec![V::None],
        "!TypeError: %o format: an integer is required, not NoneType",
    );
    tuple(
        "%i",
        vec![V::None],
        "!TypeError: %i format: a real number is required, not NoneType",
    );
    tuple(
        "%d",
        vec![V::Float(f64::INFINITY)],
        "!OverflowError: cannot convert float infinity to integer",
    );
    tuple(
        "%d",
        vec![V::Float(f64::NAN)],
        "!ValueError: cannot convert float NaN to integer",
    );
    tuple(
        "%f",
        vec![V::Str("a".into())],
        "!TypeError: must be real number, not str",
    );
    tuple(
        "%e",
        vec![V::None],
        "!TypeError: must be real number, not NoneType",
    );
    tuple(
        "%f",
        vec![int(
            "114813069527425452423283320117768198402231770208869520047764273682576626139237031385665948631650626991844596463898746277344711896086305533142593135616665318539129989145312280000688779148240044871428926990063486244781615463646388363947317026040466353970904996558162398808944629605623311649536164221970332681344168908984458505602379484807914058900934776500429002716706625830522008132236281291761267883317206598995396418127021779858404042159853183251540889433902091920554957783589672039160081957216630582755380425583726015528348786419432054508915275783882625175435528800822842770817965453762184851149029376",
        )],
        "!OverflowError: int too large to convert to float",
    );
    tuple(
        "%c",
        vec![V::Str("ab".into())],
        "!TypeError: %c requires int or char",
    );
    tuple(
        "%c",
        vec![V::Float(1.5)],
        "!TypeError: %c requires int or char",
    );
    tuple(
        "%c",
        vec![int("-1")],
        "!OverflowError: %c arg not in range(0x110000)",
    );
    tuple(
        "%c",
        vec![int("1208925819614629174706176")],
        "!OverflowError: %c arg not in range(0x110000)",
    );
    tuple(
        "%*d",
        vec![V::Str("a".into()), int("1")],
        "!TypeError: * wants int",
    );
    tuple(
        "%.*d",
        vec![V::Float(1.5), int("1")],
        "!TypeError: * wants int",
    );
    tuple(
        "%*d",
        vec![int("1180591620717411303424"), int("1")],
        "!OverflowError: Python int too large to convert to C ssize_t",
    );
    tuple(
        "%.*d",
        vec![int("1099511627776"), int("1")],
        "!OverflowError: Python int too large to convert to C int",
    );
    tuple("%l", vec![int("5")], "!ValueError: incomplete format");
    tuple("%.", vec![int("5")], "!ValueError: incomplete format");
    tuple("%-", vec![int("5")], "!ValueError: incomplete format");
    tuple(
        "%(a)s",
        vec![int("5")],
        "!TypeError: format requires a mapping",
    );
    tuple(
        "%999999999999999999999d",
        vec![int("5")],
        "!ValueError: width too big",
    );
    tuple(
        "%.99999999999d",
        vec![int("5")],
        "!ValueError: precision too big",
    );
    tuple(
        "%.2147483646d",
        vec![int("5")],
        "!OverflowError: precision too large",
    );
}

#[test]
fn single_args() {
    single("%s", V::Str("abc".into()), "abc");
    single("%d", int("5"), "5");
    single("%s", V::Tuple(vec![int("1"), int("2")]), "(1, 2)");
    single("%r", V::Float(2.5), "2.5");
    single(
        "x",
        int("5"),
        "!TypeError: not all arguments converted during string formatting",
    );
    single(
        "%s %s",
        int("5"),
        "!TypeError: not enough arguments for format string",
    );
    single(
        "%(a)s",
        V::Str("abc".into()),
        "!TypeError: format requires a mapping",
    );
    single("%5.1f", V::Float(2.25), "  2.2");
    single("%c", V::Str("é".into()), "é");
    single("%s", V::None, "None");
    single(
        "%z",
        int("1"),
        "!ValueError: unsupported format character 'z' (0x7a) at index 1",
    );
    single(
        "%%",
        int("1"),
        "!TypeError: not all arguments converted during string formatting",
    );
}

#[test]
fn mapping_args() {
    mapping("%(a)s", "1");
    mapping("%(a)d %(b)s", "1 xy");
    mapping("%(c(d))5.1f|", "  2.5|");
    mapping("%()s", "7");
    mapping("%(a)s%%", "1%");
    mapping("%(a)s %(a)r %(b)r", "1 1 'xy'");
    mapping("%(zz)s", "!KeyError: 'zz'");
    mapping("%(a", "!ValueError: incomplete format key");
    mapping("%(a)", "!ValueError: incomplete format");
    mapping(
        "%(a)s %s",
        "!TypeError: not enough arguments for format string",
    );
    mapping("%s%(a)s", "{'a': 1, 'b': 'xy', 'c(d)': 2.5, '': 7}1");
    mapping("x", "x");
    mapping(
        "%(a)*d",
        "!TypeError: not enough arguments for format string",
    );
    mapping("%(b)-5s|", "xy   |");
    mapping("%(a)#x", "0x1");
    // Any subscriptable non-tuple (e.g. a list) suppresses the surplus check.
    mapping("plain", "plain");
}

//! CPython 3.11 (64-bit) hash functions for numbers and tuples.
//!
//! Every function here is pure and reproduces the value `hash(x)` that
//! CPython 3.11 returns on a 64-bit platform, where numeric hashes are
//! reductions modulo the Mersenne prime `2**61 - 1` (so equal numbers of
//! different types hash alike: `hash(1) == hash(1.0) == hash(True)`).
//! No function can return `-1`: like CPython, `-1` is mapped to `-2`
//! (CPython reserves `-1` as its error marker).

use num_bigint::{BigInt, Sign};
use num_traits::ToPrimitive;

/// Number of bits of the numeric hash modulus (`sys.hash_info.width` is 64,
/// `_PyHASH_BITS` is 61).
pub const HASH_BITS: u32 = 61;
/// The numeric hash modulus `2**61 - 1` (`sys.hash_info.modulus`).
pub const HASH_MODULUS: u64 = (1u64 << HASH_BITS) - 1;
/// `hash(float('inf'))` (`sys.hash_info.inf`); `-inf` hashes to its negation.
pub const HASH_INF: i64 = 314_159;
/// `hash(True)`.
pub const HASH_TRUE: i64 = 1;
/// `hash(False)`.
pub const HASH_FALSE: i64 = 0;
/// `hash(())`, the hash of the empty tuple.
pub const HASH_EMPTY_TUPLE: i64 = 5_740_354_900_026_072_187;

/// Applies the sign to a reduced magnitude and maps `-1` to `-2`.
fn finish(magnitude: u64, negative: bool) -> i64 {
    // magnitude < 2**61, so the cast is lossless.
    let x = magnitude as i64;
    let x = if negative { -x } else { x };
    if x == -1 { -2 } else { x }
}

/// Multiplies a reduced residue by `2**e` modulo `2**61 - 1`, which is a
/// rotation of the 61-bit value because `2**61 ≡ 1`.
fn mul_pow2(x: u64, e: i64) -> u64 {
    let e = e.rem_euclid(HASH_BITS as i64) as u32;
    if e == 0 {
        return x;
    }
    ((x << e) & HASH_MODULUS) | (x >> (HASH_BITS - e))
}

/// `hash(v)` for a Python `int` that fits in an `i64`.
///
/// The result is `|v| mod (2**61 - 1)` carrying the sign of `v`, with `-1`
/// mapped to `-2` (so `hash(-1) == hash(-2) == -2`). Small values hash to
/// themselves; `hash(2**61 - 1) == 0` and `hash(2**61) == 1`.
pub fn hash_i64(v: i64) -> i64 {
    finish(v.unsigned_abs() % HASH_MODULUS, v < 0)
}

/// `hash(v)` for a Python `int` of any size.
///
/// Same rule as [`hash_i64`]: the magnitude reduced modulo `2**61 - 1`,
/// negated for negative values, `-1` mapped to `-2`.
pub fn hash_bigint(v: &BigInt) -> i64 {
    if let Some(small) = v.to_i64() {
        return hash_i64(small);
    }
    // Fold the 64-bit limbs from the most significant one down:
    // acc = acc * 2**64 + limb (mod P), with 2**64 ≡ 2**3 (mod P).
    let (sign, digits) = v.to_u64_digits();
    let mut acc: u64 = 0;
    for &limb in digits.iter().rev() {
        let shifted = mul_pow2(acc, 64);
        let limb = limb % HASH_MODULUS;
        let mut sum = shifted + limb; // both < 2**61: no overflow
        if sum >= HASH_MODULUS {
            sum -= HASH_MODULUS;
        }
        acc = sum;
    }
    finish(acc, sign == Sign::Minus)
}

/// `_Py_HashPointer`: the hash CPython gives an object from its address
/// (the address rotated right by 4 bits, `-1` mapped to `-2`). Used for the
/// hash of a NaN float in 3.11 and for objects without `__hash__` override.
pub fn hash_pointer(addr: usize) -> i64 {
    let y = (addr as u64).rotate_right(4) as i64;
    if y == -1 { -2 } else { y }
}

/// `hash(v)` for a Python `float` (`_Py_HashDouble`), except NaN.
///
/// Finite values hash as the exact rational value they represent reduced
/// modulo `2**61 - 1` (so integral floats hash like the equal `int`, and
/// `hash(0.5) == 2**60`); `inf` hashes to `314159`, `-inf` to `-314159`.
/// CPython 3.11 hashes a NaN by the *address* of the float object, which
/// cannot be reproduced here: this function returns `0` for every NaN.
/// Callers that want per-object NaN hashes should use
/// [`hash_f64_with_id`].
pub fn hash_f64(v: f64) -> i64 {
    hash_f64_with_id(v, None)
}

/// Like [`hash_f64`], but a NaN hashes as `hash_pointer(id)` when an object
/// identity `id` is given (what CPython 3.11 does with the object address),
/// and as `0` when `id` is `None`.
pub fn hash_f64_with_id(v: f64, id: Option<usize>) -> i64 {
    if v.is_nan() {
        return id.map_or(0, hash_pointer);
    }
    if v.is_infinite() {
        return if v > 0.0 { HASH_INF } else { -HASH_INF };
    }
    if v == 0.0 {
        return 0;
    }
    // v = mantissa * 2**exp with an integer mantissa.
    let bits = v.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    finish(mul_pow2(mantissa % HASH_MODULUS, exp), negative)
}

/// `hash(complex(real, imag))`: `hash(real) + 1000003 * hash(imag)` with
/// wrapping 64-bit arithmetic, `-1` mapped to `-2` (NaN parts hash as in
/// [`hash_f64`]).
pub fn hash_complex(real: f64, imag: f64) -> i64 {
    let h = (hash_f64(real) as u64).wrapping_add(1_000_003u64.wrapping_mul(hash_f64(imag) as u64));
    let h = h as i64;
    if h == -1 { -2 } else { h }
}

const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

/// `hash(t)` for a tuple whose items hash to `item_hashes`, in order
/// (the xxHash-derived tuple hash used since CPython 3.8).
///
/// Each item hash is mixed in as a lane (`acc += lane * P2; acc = rotl(acc,
/// 31); acc *= P1`), then the length is added; a final `-1` becomes
/// `1546275796`. `hash_tuple(&[]) == HASH_EMPTY_TUPLE`.
pub fn hash_tuple(item_hashes: &[i64]) -> i64 {
    let mut acc = XXPRIME_5;
    for &h in item_hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add((item_hashes.len() as u64) ^ (XXPRIME_5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `hash(frozenset(...))` for a frozenset whose *distinct* elements hash
/// to `item_hashes` (any order: the result is order independent).
///
/// Reproduces `frozenset_hash`: xor of the shuffled element hashes, mixed
/// with the element count, then dispersed; `-1` becomes `590923713`.
pub fn hash_frozenset(item_hashes: &[i64]) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167)
    }
    let mut hash: u64 = 0;
    for &h in item_hashes {
        hash ^= shuffle(h as u64);
    }
    hash ^= (item_hashes.len() as u64 + 1).wrapping_mul(1_927_868_237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69_069).wrapping_add(907_133_923);
    if hash == u64::MAX {
        return 590_923_713;
    }
    hash as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        // Expected values from CPython 3.11.7.
        let cases: &[(i64, i64)] = &[
            (0, 0),
            (1, 1),
            (-1, -2),
            (-2, -2),
            (12345, 12345),
            (-12345, -12345),
            (2305843009213693951, 0),   // 2**61 - 1
            (2305843009213693952, 1),   // 2**61
            (-2305843009213693952, -2), // -(2**61) -> -1 -> -2
            (-2305843009213693953, -2), // -(2**61+1) -> -2
            (2305843009213693950, 2305843009213693950),
            (i64::MAX, 3),
            (i64::MIN, -4),
            (i64::MIN + 1, -3),
        ];
        for &(v, h) in cases {
            assert_eq!(hash_i64(v), h, "hash({v})");
            assert_eq!(hash_bigint(&BigInt::from(v)), h, "hash big({v})");
        }
    }

    #[test]
    fn bigints() {
        let cases: &[(&str, i64)] = &[
            ("1180591620717411303424", 512), // 2**70
            ("-1180591620717411303424", -512),
            ("18446744073709551616", 8),                     // 2**64
            ("340282366920938463463374607431768211456", 64), // 2**128
            (
                "123456789012345678901234567890123456789",
                1289982585495713625,
            ),
            (
                "-123456789012345678901234567890123456789",
                -1289982585495713625,
            ),
            ("4611686018427387903", 1), // 2*(2**61-1)+1
            ("-4611686018427387903", -2),
        ];
        for &(s, h) in cases {
            let v: BigInt = s.parse().unwrap();
            assert_eq!(hash_bigint(&v), h, "hash({s})");
        }
    }

    #[test]
    fn floats() {
        let cases: &[(f64, i64)] = &[
            (0.0, 0),
            (-0.0, 0),
            (1.0, 1),
            (-1.0, -2),
            (0.5, 1152921504606846976),
            (-1.5, -1152921504606846977),
            (1e300, 1224995262755759164),
            (1.2676506002282294e30, 549755813888), // 2.0**100
            (1180591620717411303424.0, 512),       // 2.0**70
            (0.1, 230584300921369408),
            (3.25, 576460752303423491),
            (f64::INFINITY, 314159),
            (f64::NEG_INFINITY, -314159),
            (5e-324, 16777216),
            (f64::MAX, 2234066890152476671),
            (-123.456, -1051464412201451643),
        ];
        for &(v, h) in cases {
            assert_eq!(hash_f64(v), h, "hash({v:e})");
        }
        assert_eq!(hash_f64(f64::NAN), 0);
    }

    #[test]
    fn tuples() {
        assert_eq!(hash_tuple(&[]), HASH_EMPTY_TUPLE);
        assert_eq!(hash_tuple(&[1, 2]), -3550055125485641917);
        assert_eq!(hash_tuple(&[1]), -6644214454873602895);
        let inner = hash_tuple(&[1, 2]);
        assert_eq!(
            hash_tuple(&[inner, hash_f64(0.5), hash_i64(-1)]),
            -8480031277255852751
        );
        assert_eq!(hash_frozenset(&[]), 133146708735736);
        assert_eq!(hash_frozenset(&[1, 2, 3]), -272375401224217160);
        assert_eq!(hash_complex(1.0, 2.0), 2000007);
    }
}

/// SipHash-1-3 with the all-zero key: CPython's string and bytes hash when
/// `PYTHONHASHSEED=0` (hash randomisation off), before the `-1` mapping.
pub fn siphash13(data: &[u8]) -> u64 {
    #[inline]
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[2] = v[2].wrapping_add(v[3]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[1]);
        v[0] = v[0].wrapping_add(v[3]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].rotate_left(32);
    }
    let mut v = [0x736f6d6570736575u64, 0x646f72616e646f6d, 0x6c7967656e657261, 0x7465646279746573];
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let mi = u64::from_le_bytes(w);
        v[3] ^= mi;
        round(&mut v);
        v[0] ^= mi;
    }
    let rest = chunks.remainder();
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    let b = ((data.len() as u64) << 56) | u64::from_le_bytes(w);
    v[3] ^= b;
    round(&mut v);
    v[0] ^= b;
    v[2] ^= 0xff;
    round(&mut v);
    round(&mut v);
    round(&mut v);
    (v[0] ^ v[1]) ^ (v[2] ^ v[3])
}

/// `hash(b)` for bytes (CPython's `_Py_HashBytes` with `PYTHONHASHSEED=0`).
pub fn hash_bytes(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let h = siphash13(data) as i64;
    if h == -1 { -2 } else { h }
}

/// `hash(s)` for text: CPython hashes the string's internal buffer, one, two or
/// four bytes per character (little-endian) by its widest character.
pub fn hash_text(s: &str) -> i64 {
    if s.is_ascii() {
        return hash_bytes(s.as_bytes());
    }
    let widest = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let buf: Vec<u8> = if widest < 0x100 {
        s.chars().map(|c| c as u32 as u8).collect()
    } else if widest < 0x10000 {
        s.chars().flat_map(|c| (c as u32 as u16).to_le_bytes()).collect()
    } else {
        s.chars().flat_map(|c| (c as u32).to_le_bytes()).collect()
    };
    hash_bytes(&buf)
}

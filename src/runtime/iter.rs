//! Built-in iterators over containers and ranges. Their `next` never runs script code.

use super::bytes::PyBytes;
use super::dict::Dict;
use super::list::List;
use super::set::SetObj;
use super::str::PyStr;
use super::tuple::Tuple;
use super::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// What a dict iterator yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictPart {
    /// Keys.
    Keys,
    /// Values.
    Values,
    /// `(key, value)` tuples.
    Items,
}

/// The state of a built-in iterator.
pub enum IterState {
    /// Over a list, by index (sees appends, like CPython).
    List(Rc<List>, usize),
    /// Over a list backwards.
    ListRev(Rc<List>, usize),
    /// Over a tuple.
    Tuple(Rc<Tuple>, usize),
    /// Over a range: next value, step, values left.
    Range(i64, i64, i64),
    /// Over a range with big bounds: next value, step, values left.
    BigRange(Box<[num_bigint::BigInt; 3]>),
    /// Over a string's characters: the string and the next byte offset.
    Str(Rc<PyStr>, usize),
    /// Over bytes.
    Bytes(Rc<PyBytes>, usize),
    /// Over a dict: raw entry position, the length when started.
    Dict(Rc<Dict>, usize, usize, DictPart),
    /// Over a snapshot of a set's items, and the set (to detect size changes).
    Set(Rc<SetObj>, Vec<Value>, usize, usize),
    /// Over a plain vector of values (used for snapshots, `reversed` of tuples...).
    Values(Vec<Value>, usize),
    /// Exhausted.
    Done,
}

/// A built-in iterator object.
pub struct IterObj {
    /// Its state.
    pub state: RefCell<IterState>,
}

/// The result of advancing a built-in iterator.
pub enum IterNext {
    /// The next item.
    Item(Value),
    /// No more items.
    Done,
    /// The container changed size during iteration (message for `RuntimeError`).
    Changed(&'static str),
}

impl IterObj {
    /// A new iterator.
    pub fn new(state: IterState) -> Rc<IterObj> {
        let r = Rc::new(IterObj { state: RefCell::new(state) });
        super::gc::track_iter(&r);
        r
    }

    /// The Python type name (`list_iterator`, ...).
    pub fn type_name(&self) -> &'static str {
        match &*self.state.borrow() {
            IterState::List(..) => "list_iterator",
            IterState::ListRev(..) => "list_reverseiterator",
            IterState::Tuple(..) => "tuple_iterator",
            IterState::Range(..) => "range_iterator",
            IterState::BigRange(..) => "longrange_iterator",
            IterState::Str(s, _) if s.is_ascii() => "str_ascii_iterator",
            IterState::Str(..) => "str_iterator",
            IterState::Bytes(..) => "bytes_iterator",
            IterState::Dict(_, _, _, DictPart::Keys) => "dict_keyiterator",
            IterState::Dict(_, _, _, DictPart::Values) => "dict_valueiterator",
            IterState::Dict(_, _, _, DictPart::Items) => "dict_itemiterator",
            IterState::Set(..) => "set_iterator",
            IterState::Values(..) | IterState::Done => "iterator",
        }
    }

    /// Advance. A list or a range with items left (most `for` loops, `sum`, list
    /// building) is answered here, inlined at the caller; every other case and the end
    /// of a list or range is [`IterObj::next_rest`]. Without this split, whether LLVM
    /// inlined the whole match into `ops::iter::next` changed with unrelated code (an
    /// edit elsewhere made `sum` over a list take 2x the instructions).
    #[inline(always)]
    pub fn next(&self) -> IterNext {
        {
            let mut st = self.state.borrow_mut();
            match &mut *st {
                IterState::List(l, i) => {
                    if let Some(v) = l.get(*i) {
                        *i += 1;
                        return IterNext::Item(v);
                    }
                }
                IterState::Range(cur, step, left) if *left > 0 => {
                    let v = *cur;
                    *left -= 1;
                    *cur = cur.wrapping_add(*step);
                    return IterNext::Item(Value::Int(v));
                }
                _ => {}
            }
        }
        self.next_rest()
    }

    /// [`IterObj::next`] for every other case.
    #[inline(never)]
    fn next_rest(&self) -> IterNext {
        let mut st = self.state.borrow_mut();
        match &mut *st {
            IterState::List(l, i) => {
                let item = l.get(*i);
                match item {
                    Some(v) => {
                        *i += 1;
                        IterNext::Item(v)
                    }
                    None => {
                        *st = IterState::Done;
                        IterNext::Done
                    }
                }
            }
            IterState::ListRev(l, i) => {
                if *i == 0 {
                    *st = IterState::Done;
                    return IterNext::Done;
                }
                *i -= 1;
                match l.get(*i) {
                    Some(v) => IterNext::Item(v),
                    None => {
                        *st = IterState::Done;
                        IterNext::Done
                    }
                }
            }
            IterState::Tuple(t, i) => match t.items().get(*i) {
                Some(v) => {
                    *i += 1;
                    IterNext::Item(v.clone())
                }
                None => {
                    *st = IterState::Done;
                    IterNext::Done
                }
            },
            IterState::Range(cur, step, left) => {
                if *left <= 0 {
                    return IterNext::Done;
                }
                let v = *cur;
                *left -= 1;
                *cur = cur.wrapping_add(*step);
                IterNext::Item(Value::Int(v))
            }
            IterState::BigRange(b) => {
                use num_traits::{Signed, Zero};
                let [cur, step, left] = &mut **b;
                if !left.is_positive() || left.is_zero() {
                    return IterNext::Done;
                }
                let v = cur.clone();
                *left -= 1u32;
                *cur += &*step;
                IterNext::Item(Value::from_bigint(v))
            }
            IterState::Str(s, pos) => {
                let text = s.as_str();
                match text[*pos..].chars().next() {
                    Some(c) => {
                        *pos += c.len_utf8();
                        IterNext::Item(Value::Str(super::intern::char_str(c)))
                    }
                    None => {
                        *st = IterState::Done;
                        IterNext::Done
                    }
                }
            }
            IterState::Bytes(b, i) => match b.data.get(*i) {
                Some(&x) => {
                    *i += 1;
                    IterNext::Item(Value::Int(x as i64))
                }
                None => IterNext::Done,
            },
            IterState::Dict(d, pos, len0, part) => {
                let t = d.borrow();
                if t.len() != *len0 {
                    drop(t);
                    *st = IterState::Done;
                    return IterNext::Changed("dictionary changed size during iteration");
                }
                match t.next_from(*pos) {
                    Some((p, e)) => {
                        *pos = p + 1;
                        let v = match part {
                            DictPart::Keys => e.key.clone(),
                            DictPart::Values => e.value.clone(),
                            DictPart::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
                        };
                        IterNext::Item(v)
                    }
                    None => {
                        drop(t);
                        *st = IterState::Done;
                        IterNext::Done
                    }
                }
            }
            IterState::Set(set, items, i, len0) => {
                if set.len() != *len0 {
                    *st = IterState::Done;
                    return IterNext::Changed("Set changed size during iteration");
                }
                match items.get(*i) {
                    Some(v) => {
                        *i += 1;
                        IterNext::Item(v.clone())
                    }
                    None => {
                        *st = IterState::Done;
                        IterNext::Done
                    }
                }
            }
            IterState::Values(items, i) => match items.get(*i) {
                Some(v) => {
                    *i += 1;
                    IterNext::Item(v.clone())
                }
                None => {
                    *st = IterState::Done;
                    IterNext::Done
                }
            },
            IterState::Done => IterNext::Done,
        }
    }

    /// How many items are left, when cheap to know (for `__length_hint__`-like sizing).
    pub fn remaining(&self) -> Option<usize> {
        match &*self.state.borrow() {
            IterState::List(l, i) => Some(l.len().saturating_sub(*i)),
            IterState::Tuple(t, i) => Some(t.len().saturating_sub(*i)),
            IterState::Range(_, _, left) => Some((*left).max(0) as usize),
            IterState::Values(v, i) => Some(v.len().saturating_sub(*i)),
            IterState::Done => Some(0),
            _ => None,
        }
    }
}

//! C3 linearization: the method resolution order of a class with several bases.

use super::class::Class;
use std::rc::Rc;

/// The MRO of a class with these bases (without the class itself), or CPython's error
/// message when no consistent order exists.
pub fn c3(bases: &[Rc<Class>]) -> Result<Vec<Rc<Class>>, String> {
    // One base (all but a few classes, the ~120 built-in ones at every start among
    // them): merging its MRO with the list of bases gives its MRO unchanged.
    match bases {
        [] => return Ok(Vec::new()),
        [only] => return Ok(only.full_mro()),
        _ => {}
    }
    let mut seqs: Vec<Vec<Rc<Class>>> = bases.iter().map(|b| b.full_mro()).collect();
    seqs.push(bases.to_vec());
    let mut out: Vec<Rc<Class>> = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let mut pick = None;
        for s in &seqs {
            let cand = &s[0];
            let in_tail = seqs.iter().any(|t| t[1..].iter().any(|c| Rc::ptr_eq(c, cand)));
            if !in_tail {
                pick = Some(cand.clone());
                break;
            }
        }
        let Some(c) = pick else {
            // CPython names the heads of the sequences left to merge, each once.
            let mut heads: Vec<Rc<Class>> = Vec::new();
            for s in &seqs {
                if !heads.iter().any(|h| Rc::ptr_eq(h, &s[0])) {
                    heads.push(s[0].clone());
                }
            }
            let names: Vec<String> = heads.iter().map(|b| b.name_str()).collect();
            return Err(format!("Cannot create a consistent method resolution\norder (MRO) for bases {}", names.join(", ")));
        };
        for s in seqs.iter_mut() {
            if Rc::ptr_eq(&s[0], &c) {
                s.remove(0);
            }
        }
        out.push(c);
    }
}

//! Comparing a snapshot with its baseline: which offenders are new.
//!
//! Offenders are matched by metric, path and item, not by line, so code that
//! merely moved is not new; an item that appears more often than in the
//! baseline (two new untyped `helper` functions in one file) is new as often.

use std::collections::HashMap;

use super::Offender;

/// The offenders of `current` that `baseline` does not have, in `current`'s order.
pub fn new_offenders(current: &[Offender], baseline: &[Offender]) -> Vec<Offender> {
    let mut known: HashMap<(&str, &str), usize> = HashMap::new();
    for o in baseline {
        *known.entry((o.path.as_str(), o.item.as_str())).or_default() += 1;
    }
    let mut new = Vec::new();
    for o in current {
        match known.get_mut(&(o.path.as_str(), o.item.as_str())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(o.clone()),
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(path: &str, line: u32, item: &str) -> Offender {
        Offender {
            path: path.into(),
            line: Some(line),
            item: item.into(),
            detail: String::new(),
            weight: 1.0,
        }
    }

    #[test]
    fn matched_by_path_and_item_not_line() {
        let base = [o("a.py", 3, "f"), o("a.py", 9, "g")];
        let cur = [o("a.py", 5, "f"), o("a.py", 12, "g"), o("b.py", 1, "h")];
        assert_eq!(new_offenders(&cur, &base), [o("b.py", 1, "h")]);
    }

    #[test]
    fn repeated_items_count() {
        let base = [o("a.py", 3, "helper")];
        let cur = [o("a.py", 3, "helper"), o("a.py", 30, "helper")];
        assert_eq!(new_offenders(&cur, &base), [o("a.py", 30, "helper")]);
    }
}

//! The parts of the kinds' rule texts that speak of each language, written
//! from the specs' [`Docs`](super::Docs) so that a new language appears in
//! `explain`, the README's kind table and the schema without editing a kind.

use super::LANGUAGES;

/// Each distinct fragment once, in registry order (JavaScript and
/// TypeScript share theirs).
fn fragments(pick: impl Fn(&super::Docs) -> Option<&'static str>) -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for spec in LANGUAGES {
        if let Some(f) = pick(&spec.docs)
            && !out.contains(&f)
        {
            out.push(f);
        }
    }
    out
}

/// The whole rule of `test-association`.
pub fn test_association() -> String {
    let mut rule = format!(
        "A non-test source file that defines a function is associated when a test file of the \
         same language is named after it ({}, anywhere in the repository), or a test file \
         imports it ({})",
        fragments(|d| d.test_names).join("; "),
        fragments(|d| d.test_imports).join("; ")
    );
    for other in fragments(|d| d.test_other) {
        rule.push_str(", or, ");
        rule.push_str(other);
    }
    rule.push('.');
    rule
}

/// How each language's imports match a `preferred-library` entry.
pub fn library_matching() -> String {
    fragments(|d| Some(d.libraries)).join("; ")
}

/// When each language's functions are typed (`typed`).
pub fn typed() -> String {
    fragments(|d| Some(d.typed)).join(" ")
}

/// What each language's public items (`interface-width`) are.
pub fn public_items() -> String {
    fragments(|d| Some(d.public_items)).join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_is_documented() {
        for spec in LANGUAGES {
            let d = &spec.docs;
            assert!(
                d.test_names.is_some() || d.test_imports.is_some() || d.test_other.is_some(),
                "{} says nothing of how its tests associate",
                spec.name
            );
            assert!(!d.libraries.is_empty() && !d.public_items.is_empty());
            assert!(d.typed.ends_with('.'), "{}", spec.name);
        }
    }
}

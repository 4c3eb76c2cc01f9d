//! The kinds' rule texts say of each language what its spec says: until the
//! texts are built from the registry, these fail when they drift apart.

use qscan::lang::docs;
use qscan::metrics::{interface_width, preferred_library, test_association};

#[test]
fn test_association_rule_is_the_registrys() {
    assert_eq!(test_association::INFO.rule, docs::test_association());
}

#[test]
fn preferred_library_rule_ends_with_each_languages_matching() {
    let tail = format!(" {}.", docs::library_matching());
    assert!(
        preferred_library::INFO.rule.ends_with(&tail),
        "{}\n---\n{tail}",
        preferred_library::INFO.rule
    );
}

#[test]
fn interface_width_rule_ends_with_each_languages_public_items() {
    let tail = format!(": {}.", docs::public_items());
    assert!(
        interface_width::INFO.rule.ends_with(&tail),
        "{}\n---\n{tail}",
        interface_width::INFO.rule
    );
}

//! TypeScript (`.tsx` included): read by the JavaScript module, whose node
//! kinds mean the same in the TypeScript grammar; typed by its annotations.

use super::{Grammar, LanguageSpec, javascript};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "typescript",
    title: "TypeScript",
    extensions: &["ts", "tsx", "mts", "cts"],
    family: "javascript",
    grammars: &[
        Grammar {
            key: "typescript",
            suffixes: &[],
            load: || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        },
        Grammar {
            key: "tsx",
            suffixes: &[".tsx"],
            load: || tree_sitter_typescript::LANGUAGE_TSX.into(),
        },
    ],
    analyze: javascript::analyze_typescript,
    tests: javascript::TEST_RULES,
    libraries: javascript::LIBRARIES,
    strings: &["string", "template_string"],
    manifests: &["package.json"],
    docs: javascript::DOCS,
};

//! Code, comment and blank line counts from a file's text and the byte ranges
//! its language module marked as comments (docstrings included).

use std::ops::Range;

use tree_sitter::Tree;

use crate::facts::LineCounts;

/// Counts lines: blank when only whitespace, comment when every non-whitespace
/// byte lies in a comment range, code otherwise. `comments` may be unsorted and
/// may overlap.
pub fn count(src: &[u8], comments: &mut [Range<usize>]) -> LineCounts {
    count_with_strings(src, comments, &[])
}

/// As [`count`], and a whitespace-only line that starts at one of
/// `in_strings` (ascending, from [`in_strings`]) is a code line unless a
/// comment range holds it: it is part of a string literal, as the
/// language's tokenizer and tokei read it, while one inside a comment or a
/// docstring stays blank.
pub fn count_with_strings(
    src: &[u8],
    comments: &mut [Range<usize>],
    in_strings: &[usize],
) -> LineCounts {
    comments.sort_unstable_by_key(|r| r.start);
    let code_blanks = outside(in_strings, comments);
    let mut code_blanks = code_blanks.iter().peekable();
    let mut counts = LineCounts::default();
    let mut next = 0; // first comment range that may still cover a byte ahead
    let mut has_code = false;
    let mut has_text = false;
    let mut line_start = 0;
    for (i, &b) in src.iter().enumerate() {
        if b == b'\n' {
            while code_blanks.next_if(|&&at| at < line_start).is_some() {}
            let in_string = code_blanks.next_if(|&&at| at == line_start).is_some();
            bump(&mut counts, has_code || (in_string && !has_text), has_text);
            has_code = false;
            has_text = false;
            line_start = i + 1;
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        has_text = true;
        if has_code {
            continue;
        }
        while next < comments.len() && comments[next].end <= i {
            next += 1;
        }
        // Ranges are sorted by start; any range covering i starts at or before i.
        let covered = comments[next..]
            .iter()
            .take_while(|r| r.start <= i)
            .any(|r| r.contains(&i));
        if !covered {
            has_code = true;
        }
    }
    if src.last().is_some_and(|&b| b != b'\n') {
        bump(&mut counts, has_code, has_text);
    }
    counts
}

/// The points of `points` (ascending) that no range of `ranges` (sorted by
/// start) holds: one sweep, keeping the furthest end of the ranges started.
fn outside(points: &[usize], ranges: &[Range<usize>]) -> Vec<usize> {
    let mut next = 0;
    let mut reach = 0;
    points
        .iter()
        .copied()
        .filter(|&at| {
            while let Some(r) = ranges.get(next)
                && r.start <= at
            {
                reach = reach.max(r.end);
                next += 1;
            }
            reach <= at
        })
        .collect()
}

/// The starts of the whitespace-only lines that lie inside a string literal
/// (a node of one of `kinds` that starts before the line and ends after its
/// start), ascending. The walk enters only the nodes holding such a line, so
/// a file of many blank lines between definitions costs one pass over the
/// top-level nodes; it keeps its own stack (a cursor), not the thread's.
pub fn in_strings(tree: &Tree, src: &[u8], kinds: &[&str]) -> Vec<usize> {
    let mut blanks = Vec::new();
    let mut start = 0;
    for line in src.split_inclusive(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) && line.ends_with(b"\n") {
            blanks.push(start);
        }
        start += line.len();
    }
    let mut found = Vec::new();
    if blanks.is_empty() || kinds.is_empty() {
        return found;
    }
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let range = node.byte_range();
        let first = blanks.partition_point(|&at| at <= range.start);
        let holds = blanks.get(first).is_some_and(|&at| at < range.end);
        if holds {
            if kinds.contains(&node.kind()) {
                let end = blanks.partition_point(|&at| at < range.end);
                found.extend_from_slice(&blanks[first..end]);
            } else if cursor.goto_first_child() {
                continue;
            }
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
        }
    }
}

fn bump(counts: &mut LineCounts, has_code: bool, has_text: bool) {
    if has_code {
        counts.code += 1;
    } else if has_text {
        counts.comment += 1;
    } else {
        counts.blank += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_comment_blank() {
        let src = b"a = 1  # c\n\n# only\n  \nb = 2";
        let c0 = src.iter().position(|&b| b == b'#').unwrap();
        let c1 = 12;
        let mut comments = vec![c1..c1 + 6, c0..c0 + 3];
        let counts = count(src, &mut comments);
        assert_eq!(
            counts,
            LineCounts {
                code: 2,
                comment: 1,
                blank: 2
            }
        );
    }

    #[test]
    fn multi_line_comment_spans_lines() {
        let src = b"/* a\n b */ x\ny";
        let mut comments: Vec<std::ops::Range<usize>> = std::iter::once(0..10).collect();
        let counts = count(src, &mut comments);
        assert_eq!(
            counts,
            LineCounts {
                code: 2,
                comment: 1,
                blank: 0
            }
        );
    }

    fn counted(language: &str, path: &str, src: &str) -> LineCounts {
        let language = crate::lang::Language::from_name(language).unwrap();
        let tree = crate::lang::parse(language, path, src).unwrap();
        let strings = in_strings(&tree, src.as_bytes(), language.spec().strings);
        let mut facts = crate::facts::FileFacts::default();
        let mut scratch = crate::lang::Scratch::default();
        (language.spec().analyze)(&tree, src, &mut facts, &mut scratch);
        count_with_strings(src.as_bytes(), &mut scratch.comments, &strings)
    }

    fn lines(code: u32, comment: u32, blank: u32) -> LineCounts {
        LineCounts {
            code,
            comment,
            blank,
        }
    }

    #[test]
    fn whitespace_only_lines_inside_strings_are_code() {
        // Hand-counted; each line inside a string as tokei 12 counts it.
        // Python: the two blank lines inside the string are code; those in
        // the docstring and between the statements are blank.
        let py = "x = \"\"\"\na\n   \n\n\"\"\"\n\ndef f():\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    return f\"\"\"{x}\n\n\"\"\"\n";
        assert_eq!(counted("python", "a.py", py), lines(9, 3, 2));
        // Rust: ordinary and raw strings (in a macro's tokens too); a blank
        // line in a block comment stays blank.
        let rs = "fn main() {\n    let s = \"a\n\n   \nb\";\n    /* c\n\n    d */\n    m!(r#\"\n\n\"#);\n}\n";
        assert_eq!(counted("rust", "a.rs", rs), lines(9, 2, 1));
        // JavaScript and TypeScript: template strings.
        let js = "const s = `a\n\n  \nb`;\n\n/* x\n\n*/\n";
        assert_eq!(counted("javascript", "a.js", js), lines(4, 2, 2));
        assert_eq!(counted("typescript", "a.ts", js), lines(4, 2, 2));
        // Between two parts of a concatenated string is no string.
        let parts = "x = (\n    \"a\"\n\n    \"b\"\n)\n";
        assert_eq!(counted("python", "b.py", parts), lines(4, 0, 1));
    }

    #[test]
    fn points_outside_ranges_in_one_sweep() {
        let ranges = [0..5, 2..20, 8..9, 30..31];
        assert_eq!(outside(&[0, 4, 19, 20, 25, 30, 31], &ranges), [20, 25, 31]);
        assert_eq!(outside(&[3], &[]), [3]);
    }

    #[test]
    fn empty_file_has_no_lines() {
        assert_eq!(count(b"", &mut []), LineCounts::default());
    }
}

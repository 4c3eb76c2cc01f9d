//! Pull request numbers from commit subjects, so a change unit can be named
//! the way the team knows it (`#123`) rather than by a commit id.

/// The pull request number a subject names: GitHub's merge subject
/// ("Merge pull request #12 from org/branch"), a trailing "(#34)" as squash
/// merges write it, or Bitbucket's trailing "(pull request #56)".
pub fn pr_number(subject: &str) -> Option<u64> {
    let s = subject.trim();
    if let Some(rest) = s.strip_prefix("Merge pull request #") {
        return leading_number(rest);
    }
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let inside = &inner[open + 1..];
    let digits = inside
        .strip_prefix('#')
        .or_else(|| inside.strip_prefix("pull request #"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn leading_number(s: &str) -> Option<u64> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    // "#12 from …" or "#12" alone; "#12abc" names no pull request.
    if end == 0 || !(end == s.len() || s[end..].starts_with(' ')) {
        return None;
    }
    s[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::pr_number;

    #[test]
    fn github_merge_subjects() {
        assert_eq!(
            pr_number("Merge pull request #12 from org/feature"),
            Some(12)
        );
        assert_eq!(pr_number("Merge pull request #7"), Some(7));
        assert_eq!(pr_number("Merge pull request #7x from a/b"), None);
        assert_eq!(pr_number("Merge branch 'main' into feature"), None);
    }

    #[test]
    fn squash_subjects() {
        assert_eq!(pr_number("Add the parser (#34)"), Some(34));
        assert_eq!(pr_number("Add the parser (#34)  "), Some(34));
        assert_eq!(pr_number("Merged in fix (pull request #56)"), Some(56));
        assert_eq!(pr_number("Fix (#34) in the middle"), None);
        assert_eq!(pr_number("Fix issue (#)"), None);
        assert_eq!(pr_number("Fix issue (#1a)"), None);
        assert_eq!(pr_number("Plain subject"), None);
        assert_eq!(pr_number("(#99999999999999999999999)"), None);
    }
}

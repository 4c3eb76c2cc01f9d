//! `qscan completions SHELL` and `qscan man`: a shell's completion script and
//! a roff man page, both generated from the command line's own definitions
//! (handed in by the caller), so they list exactly the flags `--help` does.

pub use clap_complete::Shell;

/// The completion script for `shell`, to be sourced by it (see the README's
/// install section for where each shell looks).
pub fn completions(mut cmd: clap::Command, shell: Shell) -> String {
    let name = cmd.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The man page (section 1, roff) of the command and, one after another, of
/// each subcommand, so `man qscan` documents every flag of every command.
pub fn man_page(cmd: clap::Command) -> std::io::Result<String> {
    let mut out = Vec::new();
    let mut cmd = cmd;
    cmd.build();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    // A stack of (the full name, the command), parents before children.
    let mut stack: Vec<(String, clap::Command)> = cmd
        .get_subcommands()
        .map(|s| (format!("{} {}", cmd.get_name(), s.get_name()), s.clone()))
        .collect();
    stack.reverse();
    while let Some((full, sub)) = stack.pop() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let mut children: Vec<(String, clap::Command)> = sub
            .get_subcommands()
            .map(|s| (format!("{full} {}", s.get_name()), s.clone()))
            .collect();
        children.reverse();
        stack.extend(children);
        let man = clap_mangen::Man::new(sub.clone().name(full.replace(' ', "-")));
        out.extend_from_slice(b".bp\n");
        man.render_title(&mut out)?;
        man.render_name_section(&mut out)?;
        man.render_synopsis_section(&mut out)?;
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
        if sub.has_subcommands() {
            man.render_subcommands_section(&mut out)?;
        }
        if sub.get_after_help().is_some() {
            man.render_extra_section(&mut out)?;
        }
    }
    Ok(ascii_roff(&String::from_utf8_lossy(&out)))
}

/// roff input is ASCII: groff without a preprocessor warns on anything else
/// (`…` in an example), so every other character becomes its `\[uXXXX]` escape.
fn ascii_roff(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};

    fn demo() -> Command {
        Command::new("demo")
            .version("1.2.3")
            .about("A demo command")
            .arg(Arg::new("level").long("level").help("How loud"))
            .subcommand(
                Command::new("hook")
                    .about("Hooks")
                    .subcommand(Command::new("install").about("Install the hook")),
            )
            .subcommand(Command::new("secret").hide(true))
    }

    #[test]
    fn every_shell_gets_a_script_naming_the_flags_and_subcommands() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let script = completions(demo(), shell);
            // fish names a long flag `-l level`, the others `--level`.
            assert!(script.contains("level"), "{shell:?}: {script}");
            assert!(script.contains("hook"), "{shell:?}: {script}");
            assert!(script.contains("install"), "{shell:?}: {script}");
        }
    }

    #[test]
    fn the_man_page_is_ascii_with_escapes() {
        assert_eq!(ascii_roff("a … b"), "a \\[u2026] b");
    }

    #[test]
    fn the_man_page_has_a_section_per_visible_subcommand() {
        // roff writes a hyphen as `\-`.
        let page = man_page(demo()).unwrap().replace("\\-", "-");
        assert_eq!(page.matches(".TH ").count(), 3, "{page}");
        assert!(page.contains(".TH demo-hook 1"), "{page}");
        assert!(page.contains(".TH demo-hook-install 1"), "{page}");
        assert!(!page.contains("secret"), "{page}");
        assert!(page.contains("How loud"), "{page}");
    }
}

//! `gridd user` and `gridd token` as an administrator runs them: the password comes from
//! standard input and never appears in any output; a token is printed once, alone on
//! standard output, so a script can capture it; mistakes exit non-zero saying what is wrong.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gridd(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridd"))
        .args(args)
        .env("GRIDD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gridd runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_admin_adds_accounts_and_a_token_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("g.db").display());
    let secret = "correct horse battery";
    let add = |login: &str, role: &str, scope: &str| {
        gridd(
            &[
                "user",
                "add",
                "--db",
                &db,
                "--login",
                login,
                "--role",
                role,
                "--scope",
                scope,
                "--password-stdin",
            ],
            &format!("{secret}\n"),
        )
    };
    let ok = add("wang.li", "officer", "610581001001001");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("account wang.li (officer, scope 610581001001001) created"),
        "{out}"
    );
    let taken = add("wang.li", "officer", "610581001001001");
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("login wang.li is taken"));
    let wrong = add("lead", "street_leader", "610581001001");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("is a level-2 grid, not level 1"));
    let short = gridd(
        &[
            "user",
            "add",
            "--db",
            &db,
            "--login",
            "x.y",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    for o in [&ok, &taken, &wrong] {
        assert!(
            !String::from_utf8_lossy(&o.stdout).contains(secret)
                && !String::from_utf8_lossy(&o.stderr).contains(secret)
        );
    }

    let token = gridd(
        &["token", "create", "--db", &db, "--name", "12345-gateway"],
        "",
    );
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let printed = String::from_utf8(token.stdout).unwrap();
    let t = printed.trim_end();
    assert_eq!(printed, format!("{t}\n"), "the token alone, on one line");
    assert!(
        t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()),
        "{t:?}"
    );
}

#[test]
fn an_admin_replaces_the_working_calendar_from_a_file_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("g.db").display());
    let show = || {
        let out = gridd(&["calendar", "show", "--db", &db], "");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        show().contains("2026-10-01,holiday,国庆节"),
        "the shipped calendar"
    );

    let good = dir.path().join("2027.csv");
    std::fs::write(&good, "date,kind,name\n2027-01-01,holiday,元旦\n").unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,kind\n2027-02-10,holiday\n2027-02-11,day off\n").unwrap();

    let refused = gridd(
        &[
            "calendar",
            "import",
            "--db",
            &db,
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
        "",
    );
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("bad.csv: line 3"), "{why}");
    assert!(
        show().contains("2026-10-01,holiday,国庆节"),
        "nothing changed"
    );

    let ok = gridd(
        &["calendar", "import", "--db", &db, good.to_str().unwrap()],
        "",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 listed days from 1 file(s)"));
    assert_eq!(show(), "date,kind,name\n2027-01-01,holiday,元旦\n");
}

//! Who reported an incident: the account or machine token that posted it (set by the server,
//! never taken from the body), and the person's name and phone when they gave them. Names
//! and phones are personal data: [`Reporter::masked`] is what every role but the dispatcher,
//! the admin and the handling department sees.

/// Longest reporter name kept, in characters.
pub const MAX_NAME_CHARS: usize = 50;

/// Why a reporter's name or phone was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReporterError {
    #[error("is longer than {MAX_NAME_CHARS} characters")]
    LongName,
    #[error("holds a control character")]
    ControlCharacter,
    #[error("{0:?} is not a phone number (5–20 digits, an optional leading +, spaces or dashes between)")]
    BadPhone(String),
    #[error("{0:?} is not an order number (1–64 letters, digits, '-' or '_')")]
    BadOrder(String),
}

/// Who reported an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reporter {
    /// The account login or `token:<name>` that posted the report.
    pub by: Option<String>,
    pub name: Option<String>,
    /// Digits only, with a leading `+` when given one.
    pub phone: Option<String>,
    /// The client address the report came from: written to the audit log with the report,
    /// not kept on the incident (so it reads back as `None`).
    pub source: Option<String>,
    /// The 12345 hotline's order number (工单号) of a hotline report: unique, so the same
    /// order posted again finds the case it made.
    pub order_no: Option<String>,
}

impl Reporter {
    /// The audit line's summary for a stored report.
    pub fn audit_summary(category: &str, grid: Option<&str>) -> String {
        format!("{category} in grid {}", grid.unwrap_or("none"))
    }
}

/// A reporter's name: trimmed, at most [`MAX_NAME_CHARS`] characters, no control characters;
/// blank is none.
///
/// ```
/// use gridd_core::domain::reporter::check_name;
/// assert_eq!(check_name("  王小明 ").unwrap().as_deref(), Some("王小明"));
/// assert_eq!(check_name("   ").unwrap(), None);
/// assert!(check_name("王\u{7}").is_err());
/// ```
pub fn check_name(s: &str) -> Result<Option<String>, ReporterError> {
    let s = s.trim();
    if s.chars().any(char::is_control) {
        return Err(ReporterError::ControlCharacter);
    }
    if s.chars().count() > MAX_NAME_CHARS {
        return Err(ReporterError::LongName);
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// A phone number as kept: digits with an optional leading `+`; spaces and dashes between
/// digits are dropped; blank is none.
///
/// ```
/// use gridd_core::domain::reporter::check_phone;
/// assert_eq!(check_phone("138-1234-5678").unwrap().as_deref(), Some("13812345678"));
/// assert_eq!(check_phone("+86 913 5212345").unwrap().as_deref(), Some("+869135212345"));
/// assert!(check_phone("call me").is_err());
/// ```
pub fn check_phone(s: &str) -> Result<Option<String>, ReporterError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (plus, rest) = s.strip_prefix('+').map_or(("", s), |r| ("+", r));
    let digits: String = rest.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !(5..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReporterError::BadPhone(s.to_string()));
    }
    Ok(Some(format!("{plus}{digits}")))
}

/// A 12345 order number: 1–64 characters of letters, digits, `-` and `_`.
///
/// ```
/// use gridd_core::domain::reporter::check_order_no;
/// assert_eq!(check_order_no(" GD2026-0012345 ").unwrap().as_deref(), Some("GD2026-0012345"));
/// assert!(check_order_no("工单 1").is_err());
/// ```
pub fn check_order_no(s: &str) -> Result<Option<String>, ReporterError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 64
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ReporterError::BadOrder(s.to_string()));
    }
    Ok(Some(s.to_string()))
}

/// A name with all but its first character hidden: `王小明` → `王**`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        std::iter::once(first).chain(chars.map(|_| '*')).collect()
    })
}

/// A phone with its middle hidden: the first three and last four digits of an 11-digit
/// mobile stay (`138****5678`); shorter numbers keep only their last two.
pub fn mask_phone(phone: &str) -> String {
    let n = phone.chars().count();
    let (head, tail) = if n >= 11 { (3, 4) } else { (0, 2.min(n)) };
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { c } else { '*' })
        .collect()
}

impl Reporter {
    /// The reporter as a role without the right to contacts sees it: who posted it stays,
    /// the name and phone are masked.
    pub fn masked(&self) -> Reporter {
        Reporter {
            by: self.by.clone(),
            name: self.name.as_deref().map(mask_name),
            phone: self.phone.as_deref().map(mask_phone),
            source: None,
            order_no: self.order_no.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_reporter_keeps_only_the_surname_and_the_ends_of_the_phone() {
        let r = Reporter {
            by: Some("token:12345-gateway".into()),
            name: Some("王小明".into()),
            phone: Some("13812345678".into()),
            source: None,
            order_no: None,
        };
        let m = r.masked();
        assert_eq!(m.name.as_deref(), Some("王**"));
        assert_eq!(m.phone.as_deref(), Some("138****5678"));
        assert_eq!(m.by, r.by);
        assert_eq!(mask_phone("5212345"), "*****45");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn a_long_name_or_a_phone_with_letters_is_refused() {
        assert_eq!(check_name(&"名".repeat(51)), Err(ReporterError::LongName));
        assert!(check_name(&"名".repeat(50)).is_ok());
        assert!(check_phone("1234").is_err(), "too short");
        assert!(check_phone("12345678901234567890123").is_err(), "too long");
        assert!(check_phone("138O0000000").is_err(), "a letter O");
    }
}

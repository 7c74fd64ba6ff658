//! Time limits of a case by category and urgency: sensible defaults, overridden per pair by
//! an administrator, and [`Deadlines`] — the calendar and the limits in force together.

use super::{Limit, Urgency, WorkCalendar};
use crate::domain::incident::Category;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest limit an administrator may set in each unit (a year of working days, a
/// working year in hours, a month on the clock): a typo like 3000 days is refused.
const MAX_WORKING_DAYS: u32 = 250;
const MAX_WORKING_HOURS: u32 = 250 * 7;
const MAX_CLOCK_HOURS: u32 = 31 * 24;

/// The default time limit of a case by category and urgency (after `../shared/DOMAIN.md`:
/// exposed rubbish 4 working hours, green-space care 5 working days, illegal construction
/// stopped in 4 working hours and removed in 20 working days, emergencies the same day,
/// housing and land matters 13 working days like 12345 complaints).
pub fn default_limit(category: Category, urgency: Urgency) -> Limit {
    use Category::*;
    use Limit::*;
    match (category, urgency) {
        (Emergency, Urgency::Urgent) => ClockHours(2),
        (Emergency, Urgency::Normal) => ClockHours(12),
        (Environment, Urgency::Urgent) => WorkingHours(2),
        (Environment, Urgency::Normal) => WorkingHours(4),
        (StreetOrder | PublicFacilities | TrafficFacilities, Urgency::Urgent) => WorkingHours(4),
        (StreetOrder, Urgency::Normal) => WorkingDays(1),
        (PublicFacilities | TrafficFacilities, Urgency::Normal) => WorkingDays(3),
        (Construction, Urgency::Urgent) => WorkingHours(4),
        (Construction, Urgency::Normal) => WorkingDays(20),
        (HousingLand, Urgency::Urgent) => WorkingDays(3),
        (HousingLand, Urgency::Normal) => WorkingDays(13),
        (Advertising | OtherEvents, Urgency::Urgent) => WorkingDays(1),
        (Advertising | OtherEvents, Urgency::Normal) => WorkingDays(3),
        (AppearanceFacilities | Greenery | OtherFacilities, Urgency::Urgent) => WorkingDays(1),
        (AppearanceFacilities | Greenery | OtherFacilities, Urgency::Normal) => WorkingDays(5),
    }
}

impl Limit {
    /// The limit if its amount is at least 1 and within the unit's maximum; otherwise why not.
    pub fn checked(self) -> Result<Limit, String> {
        let (amount, max, unit) = match self {
            Limit::WorkingDays(n) => (n, MAX_WORKING_DAYS, "working days"),
            Limit::WorkingHours(n) => (n, MAX_WORKING_HOURS, "working hours"),
            Limit::ClockHours(n) => (n, MAX_CLOCK_HOURS, "clock hours"),
        };
        if (1..=max).contains(&amount) {
            Ok(self)
        } else {
            Err(format!("{amount} {unit} is outside 1..={max}"))
        }
    }
}

/// One category and urgency's limit, as `GET/PUT /api/calendar` carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitRule {
    pub category: Category,
    pub urgency: Urgency,
    pub limit: Limit,
}

/// The limits set by an administrator; every other pair has its [`default_limit`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    set: BTreeMap<(Category, Urgency), Limit>,
}

impl Limits {
    /// The limit of a category and urgency.
    pub fn get(&self, category: Category, urgency: Urgency) -> Limit {
        self.set
            .get(&(category, urgency))
            .copied()
            .unwrap_or_else(|| default_limit(category, urgency))
    }

    /// Sets one pair's limit (a later rule for the same pair wins); refuses a limit out of
    /// range.
    pub fn set(&mut self, rule: LimitRule) -> Result<(), String> {
        let limit = rule.limit.checked().map_err(|e| {
            format!(
                "the limit of {} / {}: {e}",
                rule.category.as_str(),
                rule.urgency.as_str()
            )
        })?;
        self.set.insert((rule.category, rule.urgency), limit);
        Ok(())
    }

    /// The pairs set by an administrator.
    pub fn overrides(&self) -> Vec<LimitRule> {
        self.set
            .iter()
            .map(|(&(category, urgency), &limit)| LimitRule {
                category,
                urgency,
                limit,
            })
            .collect()
    }

    /// Every pair with the limit in force, categories in their standard order.
    pub fn all(&self) -> Vec<LimitRule> {
        Category::ALL
            .iter()
            .flat_map(|&category| {
                [Urgency::Urgent, Urgency::Normal].map(|urgency| LimitRule {
                    category,
                    urgency,
                    limit: self.get(category, urgency),
                })
            })
            .collect()
    }
}

/// The calendar and the limits in force: what a dispatch's due time is computed from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deadlines {
    pub calendar: WorkCalendar,
    pub limits: Limits,
}

impl Deadlines {
    /// The shipped calendar and the default limits.
    pub fn shipped() -> Deadlines {
        Deadlines {
            calendar: super::shipped(),
            limits: Limits::default(),
        }
    }

    /// When a case of `category` and `urgency` whose clock starts at `start` is due.
    pub fn due(&self, start: DateTime<Utc>, category: Category, urgency: Urgency) -> DateTime<Utc> {
        self.calendar.due(start, self.limits.get(category, urgency))
    }
}

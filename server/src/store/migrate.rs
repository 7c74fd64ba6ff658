//! The numbered SQL migrations of both stores, embedded in the binary from `migrations/`.
//! Each store applies the ones its `schema_migrations` table lacks, each in its own
//! transaction, so running them twice is harmless.

/// One migration file.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// `migrations/sqlite/*.sql`, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_roads",
        sql: include_str!("../../../migrations/sqlite/0002_roads.sql"),
    },
    Migration {
        version: 3,
        name: "0003_versions_drafts",
        sql: include_str!("../../../migrations/sqlite/0003_versions_drafts.sql"),
    },
    Migration {
        version: 4,
        name: "0004_draft_version",
        sql: include_str!("../../../migrations/sqlite/0004_draft_version.sql"),
    },
    Migration {
        version: 5,
        name: "0005_accounts",
        sql: include_str!("../../../migrations/sqlite/0005_accounts.sql"),
    },
    Migration {
        version: 6,
        name: "0006_sessions",
        sql: include_str!("../../../migrations/sqlite/0006_sessions.sql"),
    },
    Migration {
        version: 7,
        name: "0007_owners",
        sql: include_str!("../../../migrations/sqlite/0007_owners.sql"),
    },
    Migration {
        version: 8,
        name: "0008_cases",
        sql: include_str!("../../../migrations/sqlite/0008_cases.sql"),
    },
    Migration {
        version: 9,
        name: "0009_satisfaction",
        sql: include_str!("../../../migrations/sqlite/0009_satisfaction.sql"),
    },
    Migration {
        version: 10,
        name: "0010_hotline",
        sql: include_str!("../../../migrations/sqlite/0010_hotline.sql"),
    },
    Migration {
        version: 11,
        name: "0011_calendar",
        sql: include_str!("../../../migrations/sqlite/0011_calendar.sql"),
    },
    Migration {
        version: 12,
        name: "0012_changes",
        sql: include_str!("../../../migrations/sqlite/0012_changes.sql"),
    },
    Migration {
        version: 13,
        name: "0013_listing_order",
        sql: include_str!("../../../migrations/sqlite/0013_listing_order.sql"),
    },
];

/// `migrations/postgis/*.sql`, in order.
pub const POSTGIS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../../../migrations/postgis/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_roads",
        sql: include_str!("../../../migrations/postgis/0002_roads.sql"),
    },
    Migration {
        version: 3,
        name: "0003_versions_drafts",
        sql: include_str!("../../../migrations/postgis/0003_versions_drafts.sql"),
    },
    Migration {
        version: 4,
        name: "0004_draft_version",
        sql: include_str!("../../../migrations/postgis/0004_draft_version.sql"),
    },
    Migration {
        version: 5,
        name: "0005_accounts",
        sql: include_str!("../../../migrations/postgis/0005_accounts.sql"),
    },
    Migration {
        version: 6,
        name: "0006_sessions",
        sql: include_str!("../../../migrations/postgis/0006_sessions.sql"),
    },
    Migration {
        version: 7,
        name: "0007_owners",
        sql: include_str!("../../../migrations/postgis/0007_owners.sql"),
    },
    Migration {
        version: 8,
        name: "0008_cases",
        sql: include_str!("../../../migrations/postgis/0008_cases.sql"),
    },
    Migration {
        version: 9,
        name: "0009_satisfaction",
        sql: include_str!("../../../migrations/postgis/0009_satisfaction.sql"),
    },
    Migration {
        version: 10,
        name: "0010_hotline",
        sql: include_str!("../../../migrations/postgis/0010_hotline.sql"),
    },
    Migration {
        version: 11,
        name: "0011_calendar",
        sql: include_str!("../../../migrations/postgis/0011_calendar.sql"),
    },
    Migration {
        version: 12,
        name: "0012_changes",
        sql: include_str!("../../../migrations/postgis/0012_changes.sql"),
    },
    Migration {
        version: 13,
        name: "0013_listing_order",
        sql: include_str!("../../../migrations/postgis/0013_listing_order.sql"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_without_gaps() {
        for list in [SQLITE, POSTGIS] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "{}", m.name);
                assert!(m.name.starts_with(&format!("{:04}_", m.version)));
            }
        }
    }
}

import Fluent

/// Indexes that hold the values the caseload reads for each person, so each of its columns
/// is answered from the index alone: the time of an open request to reach out, of a missed
/// appointment, the last two recovery capital totals in order, and the goal counts of the
/// plan's latest version. Before, each of these found the person's rows in an index and then
/// read every one of them from the table (and sorted the assessments in a temporary tree), a
/// hundred rows to a page.
struct M0041_CoverCaseloadColumns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.dropIndex("check_ins_reach_out")
        try await database.createIndex(
            "check_ins_reach_out", on: "check_ins", "participant_id", "reach_out", "created_at")
        try await database.dropIndex("appointments_missed")
        try await database.createIndex("appointments_missed", on: "appointments", "participant_id", "status", "ends_at")
        try await database.dropIndex("recovery_capital_participant")
        try await database.createIndex(
            "recovery_capital_participant", on: "recovery_capital_assessments", "participant_id", "status",
            "completed_on", "created_at", "total")
        try await database.createIndex(
            "recovery_plan_versions_goals", on: "recovery_plan_versions", "participant_id", "number", "goals_done",
            "goals_total")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("recovery_plan_versions_goals")
        try await database.dropIndex("recovery_capital_participant")
        try await database.createIndex(
            "recovery_capital_participant", on: "recovery_capital_assessments", "participant_id", "status",
            "completed_on")
        try await database.dropIndex("appointments_missed")
        try await database.createIndex("appointments_missed", on: "appointments", "participant_id", "status")
        try await database.dropIndex("check_ins_reach_out")
        try await database.createIndex("check_ins_reach_out", on: "check_ins", "participant_id", "reach_out")
    }
}

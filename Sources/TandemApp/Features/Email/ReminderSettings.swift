import Fluent
import Foundation
import TandemKit
import Vapor

/// A person's reminder choices: each reminder on or off, and the time of the daily
/// check-in reminder. Participants have reminders; other roles get none to choose.
struct ReminderSettingsService {
    let req: Request
    let actor: Actor

    struct Choices: Sendable, Equatable {
        var appointments: Bool
        var checkIn: Bool
        var checkInTime: String
        var recoveryCapital: Bool
    }

    func current() async throws -> Choices {
        guard actor.role == .participant else { throw ServiceError.denied }
        let stored = try await stored()
        return Choices(
            appointments: stored?.appointments ?? true, checkIn: stored?.checkIn ?? false,
            checkInTime: stored?.checkInTime ?? "", recoveryCapital: stored?.recoveryCapital ?? true)
    }

    func save(_ choices: Choices) async throws {
        guard actor.role == .participant else { throw ServiceError.denied }
        let time = choices.checkInTime.trimmingCharacters(in: .whitespaces)
        if choices.checkIn || !time.isEmpty, TimeOfDay(time) == nil {
            throw ServiceError.invalid([
                ("check_in_time", time.isEmpty ? "error_time_required" : "error_session_time_invalid")
            ])
        }
        try await retryingOnUniqueConflict {
            let row =
                try await stored() ?? ReminderPreference(organizationID: actor.organizationID, userID: actor.userID)
            row.appointments = choices.appointments
            row.checkIn = choices.checkIn
            row.checkInTime = TimeOfDay(time)?.description ?? ""
            row.recoveryCapital = choices.recoveryCapital
            try await row.save(on: req.db)
        }
        try await req.audit(
            "reminders.update", actor: actor.userID, organization: actor.organizationID, subjectType: "user",
            subject: actor.userID)
    }

    private func stored() async throws -> ReminderPreference? {
        try await ReminderPreference.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$userID == actor.userID).first()
    }
}

/// The reminders page (`/account/reminders`).
struct ReminderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "reminders", use: page)
        routes.post("account", "reminders", use: save)
    }

    struct Body: Encodable, Sendable {
        let appointments: Bool
        let checkIn: Bool
        let checkInTime: String
        let recoveryCapital: Bool
        let emailOn: Bool
        let saved: Bool
    }

    static func body(_ choices: ReminderSettingsService.Choices, req: Request, saved: Bool) -> Body {
        Body(
            appointments: choices.appointments, checkIn: choices.checkIn, checkInTime: choices.checkInTime,
            recoveryCapital: choices.recoveryCapital, emailOn: req.application.tandemSettings.smtp != nil, saved: saved)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let choices = try await ReminderSettingsService(req: req, actor: actor.actor).current()
        return try await req.page(
            "accounts/reminders", titleKey: "reminders_title", Self.body(choices, req: req, saved: false))
    }

    struct Form: Content {
        var appointments: String?
        var check_in: String?
        var check_in_time: String?
        var recovery_capital: String?
    }

    @Sendable func save(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let choices = ReminderSettingsService.Choices(
            appointments: form.appointments != nil, checkIn: form.check_in != nil,
            checkInTime: form.check_in_time ?? "", recoveryCapital: form.recovery_capital != nil)
        do {
            try await ReminderSettingsService(req: req, actor: actor.actor).save(choices)
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "accounts/reminders", titleKey: "reminders_title", Self.body(choices, req: req, saved: false),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
        let stored = try await ReminderSettingsService(req: req, actor: actor.actor).current()
        return try await req.page(
            "accounts/reminders", titleKey: "reminders_title", Self.body(stored, req: req, saved: true))
    }
}

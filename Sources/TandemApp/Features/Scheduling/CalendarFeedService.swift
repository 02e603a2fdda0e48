import Fluent
import Foundation
import TandemKit
import Vapor

/// Private calendar feeds: each coach (their appointments) and each participant with a
/// sign-in (their own) may have one secret address for a calendar app to subscribe to,
/// showing times only or, if they choose, first names and places. Making a new address
/// revokes the old one; turning it off revokes it. Only the secret's SHA-256 is stored.
struct CalendarFeedService {
    let req: Request
    let actor: Actor

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.actor = actor
    }

    /// Feeds cover the last 60 days and everything ahead.
    static let pastDays = 60

    /// The person whose appointments a participant's feed shows, or nil for a coach's feed;
    /// refused for family members and partners, and for a participant without a record.
    private func owner() async throws -> UUID? {
        switch actor.role {
        case .admin, .supervisor, .coach: return nil
        case .participant:
            guard
                let participant = try await TenantScope(actor: actor, db: req.db).participants()
                    .filter(\.$user.$id == actor.userID).first()
            else { throw ServiceError.denied }
            return participant.id
        case .family, .partner: throw ServiceError.denied
        }
    }

    func current() async throws -> CalendarFeed? {
        _ = try await owner()
        return try await CalendarFeed.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$userID == actor.userID).first()
    }

    /// A new secret address (replacing any earlier one); the secret is shown once.
    func create(detail: String) async throws -> String {
        let participantID = try await owner()
        guard let detail = CalendarFeedDetail(rawValue: detail) else {
            throw ServiceError.invalid([("detail", "error_choose_one")])
        }
        let token = SecureToken.generate()
        let feed = CalendarFeed(
            organizationID: actor.organizationID, userID: actor.userID, participantID: participantID,
            tokenHash: SecureToken.hash(token), detail: detail)
        let organizationID = actor.organizationID
        let userID = actor.userID
        try await retryingOnUniqueConflict {
            try await req.db.transaction { db in
                try await CalendarFeed.query(on: db).filter(\.$organizationID == organizationID)
                    .filter(\.$userID == userID).delete()
                feed.id = nil
                feed.$id.exists = false
                try await feed.create(on: db)
            }
        }
        try await req.audit(
            "calendar_feed.create", actor: userID, organization: organizationID, subjectType: "calendar_feed",
            subject: feed.id, participant: participantID)
        return token
    }

    func revoke() async throws {
        let participantID = try await owner()
        try await CalendarFeed.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$userID == actor.userID).delete()
        try await req.audit(
            "calendar_feed.revoke", actor: actor.userID, organization: actor.organizationID,
            subjectType: "calendar_feed", participant: participantID)
    }

    /// The feed's document for the secret `token`, or nil when no feed has it. Reading it
    /// notes when the feed was last used (calendar apps read it every hour or so; what it
    /// shows is the owner's own schedule).
    static func document(token: String, req: Request, now: Date = Date()) async throws -> String? {
        guard token.count <= 100,
            let feed = try await CalendarFeed.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(token)).first()
        else { return nil }
        // The owner must still belong to the organization (and, for a person, be that person).
        guard
            let membership = try await Membership.query(on: req.db).filter(\.$user.$id == feed.userID)
                .filter(\.$organization.$id == feed.organizationID).first()
        else { return nil }
        let from = now.addingTimeInterval(-Double(pastDays) * 86_400)
        var query = Appointment.query(on: req.db).filter(\.$organizationID == feed.organizationID)
            .filter(\.$endsAt >= from).sort(\.$startsAt).limit(2000)
        if let participantID = feed.participantID {
            guard membership.role == .participant else { return nil }
            query = query.filter(\.$participantID == participantID)
        } else {
            guard membership.role.isStaff else { return nil }
            query = query.filter(\.$coachID == feed.userID)
        }
        let appointments = try await query.all()
        let names: [UUID: String]
        if feed.participantID == nil {
            let people = try await Participant.query(on: req.db).filter(\.$organization.$id == feed.organizationID)
                .filter(\.$id ~~ Set(appointments.map(\.participantID))).all()
            names = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.preferredName) })
        } else {
            let coaches = try await User.query(on: req.db).filter(\.$id ~~ Set(appointments.map(\.coachID))).all()
            names = Dictionary(uniqueKeysWithValues: coaches.map { ($0.id!, $0.displayName) })
        }
        let owner = try await User.find(feed.userID, on: req.db)
        let language = owner.flatMap { Language(rawValue: $0.language) } ?? .en
        let messages = req.tandem.messages[language] ?? MessageTable(messages: [:])
        let events = appointments.map { appointment in
            let other = names[feed.participantID == nil ? appointment.participantID : appointment.coachID] ?? ""
            return AppointmentService.calendarAppointment(appointment, otherName: other).event(
                detail: feed.detail, domain: AppointmentService.calendarDomain(req),
                plainTitle: messages.text("calendar_event_plain"),
                titleWith: { messages.text("calendar_event_with", ["name": $0]) },
                modeName: { messages.text("contact_mode_" + $0.rawValue) })
        }
        feed.lastUsedAt = now
        try await feed.save(on: req.db)
        return ICalendar(name: messages.text("calendar_name"), events: events).text(now: now)
    }
}

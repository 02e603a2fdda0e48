import Foundation
import TandemKit
import Vapor

/// "My meetings" (`/meetings/mine`): the meetings a person keeps, and, for a participant, the
/// days they noted going; keeping, forgetting and noting from a meeting's page.
struct MyMeetingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("meetings", "mine", use: mine)
        routes.post("meetings", "mine", ":savedID", "forget", use: forgetKept)
        routes.post("meetings", ":meetingID", "keep", use: keep)
        routes.post("meetings", ":meetingID", "forget", use: forget)
        routes.post("meetings", ":meetingID", "attended", use: attended)
    }

    struct Row: Encodable, Sendable {
        let savedID: String
        let id: String?
        let name: String
        let when: String
        let attendance: String
    }

    struct Went: Encodable, Sendable {
        let day: String
        let name: String
    }

    struct Body: Encodable, Sendable {
        let rows: [Row]
        let went: [Went]
        let isParticipant: Bool
    }

    @Sendable func mine(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = MyMeetingsService(req: req, actor: signedIn.actor)
        let kept = try await service.kept()
        var went: [Went] = []
        if let own = try await CheckInService(req, actor: signedIn.actor).ownRecord() {
            went = try await service.attendance(of: own.id!).map {
                Went(day: CalendarDate($0.day)?.written(req.messages) ?? $0.day, name: $0.name)
            }
        }
        return try await req.page(
            "meetings/mine", titleKey: "meetings_mine",
            Body(
                rows: kept.map { meeting in
                    Row(
                        savedID: meeting.savedID.uuidString, id: meeting.meetingID?.uuidString, name: meeting.name,
                        when: MeetingController.when(
                            days: meeting.days, start: meeting.start, end: meeting.end, req: req),
                        attendance: meeting.attendance.map { req.t("meetings_attendance_" + $0.rawValue) }
                            ?? req.t("meetings_no_longer_listed"))
                }, went: went, isParticipant: signedIn.role == .participant))
    }

    @Sendable func forgetKept(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        try await MyMeetingsService(req: req, actor: signedIn.actor).forgetKept(try req.id("savedID"))
        return .redirect("/meetings/mine")
    }

    @Sendable func keep(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("meetingID")
        try await MyMeetingsService(req: req, actor: signedIn.actor).keep(id)
        return .redirect("/meetings/\(id)?kept=1")
    }

    @Sendable func forget(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("meetingID")
        try await MyMeetingsService(req: req, actor: signedIn.actor).forget(id)
        return .redirect("/meetings/\(id)")
    }

    @Sendable func attended(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("meetingID")
        try await MyMeetingsService(req: req, actor: signedIn.actor).attended(id)
        return .redirect("/meetings/\(id)?went=1")
    }
}

import Foundation
import TandemKit
import Vapor

/// The meetings the organization runs itself (`/meetings/ours`): the list with the address of
/// the published feed, and the form to add or change one. Staff only.
struct OwnMeetingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let ours = routes.grouped("meetings", "ours")
        ours.get(use: list)
        ours.get("new", use: newForm)
        ours.post(use: create)
        ours.get(":meetingID", "edit", use: editForm)
        ours.post(":meetingID", use: update)
        ours.post(":meetingID", "delete", use: delete)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let when: String
        let attendance: String
    }

    struct ListBody: Encodable, Sendable {
        let rows: [Row]
        let feedURL: String
        let saved: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let meetings = try await OwnMeetingService(req: req, actor: signedIn.actor).list()
        return try await req.page(
            "meetings/ours", titleKey: "meetings_ours_title",
            ListBody(
                rows: meetings.map { id, meeting in
                    Row(
                        id: id.uuidString, name: meeting.name,
                        when: MeetingController.when(
                            days: meeting.days, start: meeting.time, end: meeting.endTime, req: req),
                        attendance: req.t("meetings_attendance_" + meeting.attendance.rawValue))
                }, feedURL: req.absoluteURL("/organizations/\(signedIn.organizationID)/meetings.json"),
                saved: req.query[String.self, at: "saved"] != nil))
    }

    struct FormBody: Encodable, Sendable {
        let action: String
        let isNew: Bool
        let name: String
        let days: [CheckOption]
        let time: String
        let endTime: String
        let types: [CheckOption]
        let otherTypes: String
        let location: String
        let address: String
        let latitude: String
        let longitude: String
        let region: String
        let conferenceURL: String
        let conferencePhone: String
        let notes: String
        let group: String
    }

    struct MeetingForm: Content {
        var name: String?
        var days: [String]?
        var time: String?
        var end_time: String?
        var types: [String]?
        var other_types: String?
        var location: String?
        var address: String?
        var latitude: String?
        var longitude: String?
        var region: String?
        var conference_url: String?
        var conference_phone: String?
        var notes: String?
        var group: String?

        var draft: MeetingDraft {
            MeetingDraft(
                name: name ?? "", days: (days ?? []).compactMap(Int.init), time: time ?? "", endTime: end_time ?? "",
                types: (types ?? []) + (other_types ?? "").split(separator: ",").map(String.init),
                location: location ?? "", address: address ?? "", latitude: latitude ?? "",
                longitude: longitude ?? "", region: region ?? "", conferenceURL: conference_url ?? "",
                conferencePhone: conference_phone ?? "", notes: notes ?? "", group: group ?? "")
        }
    }

    func formBody(action: String, isNew: Bool, _ draft: MeetingDraft, req: Request) -> FormBody {
        let common = MeetingController.commonTypes
        return FormBody(
            action: action, isNew: isNew, name: draft.name,
            days: (0...6).map {
                CheckOption(
                    value: String($0), label: req.t("weekday_\($0 == 0 ? 7 : $0)"), checked: draft.days.contains($0))
            }, time: draft.time, endTime: draft.endTime,
            types: common.map {
                CheckOption(
                    value: $0, label: MeetingController.typeName($0, req: req), checked: draft.types.contains($0))
            }, otherTypes: draft.types.filter { !common.contains($0) }.joined(separator: ", "),
            location: draft.location, address: draft.address, latitude: draft.latitude, longitude: draft.longitude,
            region: draft.region, conferenceURL: draft.conferenceURL, conferencePhone: draft.conferencePhone,
            notes: draft.notes, group: draft.group)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        _ = try await req.authorize(.manageResources)
        return try await req.page(
            "meetings/own-form", titleKey: "meetings_ours_new",
            formBody(action: "/meetings/ours", isNew: true, MeetingDraft(time: "19:00", types: ["O"]), req: req))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try await save(req: req, id: nil)
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let id = try req.id("meetingID")
        let meeting = try await OwnMeetingService(req: req, actor: signedIn.actor).meeting(id)
        return try await req.page(
            "meetings/own-form", titleKey: "meetings_ours_edit",
            formBody(action: "/meetings/ours/\(id)", isNew: false, MeetingDraft(meeting), req: req))
    }

    @Sendable func update(req: Request) async throws -> Response {
        try await save(req: req, id: try req.id("meetingID"))
    }

    func save(req: Request, id: UUID?) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let form = (try? req.content.decode(MeetingForm.self)) ?? MeetingForm()
        do {
            let saved = try await OwnMeetingService(req: req, actor: signedIn.actor).save(id, form.draft)
            return .redirect("/meetings/\(saved)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "meetings/own-form", titleKey: id == nil ? "meetings_ours_new" : "meetings_ours_edit",
                formBody(
                    action: id.map { "/meetings/ours/\($0)" } ?? "/meetings/ours", isNew: id == nil, form.draft,
                    req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        try await OwnMeetingService(req: req, actor: signedIn.actor).delete(try req.id("meetingID"))
        return .redirect("/meetings/ours?saved=1")
    }
}

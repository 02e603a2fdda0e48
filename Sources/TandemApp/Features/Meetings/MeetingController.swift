import Foundation
import TandemKit
import Vapor

/// The meeting finder (`/meetings`), one meeting's page, and its weekly `.ics`.
struct MeetingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("meetings", use: finder)
        routes.get("meetings", ":meetingID", use: show)
        routes.get("meetings", ":meetingID", "calendar.ics", use: ics)
        // The organization's public finder, when it chose to have one: no sign-in.
        let open = routes.grouped("organizations", ":organizationID", "meetings")
        open.get(use: publicFinder)
        open.get(":meetingID", use: publicShow)
        open.get(":meetingID", "calendar.ics", use: publicICS)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let when: String
        let attendance: String
        let attendanceKey: String
        let place: String
        let distance: String?
        let isOn: Bool
    }

    /// The select lists' options come written (`HTMLWriter.options`): a search page is asked
    /// for often, and a template loop per option cost more than the search.
    struct FinderBody: Encodable, Sendable {
        let days: String
        let parts: String
        let attendances: String
        let types: String
        let q: String
        let near: String
        let km: String
        let now: Bool
        let searched: Bool
        let hasRows: Bool
        let resultsHTML: String
        let canManage: Bool
        let hasPlace: Bool
        let usePlace: Bool
        let base: String
        let isPublic: Bool
        let organizationName: String
    }

    struct FinderQuery: Content {
        var day: String?
        var part: String?
        var attendance: String?
        var type: String?
        var q: String?
        var near: String?
        var km: String?
        var now: String?
        var place: String?
    }

    /// The type codes people look for most, in the finder's list (all codes show on a meeting).
    static let commonTypes = [
        "O", "C", "S", "W", "M", "LGBTQ", "Y", "X", "BE", "D", "SP", "B", "ONL", "TC",
    ]

    /// Where the finder is reached: signed in (`/meetings`) or on an organization's public page.
    struct Place: Sendable {
        let organization: Organization
        let signedIn: SignedIn?
        let base: String
    }

    @Sendable func finder(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await finderPage(
            req: req, at: Place(organization: signedIn.organization, signedIn: signedIn, base: "/meetings"))
    }

    @Sendable func publicFinder(req: Request) async throws -> Response {
        try await finderPage(req: req, at: try await Self.publicPlace(req))
    }

    /// The organization of a public address, when its public finder is on (404 otherwise).
    static func publicPlace(_ req: Request) async throws -> Place {
        let id = try req.id("organizationID")
        guard let organization = try await Organization.find(id, on: req.db),
            try await MeetingSettings.publicFinder(of: id, on: req.db)
        else { throw Abort(.notFound) }
        req.publicOrganization = organization
        return Place(organization: organization, signedIn: nil, base: "/organizations/\(id)/meetings")
    }

    func finderPage(req: Request, at place: Place) async throws -> Response {
        let signedIn = place.signedIn
        let query = (try? req.query.decode(FinderQuery.self)) ?? FinderQuery()
        var filter = MeetingFinder.Filter()
        filter.day = query.day.flatMap(Int.init).flatMap { (0...6).contains($0) ? $0 : nil }
        filter.part = query.part.flatMap(MeetingTimes.PartOfDay.init(rawValue:))
        filter.attendance = query.attendance.flatMap(Meeting.Attendance.init(rawValue:))
        filter.type = query.type.flatMap { $0.isEmpty || $0.count > 20 ? nil : $0 }
        filter.words = String((query.q ?? "").prefix(100))
        filter.nowAndNext = query.now != nil
        let near = NearSearch(near: query.near, km: query.km)
        filter.kilometres = near.kilometres
        if let point = near.point { filter.near = (point.latitude, point.longitude) }
        let saved =
            try await signedIn.asyncMap { try await ResourceController().ownPlace(req: req, signedIn: $0) } ?? nil
        let usesPlace = query.place != nil && saved != nil
        if usesPlace, let saved { filter.near = (saved.latitude, saved.longitude) }
        let errors = req.nearErrors(near, pointTyped: !usesPlace)
        // Any filter asks for a search, also one given alone in a link (`?type=W`).
        let searched = [
            query.day, query.part, query.attendance, query.type, query.q, query.now, query.near, query.place,
        ]
        .contains { $0 != nil }
        let finder = MeetingFinder(req: req, organization: place.organization)
        let found = searched && errors.isEmpty ? try await finder.search(filter) : []
        let local = MeetingTimes.local(Date(), in: finder.timeZone)
        let rows = found.map { meeting in
            Row(
                id: meeting.id.uuidString, name: meeting.name, when: Self.when(meeting, req: req),
                attendance: req.t("meetings_attendance_" + meeting.attendance.rawValue),
                attendanceKey: meeting.attendance.rawValue,
                // An online meeting has no place; its badge already says "Online".
                place: meeting.attendance == .online
                    ? "" : [meeting.location, meeting.address].filter { !$0.isEmpty }.joined(separator: ", "),
                distance: meeting.distance.map { req.t("meetings_km", ["km": Reports.oneDecimal($0)]) },
                isOn: finder.isOn(meeting, local))
        }
        let selectedDay = query.day ?? ""
        let days =
            [SelectOption(value: "", label: req.t("meetings_any_day"), selected: selectedDay.isEmpty)]
            + (0...6).map {
                SelectOption(
                    value: String($0), label: req.t("weekday_\($0 == 0 ? 7 : $0)"), selected: selectedDay == String($0))
            }
        let parts =
            [SelectOption(value: "", label: req.t("meetings_any_time"), selected: filter.part == nil)]
            + MeetingTimes.PartOfDay.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: req.t("meetings_part_" + $0.rawValue), selected: filter.part == $0)
            }
        let attendances =
            [SelectOption(value: "", label: req.t("meetings_any_attendance"), selected: filter.attendance == nil)]
            + [Meeting.Attendance.inPerson, .online, .hybrid].map {
                SelectOption(
                    value: $0.rawValue, label: req.t("meetings_attendance_" + $0.rawValue),
                    selected: filter.attendance == $0)
            }
        let types =
            [SelectOption(value: "", label: req.t("meetings_any_type"), selected: filter.type == nil)]
            + Self.commonTypes.map {
                SelectOption(value: $0, label: Self.typeName($0, req: req), selected: filter.type == $0)
            }
        let body = FinderBody(
            days: HTMLWriter.options(days), parts: HTMLWriter.options(parts),
            attendances: HTMLWriter.options(attendances), types: HTMLWriter.options(types),
            q: filter.words, near: query.near ?? "",
            km: near.problems.contains("km") ? String((query.km ?? "").prefix(20)) : String(Int(filter.kilometres)),
            now: filter.nowAndNext,
            searched: searched,
            hasRows: !rows.isEmpty,
            resultsHTML: MeetingResultList.html(rows, base: place.base, onNow: req.t("meetings_on_now")),
            canManage: signedIn?.can(.manageResources) ?? false, hasPlace: saved != nil,
            usePlace: query.place != nil && saved != nil, base: place.base, isPublic: signedIn == nil,
            organizationName: place.organization.name)
        return try await req.page(
            "meetings/finder", titleKey: "meetings_title", body, errors: errors,
            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func typeName(_ code: String, req: Request) -> String {
        let key = "meeting_type_" + code
        let name = req.t(key)
        return name == key ? code : name
    }

    /// "Tuesday, Thursday 19:00–20:00", or "by appointment".
    static func when(_ meeting: MeetingFinder.Found, req: Request) -> String {
        when(days: meeting.days, start: meeting.start, end: meeting.end, req: req)
    }

    static func when(days: [Int], start: TimeOfDay?, end: TimeOfDay?, req: Request) -> String {
        guard let start, !days.isEmpty else { return req.t("meetings_by_appointment") }
        let names =
            Set(days).count == 7
            ? req.t("meetings_every_day") : days.map { req.t("weekday_\($0 == 0 ? 7 : $0)") }.joined(separator: ", ")
        let end = end ?? TimeOfDay(minutes: (start.minutes + 60) % 1440)!
        return "\(names) \(start)–\(end)"
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let name: String
        let when: String
        let attendance: String
        let location: String
        let address: String
        let mapHref: String?
        let conferenceURL: String?
        let conferencePhone: String
        let types: [String]
        let notes: String
        let group: String
        let region: String
        let kept: Bool
        let isParticipant: Bool
        let justKept: Bool
        let went: Bool
        let saved: Bool
        let base: String
        let isPublic: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await showPage(
            req: req, at: Place(organization: signedIn.organization, signedIn: signedIn, base: "/meetings"))
    }

    @Sendable func publicShow(req: Request) async throws -> Response {
        try await showPage(req: req, at: try await Self.publicPlace(req))
    }

    func showPage(req: Request, at place: Place) async throws -> Response {
        let signedIn = place.signedIn
        let meeting = try await MeetingFinder(req: req, organization: place.organization).meeting(
            try req.id("meetingID"))
        let map = meeting.latitude.flatMap { lat in
            meeting.longitude.map { lon in
                "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=17/\(lat)/\(lon)"
            }
        }
        let url = AppointmentDraft.isWebLink(meeting.conferenceURL) ? meeting.conferenceURL : nil
        return try await req.page(
            "meetings/show", titleKey: "meetings_meeting",
            ShowBody(
                id: meeting.id.uuidString, name: meeting.name, when: Self.when(meeting, req: req),
                attendance: req.t("meetings_attendance_" + meeting.attendance.rawValue), location: meeting.location,
                address: meeting.address, mapHref: meeting.attendance == .online ? nil : map, conferenceURL: url,
                conferencePhone: meeting.conferencePhone, types: meeting.types.map { Self.typeName($0, req: req) },
                notes: meeting.notes, group: meeting.group, region: meeting.region,
                kept: try await signedIn.asyncMap {
                    try await MyMeetingsService(req: req, actor: $0.actor).isKept(meeting.id)
                } ?? false,
                isParticipant: signedIn?.role == .participant, justKept: req.query[String.self, at: "kept"] != nil,
                went: req.query[String.self, at: "went"] != nil, saved: req.query[String.self, at: "saved"] != nil,
                base: place.base, isPublic: signedIn == nil))
    }

    @Sendable func ics(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await icsFile(req: req, organization: signedIn.organization)
    }

    @Sendable func publicICS(req: Request) async throws -> Response {
        try await icsFile(req: req, organization: try await Self.publicPlace(req).organization)
    }

    func icsFile(req: Request, organization: Organization) async throws -> Response {
        let finder = MeetingFinder(req: req, organization: organization)
        let meeting = try await finder.meeting(try req.id("meetingID"))
        guard let start = meeting.start, !meeting.days.isEmpty else { throw Abort(.notFound) }
        let local = MeetingTimes.local(Date(), in: finder.timeZone)
        let ahead =
            MeetingTimes.minutesUntilStart(days: meeting.days, start: start, day: local.day, time: local.time) ?? 0
        let today = CalendarDate(Date(), in: finder.timeZone)
        // The first day it meets from today on (later today counts).
        let first = today.adding(days: (local.time.minutes + ahead) / 1440) ?? today
        let end = meeting.end ?? TimeOfDay(minutes: (start.minutes + 60) % 1440)!
        var event = ICalendar.Event(
            uid: meeting.id.uuidString.lowercased() + "@" + AppointmentService.calendarDomain(req), start: Date(),
            end: Date(), summary: meeting.name,
            location: meeting.attendance == .online
                ? "" : [meeting.location, meeting.address].filter { !$0.isEmpty }.joined(separator: ", "),
            description: meeting.notes,
            url: AppointmentDraft.isWebLink(meeting.conferenceURL) ? meeting.conferenceURL : nil)
        event.floating = (first, start, (end.minutes - start.minutes + 1440) % 1440)
        event.recurrence = "FREQ=WEEKLY;BYDAY=" + meeting.days.map { ICalendar.weekdays[$0] }.joined(separator: ",")
        let text = ICalendar(name: meeting.name, events: [event]).text(now: Date())
        return .text(text, subType: "calendar", filename: "meeting.ics")
    }
}

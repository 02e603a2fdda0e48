import Fluent
import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The meeting finder and the meeting sources in the API, over the same code as the pages.
extension APIHandler {
    func findMeetings(_ input: Operations.findMeetings.Input) async throws -> Operations.findMeetings.Output {
        try await api { req, actor in
            let query = input.query
            // The lengths the document promises (the generated server checks types, not lengths).
            for (field, value, limit) in [("type", query._type, 20), ("q", query.q, 100)]
            where (value?.count ?? 0) > limit {
                throw APIProblem(
                    status: .badRequest, reason: "\(field) is too long.",
                    fields: [.init(field: field, message: "Use at most \(limit) characters.")])
            }
            try Self.checkRanges([("day", query.day.map(Double.init), 0...6)])
            let near = try Self.point(latitude: query.latitude, longitude: query.longitude, km: query.km)
            var filter = MeetingFinder.Filter()
            filter.day = query.day
            filter.part = query.part.flatMap { MeetingTimes.PartOfDay(rawValue: $0.rawValue) }
            filter.nowAndNext = query.now ?? false
            filter.attendance = query.attendance.flatMap { Meeting.Attendance(rawValue: $0.rawValue) }
            filter.type = query._type.flatMap { $0.isEmpty ? nil : $0 }
            filter.words = query.q ?? ""
            filter.near = near
            if let km = query.km { filter.kilometres = km }
            let found = try await MeetingFinder(req: req, actor: actor).search(filter)
            return .ok(.init(body: .json(.init(items: found.map(Self.meeting)))))
        }
    }

    func getMeeting(_ input: Operations.getMeeting.Input) async throws -> Operations.getMeeting.Output {
        try await api { req, actor in
            let found = try await MeetingFinder(req: req, actor: actor).meeting(
                try Self.uuid(input.path.meetingId, "meetingId"))
            return .ok(.init(body: .json(Self.meeting(found))))
        }
    }

    static func meeting(_ found: MeetingFinder.Found) -> Schemas.MeetingSummary {
        .init(
            id: found.id.uuidString, name: found.name, days: found.days, start: found.start?.description,
            end: found.end?.description, attendance: .init(rawValue: found.attendance.rawValue) ?? .in_person,
            types: found.types, location: found.location, address: found.address, latitude: found.latitude,
            longitude: found.longitude, conferenceUrl: found.conferenceURL, conferencePhone: found.conferencePhone,
            notes: found.notes, distanceKm: found.distance, startsInMinutes: found.startsIn)
    }

    func listMeetingSources(_ input: Operations.listMeetingSources.Input) async throws
        -> Operations.listMeetingSources.Output
    {
        try await api { req, actor in
            let sources = try await MeetingSourceService(req: req, actor: actor).sources()
            return .ok(.init(body: .json(.init(items: sources.map(Self.source)))))
        }
    }

    func importMeetingSource(_ input: Operations.importMeetingSource.Input) async throws
        -> Operations.importMeetingSource.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let (outcome, source) = try await MeetingSourceService(req: req, actor: actor).importFeed(
                name: body.name, url: body.url)
            guard let source else {
                if case .failed(let report) = outcome {
                    throw APIProblem(status: .unprocessableEntity, reason: report)
                }
                throw ServiceError.notFound
            }
            let result: Schemas.MeetingImportResult.outcomePayload
            var message: String?
            switch outcome {
            case .unchanged: result = .unchanged
            case .imported: result = .imported
            case .failed(let report):
                result = .failed
                message = report
            }
            return .ok(.init(body: .json(.init(outcome: result, message: message, source: Self.source(source)))))
        }
    }

    static func source(_ source: MeetingSource) -> Schemas.MeetingSource {
        .init(
            id: source.id!.uuidString, name: source.name, url: source.url, meetings: source.meetingCount,
            skipped: source.skippedCount, importedAt: source.importedAt, report: source.report)
    }
}

/// The meetings the organization runs itself, in the API.
extension APIHandler {
    func listOwnMeetings(_ input: Operations.listOwnMeetings.Input) async throws -> Operations.listOwnMeetings.Output {
        try await api { req, actor in
            let meetings = try await OwnMeetingService(req: req, actor: actor).list()
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: meetings.map { Self.ownMeeting($0.id, $0.meeting) },
                            feedUrl: req.absoluteURL("/organizations/\(actor.organizationID)/meetings.json")))))
        }
    }

    func createOwnMeeting(_ input: Operations.createOwnMeeting.Input) async throws
        -> Operations.createOwnMeeting.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = OwnMeetingService(req: req, actor: actor)
            let id = try await service.save(nil, try Self.meetingDraft(body))
            return .created(.init(body: .json(Self.ownMeeting(id, try await service.meeting(id)))))
        }
    }

    func updateOwnMeeting(_ input: Operations.updateOwnMeeting.Input) async throws
        -> Operations.updateOwnMeeting.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = OwnMeetingService(req: req, actor: actor)
            let id = try Self.uuid(input.path.meetingId, "meetingId")
            try await service.save(id, try Self.meetingDraft(body))
            return .ok(.init(body: .json(Self.ownMeeting(id, try await service.meeting(id)))))
        }
    }

    func deleteOwnMeeting(_ input: Operations.deleteOwnMeeting.Input) async throws
        -> Operations.deleteOwnMeeting.Output
    {
        try await api { req, actor in
            try await OwnMeetingService(req: req, actor: actor).delete(try Self.uuid(input.path.meetingId, "meetingId"))
            return .noContent(.init())
        }
    }

    /// The draft a body describes. Days and type codes the document refuses are refused here,
    /// before the rules would quietly drop or merge them.
    static func meetingDraft(_ body: Schemas.OwnMeetingInput) throws -> MeetingDraft {
        var fields: [Problem.FieldProblem] = []
        if body.days.contains(where: { !(0...6).contains($0) }) {
            fields.append(.init(field: "days", message: "Use days from 0 (Sunday) to 6 (Saturday)."))
        }
        if let end = body.endTime, TimeOfDay(end) == nil {
            fields.append(.init(field: "endTime", message: "Use a time like 20:30, or leave it out."))
        }
        if let types = body.types,
            types.count > 30 || types.contains(where: { $0.isEmpty || $0.count > 20 || $0.contains(",") })
        {
            fields.append(
                .init(field: "types", message: "Type codes are 1 to 20 characters, without commas, 30 at most."))
        }
        if !fields.isEmpty {
            throw APIProblem(status: .unprocessableEntity, reason: "Some fields are not valid.", fields: fields)
        }
        return MeetingDraft(
            name: body.name, days: body.days, time: body.time, endTime: body.endTime ?? "", types: body.types ?? [],
            location: body.location ?? "", address: body.address ?? "",
            latitude: body.latitude.map { String($0) } ?? "", longitude: body.longitude.map { String($0) } ?? "",
            region: body.region ?? "", conferenceURL: body.conferenceUrl ?? "",
            conferencePhone: body.conferencePhone ?? "", notes: body.notes ?? "", group: body.group ?? "")
    }

    static func ownMeeting(_ id: UUID, _ meeting: Meeting) -> Schemas.OwnMeeting {
        .init(
            id: id.uuidString, slug: meeting.slug, name: meeting.name, days: meeting.days,
            time: meeting.time?.description ?? "", endTime: meeting.endTime?.description, types: meeting.types,
            location: meeting.location, address: meeting.formattedAddress, latitude: meeting.latitude,
            longitude: meeting.longitude, region: meeting.region, conferenceUrl: meeting.conferenceURL,
            conferencePhone: meeting.conferencePhone, notes: meeting.notes, group: meeting.group,
            attendance: .init(rawValue: meeting.attendance.rawValue) ?? .in_person)
    }
}

/// Query checks the search operations share.
extension APIHandler {
    /// Numbers the document bounds (the generated server checks types, not ranges): 400 naming the field.
    static func checkRanges(_ ranges: [(String, Double?, ClosedRange<Double>)]) throws {
        for (field, value, range) in ranges where value.map({ !range.contains($0) }) ?? false {
            throw APIProblem(
                status: .badRequest, reason: "\(field) is out of range.",
                fields: [.init(field: field, message: "Use a value from \(range.lowerBound) to \(range.upperBound).")])
        }
    }

    /// A point to search near: both coordinates or neither, each in range, and the distance in range.
    static func point(latitude: Double?, longitude: Double?, km: Double?) throws -> (
        latitude: Double, longitude: Double
    )? {
        try checkRanges([("latitude", latitude, -90...90), ("longitude", longitude, -180...180), ("km", km, 1...500)])
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): return (latitude, longitude)
        case (nil, nil): return nil
        default:
            throw APIProblem(
                status: .unprocessableEntity, reason: "Give both latitude and longitude, or neither.",
                fields: [.init(field: "latitude", message: "Give both latitude and longitude, or neither.")])
        }
    }
}

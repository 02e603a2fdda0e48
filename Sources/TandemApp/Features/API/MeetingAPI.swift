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
            let ranges: [(String, Double?, ClosedRange<Double>)] = [
                ("day", query.day.map(Double.init), 0...6), ("latitude", query.latitude, -90...90),
                ("longitude", query.longitude, -180...180), ("km", query.km, 1...500),
            ]
            for (field, value, range) in ranges where value.map({ !range.contains($0) }) ?? false {
                throw APIProblem(
                    status: .badRequest, reason: "\(field) is out of range.",
                    fields: [
                        .init(field: field, message: "Use a value from \(range.lowerBound) to \(range.upperBound).")
                    ])
            }
            var filter = MeetingFinder.Filter()
            filter.day = query.day
            filter.part = query.part.flatMap { MeetingTimes.PartOfDay(rawValue: $0.rawValue) }
            filter.nowAndNext = query.now ?? false
            filter.attendance = query.attendance.flatMap { Meeting.Attendance(rawValue: $0.rawValue) }
            filter.type = query._type.flatMap { $0.isEmpty ? nil : $0 }
            filter.words = query.q ?? ""
            switch (query.latitude, query.longitude) {
            case (let latitude?, let longitude?): filter.near = (latitude, longitude)
            case (nil, nil): break
            default:
                throw APIProblem(
                    status: .unprocessableEntity, reason: "Give both latitude and longitude, or neither.",
                    fields: [.init(field: "latitude", message: "Give both latitude and longitude, or neither.")])
            }
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

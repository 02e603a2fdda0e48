import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The check-in operations of the API, over the same service as the pages. Phones retry,
/// so a check-in may carry an `Idempotency-Key`.
extension APIHandler {
    func listCheckIns(_ input: Operations.listCheckIns.Input) async throws -> Operations.listCheckIns.Output {
        try await api { req, actor in
            let page = try Self.page(input.query.page)
            let history = try await CheckInService(req, actor: actor).history(
                try Self.uuid(input.path.participantId, "participantId"), page: page)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: history.checkIns.map(Self.checkIn), page: page, hasMore: history.hasMore,
                            streak: history.streak, daysCheckedInLast30: history.last30))))
        }
    }

    func submitCheckIn(_ input: Operations.submitCheckIn.Input) async throws -> Operations.submitCheckIn.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let participantID = try Self.uuid(input.path.participantId, "participantId")
            let answers = CheckInAnswers(
                mood: body.mood, craving: body.craving, use: body.use?.rawValue ?? "",
                supports: body.supports?.map(\.rawValue) ?? [], wentWell: body.wentWell ?? "",
                wantsReachOut: body.reachOut ?? false)
            let service = CheckInService(req, actor: actor)
            let kept = try await Idempotency(req: req, userID: actor.userID).run(
                key: input.headers.Idempotency_hyphen_Key, operation: "submitCheckIn:\(participantID)", body: body,
                make: {
                    let checkIn = try await service.submit(participantID, answers)
                    var answer = Self.checkIn(checkIn)
                    // The person's own words raised an alert: their app shows who to reach now.
                    answer.crisisAlertRaised = !CrisisPhrases.matches(in: answers.wentWell).isEmpty
                    return (checkIn.id!, answer)
                },
                read: {
                    let checkIn = try await service.checkIn(participantID, $0)
                    var answer = Self.checkIn(checkIn)
                    answer.crisisAlertRaised = !CrisisPhrases.matches(in: checkIn.wentWell).isEmpty
                    return answer
                })
            return .created(.init(body: .json(kept)))
        }
    }

    func followUpCheckIn(_ input: Operations.followUpCheckIn.Input) async throws -> Operations.followUpCheckIn.Output {
        try await api { req, actor in
            let participantID = try Self.uuid(input.path.participantId, "participantId")
            let checkInID = try Self.uuid(input.path.checkInId, "checkInId")
            let service = CheckInService(req, actor: actor)
            try await service.followUp(participantID, checkIn: checkInID)
            return .ok(.init(body: .json(Self.checkIn(try await service.checkIn(participantID, checkInID)))))
        }
    }

    func exportCheckIns(_ input: Operations.exportCheckIns.Input) async throws -> Operations.exportCheckIns.Output {
        try await api { req, actor in
            let text = try await CheckInService(req, actor: actor).csv(
                try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .csv(HTTPBody(text))))
        }
    }

    static func checkIn(_ checkIn: CheckIn) -> Schemas.CheckIn {
        .init(
            id: checkIn.id!.uuidString, date: checkIn.localDate, mood: checkIn.mood, craving: checkIn.craving,
            use: checkIn.substanceUse.isEmpty ? nil : .init(rawValue: checkIn.substanceUse),
            supports: ValueList.split(checkIn.supports).compactMap(Schemas.CheckInSupport.init(rawValue:)),
            wentWell: checkIn.wentWell, reachOut: .init(rawValue: checkIn.reachOut.rawValue) ?? .none,
            followedUpAt: checkIn.followedUpAt)
    }
}

extension APIHandler {
    func exportFHIR(_ input: Operations.exportFHIR.Input) async throws -> Operations.exportFHIR.Output {
        try await api { req, actor in
            let data = try await ExportService(req, actor: actor).fhir(
                try Self.uuid(input.path.participantId, "participantId"))
            let bundle = try JSONDecoder().decode(
                Operations.exportFHIR.Output.Ok.Body.application_fhir_plus_jsonPayload.self, from: data)
            return .ok(.init(body: .application_fhir_plus_json(bundle)))
        }
    }
}

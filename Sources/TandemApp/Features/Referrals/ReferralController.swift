import Fluent
import Foundation
import TandemKit
import Vapor

/// Referral pages: a person's referrals, making one (find a resource, then say why), one
/// referral with its history and the next step, and the place a person searches near. The
/// service checks access and audits.
struct ReferralController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let forPerson = routes.grouped("participants", ":participantID")
        forPerson.get("referrals", use: list)
        forPerson.get("referrals", "new", use: newForm)
        forPerson.post("referrals", use: create)
        forPerson.get("place", use: placeForm)
        forPerson.post("place", use: savePlace)
        routes.get("referrals", ":referralID", use: show)
        routes.post("referrals", ":referralID", "step", use: step)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let resource: String
        let status: String
        let statusKey: String
        let date: String
        let followUp: String
    }

    static func row(_ referral: Referral, req: Request, timeZone: TimeZone) -> Row {
        Row(
            id: referral.id!.uuidString, resource: referral.resourceName,
            status: req.t("referral_status_" + referral.status.rawValue), statusKey: referral.status.rawValue,
            date: referral.createdAt.map { CalendarDate($0, in: timeZone).written(req.messages) } ?? "",
            followUp: CalendarDate(referral.followUpOn)?.written(req.messages) ?? "")
    }

    struct ListBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let canRefer: Bool
        let rows: [Row]
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let (participant, canRefer, referrals) = try await ReferralService(req, actor: signedIn.actor).list(of: id)
        let zone = TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt
        return try await req.page(
            "referrals/list", titleKey: "referrals_title",
            ListBody(
                participantID: id.uuidString, name: participant.preferredName, canRefer: canRefer,
                rows: referrals.map { Self.row($0, req: req, timeZone: zone) }))
    }

    struct NewQuery: Content {
        var q: String?
        var category: String?
        var resource: String?
        var anywhere: String?
    }

    struct NewBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let q: String
        let categories: [SelectOption]
        let hasPlace: Bool
        let anywhere: Bool
        let results: [ResourceController.Row]
        let searched: Bool
        /// Nothing found because the directory is empty, not because of the words.
        let directoryEmpty: Bool
        /// The resource chosen, when the form to say why is shown.
        let resourceID: String?
        let resourceName: String
        let reason: String
        let notes: String
        let agreed: Bool
        let followUp: String
        let isSelf: Bool
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let query = (try? req.query.decode(NewQuery.self)) ?? NewQuery()
        let chosen = query.resource.flatMap(UUID.init(uuidString:))
        return try await newPage(
            req: req, signedIn: signedIn, participantID: id, query: query, chosen: chosen,
            input: ReferralService.NewReferral())
    }

    func newPage(
        req: Request, signedIn: SignedIn, participantID: UUID, query: NewQuery, chosen: UUID?,
        input: ReferralService.NewReferral, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let referrals = ReferralService(req, actor: signedIn.actor)
        let (participant, relation) = try await referrals.people.authorized(participantID, .refer)
        let resources = ResourceService(req: req, actor: signedIn.actor)
        let place = try await referrals.place(of: participantID)
        var found: [ResourceService.Found] = []
        let searched = query.q != nil || query.category != nil
        if searched && chosen == nil {
            var filter = ResourceService.Filter()
            filter.words = String((query.q ?? "").prefix(100))
            filter.category = query.category.flatMap(ResourceCategory.init(rawValue:))
            if let place, query.anywhere == nil { filter.near = (place.latitude, place.longitude) }
            found = try await resources.search(filter)
        }
        var directoryEmpty = false
        if searched && found.isEmpty { directoryEmpty = try await resources.search(.init()).isEmpty }
        let resource = try await chosen.asyncMap { try await resources.resource($0).resource }
        return try await req.page(
            "referrals/new", titleKey: "referrals_new",
            NewBody(
                participantID: participantID.uuidString, name: participant.preferredName, q: query.q ?? "",
                categories: ResourcePages.categoryOptions(
                    selected: query.category, anyKey: "resources_any_category", req: req),
                hasPlace: place != nil, anywhere: query.anywhere != nil,
                results: found.map { ResourceController.row($0, req: req) }, searched: searched,
                directoryEmpty: directoryEmpty,
                resourceID: resource?.id?.uuidString, resourceName: resource?.name ?? "", reason: input.reason,
                notes: input.notes, agreed: input.agreed, followUp: input.followUp, isSelf: relation.isSelf),
            errors: errors, status: status)
    }

    struct CreateForm: Content {
        var resource_id: String?
        var reason: String?
        var notes: String?
        var agreed: String?
        var follow_up: String?
    }

    @Sendable func create(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(CreateForm.self)) ?? CreateForm()
        let input = ReferralService.NewReferral(
            resourceID: form.resource_id.flatMap(UUID.init(uuidString:)), reason: form.reason ?? "",
            notes: form.notes ?? "", agreed: form.agreed != nil, followUp: form.follow_up ?? "")
        do {
            let referral = try await ReferralService(req, actor: signedIn.actor).create(id, input)
            return .redirect("/referrals/\(referral.id!)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await newPage(
                req: req, signedIn: signedIn, participantID: id, query: NewQuery(), chosen: input.resourceID,
                input: input, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct StepRow: Encodable, Sendable {
        let when: String
        let status: String
        let by: String
        let note: String
        let followUp: String
        let outcome: String
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let participantID: String
        let name: String
        let resourceID: String?
        let resourceName: String
        let reason: String
        let notes: String
        let agreed: Bool
        let status: String
        let statusKey: String
        let outcome: String
        let followUp: String
        let followUpValue: String
        let canChange: Bool
        let steps: [StepRow]
        let next: [CheckOption]
        let outcomes: [SelectOption]
        let saved: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await showPage(req: req, signedIn: signedIn, id: try req.id("referralID"))
    }

    func showPage(
        req: Request, signedIn: SignedIn, id: UUID, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let detail = try await ReferralService(req, actor: signedIn.actor).referral(id)
        let referral = detail.referral
        return try await req.page(
            "referrals/show", titleKey: "referrals_referral",
            ShowBody(
                id: id.uuidString, participantID: referral.participantID.uuidString,
                name: detail.participant.preferredName, resourceID: referral.resourceID?.uuidString,
                resourceName: referral.resourceName, reason: referral.reason, notes: referral.notes,
                agreed: referral.agreed, status: req.t("referral_status_" + referral.status.rawValue),
                statusKey: referral.status.rawValue,
                outcome: referral.outcome.isEmpty ? "" : req.t("referral_outcome_" + referral.outcome),
                followUp: CalendarDate(referral.followUpOn)?.written(req.messages) ?? "",
                followUpValue: referral.followUpOn, canChange: detail.canChange,
                steps: detail.steps.map { step, by in
                    StepRow(
                        when: req.dateTime(step.createdAt, organization: signedIn.organization),
                        status: req.t("referral_status_" + step.status.rawValue), by: by, note: step.note,
                        followUp: CalendarDate(step.followUpOn)?.written(req.messages) ?? "",
                        outcome: step.outcome.isEmpty ? "" : req.t("referral_outcome_" + step.outcome))
                },
                next: referral.status.next.map {
                    CheckOption(value: $0.rawValue, label: req.t("referral_status_" + $0.rawValue), checked: false)
                },
                outcomes: [SelectOption(value: "", label: req.t("referrals_choose_outcome"), selected: true)]
                    + ReferralOutcome.allCases.map {
                        SelectOption(
                            value: $0.rawValue, label: req.t("referral_outcome_" + $0.rawValue), selected: false)
                    }, saved: req.query[String.self, at: "saved"] != nil), errors: errors, status: status)
    }

    struct StepForm: Content {
        var status: String?
        var outcome: String?
        var note: String?
        var agreed: String?
        var follow_up: String?
    }

    @Sendable func step(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("referralID")
        let form = (try? req.content.decode(StepForm.self)) ?? StepForm()
        let status = form.status.flatMap { $0.isEmpty ? nil : $0 }
        if let status, ReferralStatus(rawValue: status) == nil {
            return try await showPage(
                req: req, signedIn: signedIn, id: id, errors: req.fieldErrors([("status", "error_choose_one")]),
                status: .unprocessableEntity)
        }
        let move = ReferralService.Move(
            status: status.flatMap(ReferralStatus.init(rawValue:)), outcome: form.outcome ?? "", note: form.note ?? "",
            agreed: form.agreed == nil ? nil : true, followUp: form.follow_up)
        do {
            _ = try await ReferralService(req, actor: signedIn.actor).move(id, move)
            return .redirect("/referrals/\(id)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                req: req, signedIn: signedIn, id: id, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct PlaceBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let label: String
        let coordinates: String
    }

    @Sendable func placeForm(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let (participant, place) = try await ReferralService(req, actor: signedIn.actor).placeToChange(of: id)
        return try await req.page(
            "referrals/place", titleKey: "place_title",
            PlaceBody(
                participantID: id.uuidString, name: participant.preferredName, label: place?.label ?? "",
                coordinates: place.map { "\($0.latitude), \($0.longitude)" } ?? ""))
    }

    struct PlaceForm: Content {
        var label: String?
        var coordinates: String?
    }

    @Sendable func savePlace(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(PlaceForm.self)) ?? PlaceForm()
        let service = ReferralService(req, actor: signedIn.actor)
        do {
            try await service.savePlace(id, label: form.label ?? "", coordinates: form.coordinates ?? "")
            return .redirect(signedIn.role == .participant ? "/resources?place=1" : "/participants/\(id)?saved=1")
        } catch ServiceError.invalid(let problems) {
            let (participant, _) = try await service.people.authorized(id, .savePlace)
            return try await req.page(
                "referrals/place", titleKey: "place_title",
                PlaceBody(
                    participantID: id.uuidString, name: participant.preferredName, label: form.label ?? "",
                    coordinates: form.coordinates ?? ""), errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
    }
}

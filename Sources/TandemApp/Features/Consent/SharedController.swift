import Foundation
import TandemKit
import Vapor

/// What family members and partners see of a loved one's record: the people whose
/// consents name them, and for each exactly the consented categories, checked and recorded
/// as a disclosure at every view.
struct SharedController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("shared", use: list)
        routes.get("shared", ":participantID", use: show)
    }

    struct Person: Encodable, Sendable {
        let id: String
        let name: String
        let categories: String
    }

    struct ListBody: Encodable, Sendable {
        let people: [Person]
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let sharers = try await DisclosureService(req, actor: signedIn.actor).sharedWithMe()
        return try await req.page(
            "shared/list", titleKey: "shared_title",
            ListBody(
                people: sharers.map {
                    Person(
                        id: $0.participant.id!.uuidString, name: $0.participant.preferredName,
                        categories: ConsentController.categoryList($0.categories, req: req))
                }))
    }

    struct ShowBody: Encodable, Sendable {
        let name: String
        let categories: String
        let record: SharedRecord
        let notice: String
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let view: DisclosureService.View
        do {
            view = try await DisclosureService(req, actor: signedIn.actor).view(try req.id("participantID"))
        } catch ServiceError.denied {
            return try await req.page("shared/nothing", titleKey: "shared_nothing_title", Empty(), status: .forbidden)
        }
        return try await req.page(
            "shared/show", titleKey: "shared_title",
            ShowBody(
                name: view.participant.preferredName,
                categories: ConsentController.categoryList(
                    view.record.categories.compactMap(ConsentCategory.init(rawValue:)), req: req),
                record: view.record, notice: ConsentRules.notice))
    }
}

import Fluent
import Foundation
import TandemKit
import Vapor

/// The resource directory: search it (`/resources`) and read one entry. Everyone in the
/// organization may; staff see the links to add, import and export.
struct ResourceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("resources", use: search)
        routes.get("resources", ":resourceID", use: show)
    }

    struct SearchQuery: Content {
        var q: String?
        var category: String?
        var language: String?
        var open: String?
        var near: String?
        var place: String?
        var km: String?
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let categories: [String]
        let isOpen: Bool
        let isStale: Bool
        let phone: String
        let address: String
        let distance: String?
    }

    struct SearchBody: Encodable, Sendable {
        let categories: [SelectOption]
        let q: String
        let language: String
        let open: Bool
        let near: String
        let km: String
        let hasPlace: Bool
        let usePlace: Bool
        let placeLabel: String
        let rows: [Row]
        let canManage: Bool
        let canImport: Bool
        let searched: Bool
    }

    @Sendable func search(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let query = (try? req.query.decode(SearchQuery.self)) ?? SearchQuery()
        var filter = ResourceService.Filter()
        filter.words = String((query.q ?? "").prefix(100))
        filter.category = query.category.flatMap(ResourceCategory.init(rawValue:))
        let language = (query.language ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        filter.language = ResourceDraft.isLanguageCode(language) ? language : nil
        filter.openNow = query.open != nil
        let near = NearSearch(near: query.near, km: query.km)
        filter.kilometres = near.kilometres
        let place = try await ownPlace(req: req, signedIn: signedIn)
        // A saved place chosen replaces the typed point, so only the distance can be wrong then.
        let usesPlace = query.place != nil && place != nil
        let errors = req.nearErrors(near, pointTyped: !usesPlace)
        if usesPlace, let place {
            filter.near = (place.latitude, place.longitude)
        } else if let point = near.point {
            filter.near = (point.latitude, point.longitude)
        }
        let service = ResourceService(req: req, actor: signedIn.actor)
        let found = errors.isEmpty ? try await service.search(filter) : []
        let body = SearchBody(
            categories: ResourcePages.categoryOptions(
                selected: filter.category?.rawValue, anyKey: "resources_any_category", req: req),
            q: filter.words, language: filter.language ?? "", open: filter.openNow, near: query.near ?? "",
            km: near.problems.contains("km") ? String((query.km ?? "").prefix(20)) : String(Int(filter.kilometres)),
            hasPlace: place != nil, usePlace: query.place != nil && place != nil,
            placeLabel: place.map { $0.label.isEmpty ? req.t("place_saved") : $0.label } ?? "",
            rows: found.map { Self.row($0, req: req) }, canManage: signedIn.can(.manageResources),
            canImport: signedIn.can(.importResources),
            searched: query.q != nil || query.category != nil || query.near != nil || query.place != nil)
        return try await req.page(
            "resources/search", titleKey: "resources_title", body, errors: errors,
            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// A signed-in participant's own saved place.
    func ownPlace(req: Request, signedIn: SignedIn) async throws -> ParticipantPlace? {
        guard signedIn.role == .participant,
            let own = try await CheckInService(req, actor: signedIn.actor).ownRecord()
        else { return nil }
        return try await ReferralService(req, actor: signedIn.actor).place(of: own.id!)
    }

    static func row(_ found: ResourceService.Found, req: Request) -> Row {
        let resource = found.resource
        return Row(
            id: resource.id!.uuidString, name: resource.name,
            categories: Resource.list(resource.categories).map { ResourcePages.categoryName($0, req: req) },
            isOpen: found.isOpen, isStale: found.isStale, phone: resource.phone, address: resource.address,
            distance: found.distance.map { req.t("meetings_km", ["km": Reports.oneDecimal($0)]) })
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let name: String
        let description: String
        let categories: [String]
        let address: String
        let mapHref: String?
        let phone: String
        let website: String?
        let hours: String
        let isOpen: Bool
        let hoursKnown: Bool
        let languages: [String]
        let costs: [String]
        let eligibility: String
        let accessibility: String
        let lastVerified: String
        let isStale: Bool
        let canManage: Bool
        /// The signed-in participant's own record, to ask for a referral here.
        let ownParticipantID: String?
        let saved: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let found = try await ResourceService(req: req, actor: signedIn.actor).resource(try req.id("resourceID"))
        let resource = found.resource
        let own =
            signedIn.role == .participant
            ? try await CheckInService(req, actor: signedIn.actor).ownRecord() : nil
        return try await req.page(
            "resources/show", titleKey: "resources_resource",
            ShowBody(
                id: resource.id!.uuidString, name: resource.name, description: resource.description,
                categories: Resource.list(resource.categories).map { ResourcePages.categoryName($0, req: req) },
                address: resource.address,
                mapHref: ResourcePages.mapHref(latitude: resource.latitude, longitude: resource.longitude),
                phone: resource.phone,
                website: AppointmentDraft.isWebLink(resource.website) ? resource.website : nil, hours: resource.hours,
                isOpen: found.isOpen, hoursKnown: OpeningHours.read(resource.hours).isKnown,
                languages: Resource.list(resource.languages).map { ResourcePages.languageName($0, req: req) },
                costs: Resource.list(resource.costs).map { req.t("resource_cost_" + $0) },
                eligibility: resource.eligibility, accessibility: resource.accessibility,
                lastVerified: CalendarDate(resource.lastVerified)?.written(req.messages)
                    ?? req.t("resources_never_verified"),
                isStale: found.isStale, canManage: signedIn.can(.manageResources),
                ownParticipantID: own?.id?.uuidString, saved: req.query[String.self, at: "saved"] != nil))
    }
}

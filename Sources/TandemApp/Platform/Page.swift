import Foundation
import TandemKit
import Vapor

/// One link of the navigation.
struct NavItem: Sendable {
    let label: String
    let href: String
    let current: Bool
}

/// What the layout around every page needs (`Layout`).
struct Shell: Sendable {
    let title: String
    let organizationName: String?
    /// Where the name in the header leads: home, or a visitor's way back to the public site.
    var brandHref = "/"
    let userName: String?
    let signedIn: Bool
    /// The person belongs to more than one organization: the header links to the switch.
    let switchesOrganization: Bool
    let nav: [NavItem]
    let crisisLine: String
    let language: String
    let csrf: String
    let isDemo: Bool
    let isEnglish: Bool
    let path: String
}

/// One option of a select list.
struct SelectOption: Encodable, Sendable {
    let value: String
    let label: String
    let selected: Bool
}

/// A form field's error, for the summary at the top and the message at the field.
struct FieldError: Encodable, Sendable {
    let field: String
    let message: String
}

/// What a page's own template may use of the layout's: its title (as the heading of a simple
/// page) and the form token.
struct ContentShell: Encodable, Sendable {
    let title: String
    let csrf: String
}

/// The context of every page's template: the shell and the page's own data. Messages come
/// from the `#t("key")` tag.
struct Page<Body: Encodable & Sendable>: Encodable, Sendable {
    let shell: ContentShell
    let p: Body
    let errors: [FieldError]
    let hasErrors: Bool
    let fieldErrors: [String: String]
}

struct Empty: Encodable, Sendable {}

extension Request {
    /// Renders `template` inside the layout, with the page title from `titleKey`.
    func page<Body: Encodable & Sendable>(
        _ template: String, titleKey: String, _ body: Body, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let actor = await optionalSignedIn()
        let title = t(titleKey)
        // A visitor on an organization's public page sees that organization's name and crisis line.
        let visited = actor == nil ? publicOrganization : nil
        var shell = Shell(
            title: title, organizationName: actor?.organization.name ?? visited?.name,
            userName: actor?.user.displayName,
            signedIn: actor != nil, switchesOrganization: (actor?.organizationCount ?? 0) > 1,
            nav: actor.map { navigation(for: $0) } ?? [],
            crisisLine: (actor?.organization ?? visited)?.crisisLine ?? "988", language: language.rawValue,
            csrf: csrfToken(), isDemo: settings.isDemo, isEnglish: language == .en, path: url.path)
        if let visited { shell.brandHref = SiteController.base(visited) }
        var fieldErrors: [String: String] = [:]
        for error in errors where fieldErrors[error.field] == nil { fieldErrors[error.field] = error.message }
        let context = Page(
            shell: ContentShell(title: title, csrf: shell.csrf), p: body, errors: errors, hasErrors: !errors.isEmpty,
            fieldErrors: fieldErrors)
        let content = try await self.view.render(template, context).data
        let response = Response(
            status: status, body: .init(buffer: Layout.wrap(content, shell: shell, t: { self.t($0) })))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .contentLanguage, value: language.rawValue)
        return response
    }

    private func navigation(for actor: SignedIn) -> [NavItem] {
        var items: [(String, String)] = [("nav_home", "/")]
        if actor.role == .participant { items.append(("nav_check_in", "/check-in")) }
        if actor.role == .family { items.append(("nav_wellbeing", "/wellbeing")) }
        if actor.role == .family || actor.role == .partner { items.append(("nav_shared", "/shared")) }
        if actor.can(.referHandoffs) || actor.can(.acceptHandoffs) { items.append(("nav_handoffs", "/handoffs")) }
        if actor.role == .participant { items.append(("nav_programs", "/programs")) }
        if actor.can(.managePrograms) { items.append(("nav_programs", "/admin/programs")) }
        if ParticipantAccess.can(actor.role, .create, .none) { items.append(("nav_participants", "/participants")) }
        if actor.can(.viewCaseloads) {
            items.append(("nav_alerts", "/alerts"))
            items.append(("nav_schedule", "/schedule"))
            items.append(("nav_outreach", "/outreach"))
            items.append(("nav_trips", "/trips"))
            items.append(("nav_shifts", "/shifts"))
        }
        if actor.can(.reviewNotes) && actor.organization.notesNeedReview {
            items.append(("nav_notes_review", "/notes/review"))
        }
        if actor.can(.writeArticles) { items.append(("nav_articles", "/admin/articles")) }
        if actor.can(.exportBilling) { items.append(("nav_billing", "/billing")) }
        if actor.can(.viewReports) { items.append(("nav_reports", "/reports")) }
        if actor.can(.viewMembers) { items.append(("nav_members", "/admin/members")) }
        if actor.can(.editSettings) {
            items.append(("nav_settings", "/admin/settings"))
            items.append(("nav_message_settings", "/admin/messages"))
            items.append(("nav_agreement", "/admin/agreement"))
        }
        if actor.can(.viewAuditLog) { items.append(("nav_audit", "/admin/audit")) }
        if actor.role.hasOwnRecord || actor.role.isStaff { items.append(("nav_messages", "/messages")) }
        if actor.role != .partner { items.append(("nav_family", "/family")) }
        items.append(("nav_meetings", "/meetings"))
        items.append(("nav_resources", "/resources"))
        items.append(("nav_account", "/account/security"))
        let path = url.path
        return items.map { key, href in
            NavItem(label: t(key), href: href, current: href == "/" ? path == "/" : path.hasPrefix(href))
        }
    }

    /// Field errors from a service's validation failure.
    func fieldErrors(_ invalid: AccountService.Invalid) -> [FieldError] {
        fieldErrors(invalid.fields.map { ($0.0, $0.1) })
    }

    /// The page for a one-time link that is unknown, used or expired.
    func linkGonePage() async throws -> Response {
        struct Gone: Encodable, Sendable { let message: String }
        return try await page(
            "message", titleKey: "link_gone_title", Gone(message: t("link_gone_text")), status: .notFound)
    }

    /// Field errors from message keys, in the person's language.
    func fieldErrors(_ pairs: [(String, String?)]) -> [FieldError] {
        pairs.compactMap { field, key in key.map { FieldError(field: field, message: t($0)) } }
    }

    /// The errors of a search by distance. The typed point counts only when the search uses it
    /// (not when the person chose their saved place instead).
    func nearErrors(_ near: NearSearch, pointTyped: Bool) -> [FieldError] {
        near.problems.filter { $0 == "km" || pointTyped }.map {
            FieldError(field: $0, message: t($0 == "km" ? "error_search_km" : "error_meeting_near"))
        }
    }
}

extension Response {
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: ["Location": location])
    }

    /// A UTF-8 text document of `subType` (`csv`, `calendar`), as a download named `filename`
    /// when given (a calendar feed is read in place, so it has none).
    static func text(_ text: String, subType: String, filename: String? = nil) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: subType, parameters: ["charset": "utf-8"])
        if let filename {
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        }
        return response
    }
}

/// Numbers typed or chosen in a form.
enum FormNumber {
    /// Nil when left empty; text that is no number becomes `Int.min`, so the rules refuse it
    /// as out of range instead of taking it for an answer not given.
    static func parse(_ text: String?) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        return Int(text) ?? Int.min
    }
}

/// The organization whose public page (site, meeting finder) is being answered, set by its
/// controller so the layout can head the page with it.
private struct PublicOrganizationKey: StorageKey {
    typealias Value = Organization
}

extension Request {
    var publicOrganization: Organization? {
        get { storage[PublicOrganizationKey.self] }
        set { storage[PublicOrganizationKey.self] = newValue }
    }
}

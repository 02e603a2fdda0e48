import Fluent
import Foundation
import TandemKit
import Vapor

/// The organization's people and settings, for admins (supervisors may look).
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin")
        admin.get("members", use: members)
        admin.post("invitations", use: invite)
        admin.post("members", ":membershipID", "reset", use: issueReset)
        admin.get("settings", use: settingsForm)
        admin.post("settings", use: saveSettings)
    }

    struct MemberRow: Encodable, Sendable {
        let id: String
        let name: String
        let email: String
        let role: String
        let twoFactor: Bool
        /// Another admin may remove them (not oneself; not someone coached on their own record).
        let manageable: Bool
        /// The staff roles to move them between, theirs selected; empty for others.
        let roles: [SelectOption]
    }

    struct InvitationRow: Encodable, Sendable {
        let id: String
        let email: String
        let role: String
        let expires: String
    }

    struct MembersBody: Encodable, Sendable {
        var members: [MemberRow]
        var invitations: [InvitationRow]
        /// What was just done ("role", "removed", "withdrawn"), for the notice.
        var done: String?
        var canInvite: Bool
        var roles: [SelectOption]
        var email = ""
        var link: String?
        var linkKind: String?
        /// The link also went out by e-mail.
        var emailed = false
    }

    @Sendable func members(req: Request) async throws -> Response {
        let actor = try await req.authorize(.viewMembers)
        let body = try await membersBody(actor, req: req)
        // The list shows people's names and e-mail addresses: a view of personal data.
        try await req.audit("members.view")
        return try await req.page("admin/members", titleKey: "members_title", body)
    }

    private func membersBody(_ actor: SignedIn, req: Request, selectedRole: Role = .participant) async throws
        -> MembersBody
    {
        let memberships = try await Membership.query(on: req.db)
            .filter(\.$organization.$id == actor.organizationID).with(\.$user).all()
            .sorted { ($0.role, $0.user.displayName.lowercased()) < ($1.role, $1.user.displayName.lowercased()) }
        let manages = actor.can(.changeMemberRole)
        let staffRoles: [Role] = [.coach, .supervisor, .admin]
        let invitations = manages ? try await MemberService(req: req, actor: actor).pendingInvitations() : []
        let done = req.query[String.self, at: "done"].flatMap {
            ["role", "removed", "withdrawn"].contains($0) ? $0 : nil
        }
        return MembersBody(
            members: memberships.map { member in
                let manageable = manages && member.$user.id != actor.userID && !member.role.hasOwnRecord
                return MemberRow(
                    id: member.id!.uuidString, name: member.user.displayName, email: member.user.email,
                    role: req.t("role_" + member.role.rawValue),
                    twoFactor: member.user.twoFactorEnabled, manageable: manageable,
                    roles: manageable && member.role.isStaff
                        ? staffRoles.map {
                            SelectOption(
                                value: $0.rawValue, label: req.t("role_" + $0.rawValue), selected: $0 == member.role)
                        } : [])
            },
            invitations: invitations.map {
                InvitationRow(
                    id: $0.id.uuidString, email: $0.email, role: req.t("role_" + $0.role.rawValue),
                    expires: req.dateTime($0.expiresAt, organization: actor.organization))
            }, done: done,
            canInvite: actor.can(.inviteMembers),
            roles: AccessPolicy.invitableRoles(by: actor.role).map {
                SelectOption(value: $0.rawValue, label: req.t("role_" + $0.rawValue), selected: $0 == selectedRole)
            })
    }

    struct InviteForm: Content {
        var email: String?
        var role: String?
    }

    @Sendable func invite(req: Request) async throws -> Response {
        let actor = try await req.authorize(.inviteMembers)
        let input = (try? req.content.decode(InviteForm.self)) ?? InviteForm()
        guard let role = Role(rawValue: input.role ?? ""), AccessPolicy.invitableRoles(by: actor.role).contains(role)
        else {
            var body = try await membersBody(actor, req: req)
            body.email = input.email ?? ""
            return try await req.page(
                "admin/members", titleKey: "members_title", body,
                errors: req.fieldErrors([("role", "error_role_invalid")]),
                status: .unprocessableEntity)
        }
        do {
            let token = try await req.accounts.invite(
                email: input.email ?? "", role: role, organizationID: actor.organizationID, by: actor.userID)
            try await req.audit("invitation.create", subjectType: "role", subject: nil)
            var body = try await membersBody(actor, req: req)
            body.link = req.absoluteURL("/invite/\(token)")
            body.linkKind = "invite"
            body.emailed = try await Mail.invitation(
                req, to: input.email ?? "", link: body.link!, organizationID: actor.organizationID)
            return try await req.page("admin/members", titleKey: "members_title", body)
        } catch let invalid as AccountService.Invalid {
            var body = try await membersBody(actor, req: req, selectedRole: role)
            body.email = input.email ?? ""
            return try await req.page(
                "admin/members", titleKey: "members_title", body,
                errors: req.fieldErrors(invalid),
                status: .unprocessableEntity)
        }
    }

    @Sendable func issueReset(req: Request) async throws -> Response {
        let actor = try await req.authorize(.issuePasswordReset)
        guard let id = req.parameters.get("membershipID", as: UUID.self),
            let membership = try await Membership.query(on: req.db).filter(\.$id == id)
                .filter(\.$organization.$id == actor.organizationID).first()
        else { throw Abort(.notFound) }
        let token: String
        do {
            token = try await req.accounts.issuePasswordReset(for: membership, by: actor.userID)
        } catch let invalid as AccountService.Invalid {
            return try await req.page(
                "admin/members", titleKey: "members_title", try await membersBody(actor, req: req),
                errors: req.fieldErrors(invalid), status: .conflict)
        }
        try await req.audit("password_reset.issue", subjectType: "user", subject: membership.$user.id)
        var body = try await membersBody(actor, req: req)
        body.link = req.absoluteURL("/reset/\(token)")
        body.linkKind = "reset"
        if let user = try await User.find(membership.$user.id, on: req.db) {
            body.emailed = try await Mail.passwordReset(
                req, to: user, link: body.link!, organizationID: actor.organizationID)
        }
        return try await req.page("admin/members", titleKey: "members_title", body)
    }

    struct SettingsBody: Encodable, Sendable {
        var name: String
        var crisisLine: String
        var requireStaffTwoFactor: Bool
        var reassessmentInterval: String
        var planDomains: String
        var notesNeedReview: Bool
        var saved: Bool
    }

    struct SettingsForm: Content {
        var name: String?
        var crisis_line: String?
        var require_staff_two_factor: String?
        var reassessment_interval_days: String?
        var plan_domains: String?
        var notes_need_review: String?
    }

    /// The organization's life domains, one per line, the standard ones in the reader's language.
    static func domainLines(_ organization: Organization, req: Request) -> String {
        organization.lifeDomains.map { PlanController.domainName($0, req: req) }
            .joined(separator: "\n")
    }

    /// Each standard domain's names in every language, to know them again when typed.
    static func domainNames(req: Request) -> [String: [String]] {
        Dictionary(
            uniqueKeysWithValues: LifeDomain.defaultList.map { id in
                (id, Language.allCases.compactMap { req.tandem.messages[$0]?.messages["domain_" + id] } + [id])
            })
    }

    @Sendable func settingsForm(req: Request) async throws -> Response {
        let actor = try await req.authorize(.editSettings)
        let org = actor.organization
        return try await req.page(
            "admin/settings", titleKey: "settings_title",
            SettingsBody(
                name: org.name, crisisLine: org.crisisLine, requireStaffTwoFactor: org.requireStaffTwoFactor,
                reassessmentInterval: String(org.reassessmentIntervalDays),
                planDomains: Self.domainLines(org, req: req), notesNeedReview: org.notesNeedReview, saved: false))
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let actor = try await req.authorize(.editSettings)
        let input = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        let body = SettingsBody(
            name: input.name ?? "", crisisLine: input.crisis_line ?? "",
            requireStaffTwoFactor: input.require_staff_two_factor != nil,
            reassessmentInterval: input.reassessment_interval_days
                ?? String(actor.organization.reassessmentIntervalDays),
            planDomains: input.plan_domains ?? Self.domainLines(actor.organization, req: req),
            notesNeedReview: input.notes_need_review != nil, saved: true)
        let domains = LifeDomain.parse(body.planDomains, names: Self.domainNames(req: req))
        // A form without the field (an older page) keeps the interval as it is.
        let interval = Int(body.reassessmentInterval.trimmingCharacters(in: .whitespaces))
            .flatMap { Reassessment.intervalRange.contains($0) ? $0 : nil }
        var errors = req.fieldErrors([
            ("name", FieldRules.name(body.name)), ("crisis_line", FieldRules.phoneLine(body.crisisLine)),
            ("reassessment_interval_days", interval == nil ? "error_reassessment_interval" : nil),
            ("plan_domains", LifeDomain.problem(domains)),
        ])
        if !errors.contains(where: { $0.field == "plan_domains" }),
            let twice = LifeDomain.repeated(body.planDomains, names: Self.domainNames(req: req))
        {
            errors.append(FieldError(field: "plan_domains", message: req.t("error_domains_twice", ["name": twice])))
        }
        if !errors.isEmpty {
            var failed = body
            failed.saved = false
            return try await req.page(
                "admin/settings", titleKey: "settings_title", failed, errors: errors, status: .unprocessableEntity)
        }
        let org = actor.organization
        org.name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        org.crisisLine = body.crisisLine.trimmingCharacters(in: .whitespaces)
        org.requireStaffTwoFactor = body.requireStaffTwoFactor
        org.notesNeedReview = body.notesNeedReview
        org.reassessmentIntervalDays = interval ?? Reassessment.defaultIntervalDays
        // The standard list is stored as empty, so it follows any change to the defaults.
        org.planDomains = domains == LifeDomain.defaultList ? "" : domains.joined(separator: "\n")
        try await org.save(on: req.db)
        try await req.audit("organization.settings", subjectType: "organization", subject: org.id)
        return try await req.page("admin/settings", titleKey: "settings_title", body)
    }
}

extension Request {
    /// An absolute link for people to open, from TANDEM_BASE_URL or this request's host.
    func absoluteURL(_ path: String) -> String {
        if let base = settings.baseURL { return base + path }
        let host = headers.first(name: .host) ?? "127.0.0.1:8080"
        return "http://\(host)\(path)"
    }
}

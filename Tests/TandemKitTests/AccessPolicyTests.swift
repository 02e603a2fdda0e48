import Testing

@testable import TandemKit

@Suite("Access policy")
struct AccessPolicyTests {
    /// The whole table: every role against every organization-level action.
    static let allowed: [OrganizationAction: Set<Role>] = [
        .viewOwnAccount: Set(Role.allCases),
        .viewMembers: [.admin, .supervisor],
        .inviteMembers: [.admin],
        .changeMemberRole: [.admin],
        .issuePasswordReset: [.admin],
        .editSettings: [.admin],
        .viewCaseloads: [.admin, .supervisor, .coach],
        .viewAuditLog: [.admin],
        .reviewNotes: [.admin, .supervisor],
        .exportBilling: [.admin, .supervisor],
        .viewReports: [.admin, .supervisor],
        .manageResources: [.admin, .supervisor, .coach],
        .importResources: [.admin, .supervisor],
        .referHandoffs: [.partner],
        .acceptHandoffs: [.admin, .supervisor],
        .managePrograms: [.admin],
        .writeArticles: [.admin, .supervisor, .coach],
        .moderateComments: [.admin, .supervisor],
    ]

    @Test("matches the table for every role and action", arguments: Role.allCases)
    func table(role: Role) {
        for action in OrganizationAction.allCases {
            let expected = Self.allowed[action]?.contains(role) ?? false
            #expect(AccessPolicy.can(role, action) == expected, "\(role) \(action)")
        }
    }

    @Test("staff roles are admin, supervisor and coach")
    func staff() {
        #expect(Role.allCases.filter(\.isStaff) == [.admin, .supervisor, .coach])
    }

    @Test("only admins invite, and they may invite every role")
    func invitable() {
        #expect(AccessPolicy.invitableRoles(by: .admin) == Role.allCases)
        #expect(Role.allCases.filter { $0 != .admin }.allSatisfy { AccessPolicy.invitableRoles(by: $0).isEmpty })
    }
}

@Suite("Field rules")
struct FieldRulesTests {
    @Test(
        "e-mail",
        arguments: [
            ("dana@example.org", nil), (" Dana@Example.ORG ", nil), ("", "error_email_missing"),
            ("dana", "error_email_invalid"), ("dana@org", "error_email_invalid"), ("a@b@c.org", "error_email_invalid"),
            ("da na@example.org", "error_email_invalid"), ("dana@.org", "error_email_invalid"),
        ] as [(String, String?)])
    func email(value: String, expected: String?) {
        #expect(FieldRules.email(value) == expected)
    }

    @Test("names")
    func names() {
        #expect(FieldRules.name("Riverbend Recovery") == nil)
        #expect(FieldRules.name("   ") == "error_name_missing")
        #expect(FieldRules.name(String(repeating: "x", count: 121)) == "error_name_too_long")
        #expect(FieldRules.name("bad\u{0007}name") == "error_name_invalid")
        #expect(FieldRules.name(String(repeating: "x", count: 200), maximum: 200) == nil)
        #expect(FieldRules.name(String(repeating: "x", count: 201), maximum: 200) == "error_name_too_long_200")
    }

    @Test(
        "typed text: emoji joined by a joiner and scripts that need one are ordinary writing; control and invisible marks are not",
        arguments: [
            ("family 👨‍👩‍👧", true), ("rainbow 🏳️‍🌈", true), ("Scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿", true), ("क्‍ष", true),
            ("می‌خواهم", true), ("line\nbreak\ttab", true), ("שלום hi", true),
            ("שלום\u{200F} hi", false), ("co\u{200B}ach", false), ("soft\u{00AD}hyphen", false), ("\u{FEFF}bom", false),
            ("bell\u{0007}", false), ("nul\u{0000}", false), ("c1\u{0085}x", false), ("del\u{007F}", false),
            ("\u{202E}gnp.exe", false), ("isolate\u{2067}", false),
        ])
    func typedText(text: String, accepted: Bool) {
        #expect(!text.unicodeScalars.contains(where: ParticipantProfile.forbidden) == accepted)
        let name = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        #expect((FieldRules.name(name) == nil) == accepted)
    }

    @Test("labels lose control characters and fall back when empty")
    func labels() {
        #expect(FieldRules.label(" my\u{8F} script\n", fallback: "x") == "my script")
        #expect(FieldRules.label("\u{7}  ", fallback: "API token") == "API token")
    }

    @Test("crisis lines")
    func lines() {
        #expect(FieldRules.phoneLine("988") == nil)
        #expect(FieldRules.phoneLine("+1 (800) 662-4357") == nil)
        #expect(FieldRules.phoneLine("call 988") == "error_phone_invalid")
        #expect(FieldRules.phoneLine("9") == "error_phone_invalid")
    }
}

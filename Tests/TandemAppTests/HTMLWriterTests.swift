import Foundation
import NIOCore
import TandemKit
import Testing

@testable import TandemApp

@Suite("Pages written in code")
struct HTMLWriterTests {
    @Test("values are escaped for text and attributes; markup written in code is not")
    func escaping() {
        var out = HTMLWriter()
        out.raw("<p title=\"")
        out.text(#"a "quoted" & 'single' <b>"#)
        out.raw("\">")
        out.text("Zoë <script>alert(1)</script>")
        out.raw("</p>")
        #expect(
            out.html
                == "<p title=\"a &quot;quoted&quot; &amp; &#39;single&#39; &lt;b&gt;\">Zoë &lt;script&gt;alert(1)&lt;/script&gt;</p>"
        )
    }

    @Test("select options carry their escaped value and label, and the chosen one is selected")
    func options() {
        var out = HTMLWriter()
        out.options([
            SelectOption(value: "", label: "All coaches", selected: false),
            SelectOption(value: "a\"b", label: "Rosa & Co", selected: true),
        ])
        #expect(
            out.html
                == "<option value=\"\">All coaches</option><option value=\"a&quot;b\" selected>Rosa &amp; Co</option>")
    }

    @Test("the layout escapes what people typed, marks the current page, and shows the menu only when signed in")
    func layout() {
        let shell = Shell(
            title: "Home <1>", organizationName: "Rosa & \"Co\"", userName: "<b>Jo</b>", signedIn: true,
            switchesOrganization: true,
            nav: [
                NavItem(label: "Home", href: "/", current: true),
                NavItem(label: "Meetings", href: "/meetings", current: false),
            ], crisisLine: "988", language: "es", csrf: "token-1", isDemo: true, isEnglish: false, path: "/a?b=\"c\"")
        var content = ByteBufferAllocator().buffer(capacity: 16)
        content.writeString("<h1>inside</h1>")
        let page = String(buffer: Layout.wrap(content, shell: shell, t: { "[\($0)]" }))
        #expect(page.hasPrefix("<!doctype html>\n<html lang=\"es\">"))
        #expect(page.contains("<title>Home &lt;1&gt; · Rosa &amp; &quot;Co&quot; · Tandem ([demo_word])</title>"))
        #expect(page.contains("<body class=\"demo\">"))
        #expect(page.contains("<span class=\"muted\">&lt;b&gt;Jo&lt;/b&gt;</span>"))
        #expect(
            page.contains("<a href=\"/account/organizations\" id=\"switch-organization\">[organizations_switch]</a>"))
        #expect(page.contains("<li><a href=\"/\" aria-current=\"page\">Home</a></li>"))
        #expect(page.contains("<li><a href=\"/meetings\">Meetings</a></li>"))
        #expect(page.contains("<main id=\"main\" class=\"content\" tabindex=\"-1\">\n<h1>inside</h1>  </main>"))
        #expect(page.contains("name=\"back\" value=\"/a?b=&quot;c&quot;\""))
        #expect(page.contains("value=\"es\" lang=\"es\" aria-pressed=\"true\">Español</button>"))
        #expect(page.components(separatedBy: "name=\"_csrf\" value=\"token-1\"").count == 3)
        #expect(page.hasSuffix("</footer>\n</body>\n</html>\n"))

        let signedOut = Shell(
            title: "Sign in", organizationName: nil, userName: nil, signedIn: false, switchesOrganization: false,
            nav: [], crisisLine: "988",
            language: "en", csrf: "t", isDemo: false, isEnglish: true, path: "/signin")
        let plain = String(buffer: Layout.wrap(content, shell: signedOut, t: { $0 }))
        #expect(plain.contains("<title>Sign in · Tandem</title>"))
        #expect(plain.contains("<div class=\"page reading\">"))
        #expect(!plain.contains("side-nav"))
        #expect(!plain.contains("signout"))
        #expect(!plain.contains("switch-organization"))
    }

    @Test(
        "the caseload table has a caption, a header per column and a label per cell; the coach column only when asked")
    func caseloadTable() throws {
        let messages = try MessageTable(
            json: Data(
                #"""
                {"caseload_title": "My caseload", "caseload_person": "Person", "field_service_type": "Service",
                 "field_status": "Status", "field_primary_coach": "Primary coach", "caseload_attention": "Needs attention",
                 "service_sober_escort": "Sober escort", "status_active": "Active",
                 "attention_no_recent_contact": "No contact in 14 days", "caseload_last_check_in": "Last check-in",
                 "caseload_no_check_in": "None yet", "date_long": "{month} {day}, {year}", "month_3": "March",
                 "caseload_barc_trend": "Recovery capital", "trend_up": "up", "caseload_goals": "Goals done"}
                """#.utf8))
        let engagement = UUID()
        let participant = UUID()
        let row = EngagementService.CaseloadRow(
            engagementID: engagement, participantID: participant, participantName: "Jo <i>\"JJ\"</i>",
            serviceType: .soberEscort, status: .active, startDate: "2026-01-05", lastCheckIn: "2026-03-04",
            capitalTrend: .up, goals: (1, 3),
            coaches: [EngagementService.CoachName(id: UUID(), name: "Rosa & Co", isPrimary: true)],
            attention: AttentionSignal.allCases)
        let coachView = CaseloadTable(rows: [row], showsCoach: false, messages: messages).html()
        #expect(coachView.contains("<caption class=\"visually-hidden\">My caseload</caption>"))
        #expect(
            coachView.contains(
                "<a href=\"/participants/\(participant.uuidString)\">Jo &lt;i&gt;&quot;JJ&quot;&lt;/i&gt;</a>"))
        #expect(coachView.contains("<a href=\"/engagements/\(engagement.uuidString)\">Sober escort</a>"))
        #expect(coachView.contains("<span class=\"badge status-active\">Active</span>"))
        #expect(coachView.components(separatedBy: "<th scope=\"col\">").count - 1 == 7)
        #expect(coachView.components(separatedBy: "data-label=").count - 1 == 7)
        #expect(coachView.contains("<td data-label=\"Goals done\">1/3</td>"))
        #expect(
            coachView.contains(
                "<td data-label=\"Recovery capital\"><span class=\"trend trend-up\"><span aria-hidden=\"true\">↑</span> up</span></td>"
            ))
        #expect(
            coachView.contains(
                "<td data-label=\"Last check-in\"><time datetime=\"2026-03-04\">March 4, 2026</time></td>"))
        #expect(coachView.contains("<span class=\"badge attention\">No contact in 14 days</span>"))
        #expect(!coachView.contains("Rosa"))
        let never = EngagementService.CaseloadRow(
            engagementID: engagement, participantID: participant, participantName: "Jo", serviceType: .soberEscort,
            status: .active, startDate: "2026-01-05", lastCheckIn: nil, capitalTrend: nil, goals: nil,
            coaches: row.coaches,
            attention: [])
        let supervisorView = CaseloadTable(rows: [row, never], showsCoach: true, messages: messages).html()
        #expect(supervisorView.contains("<td data-label=\"Last check-in\">None yet</td>"))
        #expect(supervisorView.components(separatedBy: "<th scope=\"col\">").count - 1 == 8)
        #expect(supervisorView.contains("<td data-label=\"Goals done\">—</td>"))
        #expect(supervisorView.contains("<td data-label=\"Recovery capital\">—</td>"))
        #expect(
            supervisorView.components(separatedBy: "<td data-label=\"Primary coach\">Rosa &amp; Co</td>").count - 1 == 2
        )
        #expect(supervisorView.components(separatedBy: "<tr>").count - 1 == 3)
    }
}

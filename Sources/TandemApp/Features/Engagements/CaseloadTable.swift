import TandemKit

/// The caseload table, written in code rather than in `caseload.leaf`: a coach's page has
/// sixty rows of five cells, and the template spent more time on them than the whole rest
/// of the request (bench/RESULTS.md). The markup matches the other tables: a caption,
/// column headers, and a `data-label` per cell for the stacked layout on small screens.
struct CaseloadTable {
    let rows: [EngagementService.CaseloadRow]
    /// Supervisors and admins see every coach's engagements, so the primary coach is shown.
    let showsCoach: Bool
    let messages: MessageTable

    func html() -> String {
        let person = messages.text("caseload_person")
        let service = messages.text("field_service_type")
        let status = messages.text("field_status")
        let coach = messages.text("field_primary_coach")
        let attention = messages.text("caseload_attention")
        let lastCheckIn = messages.text("caseload_last_check_in")
        let never = messages.text("caseload_no_check_in")
        let capital = messages.text("caseload_barc_trend")
        let goals = messages.text("caseload_goals")
        let alertText = messages.text("attention_crisis_alert")
        var trendNames: [Trend: String] = [:]
        // Each distinct value is looked up once, not once a row.
        var serviceNames: [ServiceType: String] = [:]
        var statusNames: [EngagementStatus: String] = [:]
        var signalNames: [AttentionSignal: String] = [:]
        // Many people last checked in on the same few days: each day is written out once.
        var writtenDays: [String: String] = [:]

        var out = HTMLWriter(capacity: 1024 + rows.count * 600)
        out.raw("<table class=\"data\" id=\"caseload\">\n<caption class=\"visually-hidden\">")
        out.text(messages.text(showsCoach ? "caseload_all_title" : "caseload_title"))
        out.raw("</caption>\n<thead><tr>")
        let labels =
            showsCoach
            ? [person, service, status, coach, lastCheckIn, goals, capital, attention]
            : [person, service, status, lastCheckIn, goals, capital, attention]
        for label in labels {
            out.raw("<th scope=\"col\">")
            out.text(label)
            out.raw("</th>")
        }
        out.raw("</tr></thead>\n<tbody>\n")
        for row in rows {
            out.raw("<tr>\n")
            out.cell(label: person)
            out.link(to: "/participants/", UUIDText.string(row.participantID), text: row.participantName)
            out.raw("</td>\n")
            out.cell(label: service)
            out.link(
                to: "/engagements/", UUIDText.string(row.engagementID),
                text: cached(row.serviceType, in: &serviceNames, key: "service_" + row.serviceType.rawValue))
            out.raw("</td>\n")
            out.cell(label: status)
            out.raw("<span class=\"badge status-")
            out.text(row.status.rawValue)
            out.raw("\">")
            out.text(cached(row.status, in: &statusNames, key: "status_" + row.status.rawValue))
            out.raw("</span></td>\n")
            if showsCoach {
                out.cell(label: coach)
                out.text(row.primary?.name ?? "")
                out.raw("</td>\n")
            }
            out.cell(label: lastCheckIn)
            if let raw = row.lastCheckIn,
                let written = writtenDays[raw] ?? CalendarDate(raw).map({ $0.written(messages) })
            {
                writtenDays[raw] = written
                out.raw("<time datetime=\"")
                out.text(raw)
                out.raw("\">")
                out.text(written)
                out.raw("</time>")
            } else {
                out.text(never)
            }
            out.raw("</td>\n")
            out.cell(label: goals)
            if let counts = row.goals {
                out.text(String(counts.done))
                out.raw("/")
                out.text(String(counts.total))
            } else {
                out.raw("—")
            }
            out.raw("</td>\n")
            out.cell(label: capital)
            if let trend = row.capitalTrend {
                out.raw("<span class=\"trend trend-")
                out.text(trend.rawValue)
                out.raw("\"><span aria-hidden=\"true\">")
                switch trend {
                case .up: out.raw("↑")
                case .down: out.raw("↓")
                case .flat: out.raw("→")
                }
                out.raw("</span> ")
                out.text(cached(trend, in: &trendNames, key: "trend_" + trend.rawValue))
                out.raw("</span>")
            } else {
                out.raw("—")
            }
            out.raw("</td>\n")
            out.cell(label: attention)
            if row.openAlert {
                out.raw("<a class=\"badge attention\" href=\"/alerts\">")
                out.text(alertText)
                out.raw("</a> ")
            }
            for signal in row.attention {
                out.raw("<span class=\"badge attention\">")
                out.text(cached(signal, in: &signalNames, key: signal.rawValue))
                out.raw("</span> ")
            }
            out.raw("</td>\n</tr>\n")
        }
        out.raw("</tbody>\n</table>")
        return out.html
    }

    private func cached<Value: Hashable>(
        _ value: Value, in names: inout [Value: String], key: @autoclosure () -> String
    ) -> String {
        if let known = names[value] { return known }
        let name = messages.text(key())
        names[value] = name
        return name
    }
}

extension HTMLWriter {
    /// Opens a table cell labelled for the stacked layout on small screens.
    fileprivate mutating func cell(label: String) {
        raw("<td data-label=\"")
        text(label)
        raw("\">")
    }

    fileprivate mutating func link(to path: StaticString, _ id: String, text label: String) {
        raw("<a href=\"")
        raw(path)
        text(id)
        raw("\">")
        text(label)
        raw("</a>")
    }
}

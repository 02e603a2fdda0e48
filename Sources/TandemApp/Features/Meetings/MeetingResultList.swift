/// The finder's result list, written in code rather than in `meetings/finder.leaf`: up to a
/// hundred rows through the template cost more than the rest of the page (as with the
/// caseload table). Same markup as before: a link, the days and times, badges, the place.
enum MeetingResultList {
    static func html(_ rows: [MeetingController.Row], base: String, onNow: String) -> String {
        var out = HTMLWriter(capacity: 256 + rows.count * 240)
        out.raw("<ul class=\"result-list\" id=\"meeting-results\">\n")
        for row in rows {
            out.raw("<li><a href=\"")
            out.text(base + "/" + row.id)
            out.raw("\">")
            out.text(row.name)
            out.raw("</a> · ")
            out.text(row.when)
            if row.isOn {
                out.raw(" <span class=\"badge\">")
                out.text(onNow)
                out.raw("</span>")
            }
            out.raw(" · <span class=\"badge status-")
            out.text(row.attendanceKey)
            out.raw("\">")
            out.text(row.attendance)
            out.raw("</span>")
            if !row.place.isEmpty {
                out.raw(" · ")
                out.text(row.place)
            }
            if let distance = row.distance {
                out.raw(" · ")
                out.text(distance)
            }
            out.raw("</li>\n")
        }
        out.raw("</ul>")
        return out.html
    }
}

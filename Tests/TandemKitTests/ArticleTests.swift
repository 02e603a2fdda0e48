import Foundation
import Testing

@testable import TandemKit

@Suite("Articles")
struct ArticleTests {
    /// Ways people have slipped script into Markdown, and raw HTML of every kind.
    static let attacks = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[y](http://a\"onmouseover=\"alert(1))",
        "![i](javascript:alert(1))",
        "![i\" onerror=\"alert(1)](https://x.org/a.png)",
        "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "[x](//evil.example/a)",
        "```\n<script>alert(1)</script>\n```",
        "<<script>script>alert(1)<</script>/script>",
        "<a href='https://ok.org' onclick='alert(1)'>x</a>",
        // A combining mark after a quote or a `<` must not hide it.
        "![x\"\u{301} onerror=alert(1)// y](/nope)",
        "\u{600}<script>alert(1)</script>",
        "<\u{301}script>alert(1)</script>",
        "[x](/&#47;evil.example)",
        "[x](/&sol;evil.example)",
    ]

    @Test("Markdown never emits script, event handlers or unsafe addresses", arguments: attacks)
    func noScript(markdown: String) {
        let html = ArticleMarkdown.html(from: markdown).lowercased()
        #expect(!html.contains("<script"), "\(html)")
        #expect(!html.contains("<img src=x"), "\(html)")
        #expect(!html.contains("<svg") && !html.contains("<iframe") && !html.contains("<style"), "\(html)")
        #expect(!html.contains("javascript:") || !html.contains("href=\"javascript"), "\(html)")
        #expect(!html.contains("href=\"java") && !html.contains("src=\"java") && !html.contains("data:text"), "\(html)")
        #expect(!html.contains("href=\"//") && !html.contains("href=\"/&"), "\(html)")
        // No attribute beginning with "on" inside any tag that survived, read scalar by scalar
        // as a browser reads it (text that merely says "onerror=" is harmless).
        let scalars = Array(html.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "<" {
            let inside = String(String.UnicodeScalarView(scalars[index...].prefix { $0 != ">" }))
            #expect(!inside.contains(" on") && !inside.contains("\"on"), "\(html)")
        }
    }

    @Test("the sanitizer never stops on a tag cut short, and reads HTML scalar by scalar")
    func cutShort() {
        #expect(HTMLAllowlist.clean("<a href=x") == "&lt;a href=x")
        #expect(HTMLAllowlist.clean("<p>ok</p><img alt=\"a\" src=") == "<p>ok</p>&lt;img alt=&quot;a&quot; src=")
        #expect(
            HTMLAllowlist.clean("<img src=\"/a.png\" alt=\"x\u{301}\" onerror=\"alert(1)\">")
                == "<img src=\"/a.png\" alt=\"x\u{301}\">")
    }

    @Test("ordinary Markdown keeps its headings, emphasis, lists, links and code")
    func ordinary() {
        let html = ArticleMarkdown.html(
            from: """
                # Recovery coaching

                **Any positive change** counts. _Every_ pathway:

                - peer support
                - [SAMHSA](https://www.samhsa.gov/find-help) & more

                > We do recover.

                `a < b` and

                ```
                if x < 3 { }
                ```
                """)
        #expect(html.contains("<h1>Recovery coaching</h1>"))
        #expect(html.contains("<strong>Any positive change</strong>") && html.contains("<em>Every</em>"))
        #expect(html.contains("<li>peer support</li>"))
        #expect(html.contains("<a href=\"https://www.samhsa.gov/find-help\" rel=\"nofollow ugc noopener\">SAMHSA</a>"))
        #expect(html.contains("<blockquote><p>We do recover.</p></blockquote>"))
        #expect(html.contains("<code>a &lt; b</code>") && html.contains("if x &lt; 3"))
        #expect(!html.contains("&amp;lt;"))
    }

    @Test(
        "reading time at 200 words a minute, at least one", arguments: [(0, 1), (1, 1), (200, 1), (201, 2), (1_000, 5)])
    func readingTime(words: Int, minutes: Int) {
        let text = Array(repeating: "word", count: words).joined(separator: " ") + " # - **"
        #expect(ReadingTime.minutes(text) == minutes)
    }

    @Test(
        "ratings: the mean to one decimal and the count; none shows none",
        arguments: [
            ([], 0, nil), ([4], 1, "4.0"), ([5, 4], 2, "4.5"), ([5, 4, 4], 3, "4.3"), ([1, 2], 2, "1.5"),
            ([5, 5, 0, 6], 2, "5.0"),
        ] as [([Int], Int, String?)])
    func ratings(stars: [Int], count: Int, average: String?) {
        let summary = RatingSummary(stars: stars)
        #expect(summary.count == count && summary.average == average)
    }

    @Test(
        "address words fold accents and keep letters and digits",
        arguments: [
            ("Salud de los refugiados", "salud-de-los-refugiados"), ("  Peer Support: 101!  ", "peer-support-101"),
            ("Prévention du suicide LGBTQ+", "prevention-du-suicide-lgbtq"), ("¿¡!?", ""),
        ])
    func slugs(title: String, slug: String) {
        #expect(ArticleSlug.make(title) == slug)
    }

    @Test("a draft needs a title and text; tags are at most 8; a publish time is a real one")
    func draftRules() {
        let zone = TimeZone(identifier: "America/New_York")!
        #expect(ArticleDraft(title: "T", body: "B").problems(in: zone).isEmpty)
        #expect(ArticleDraft().problems(in: zone).map(\.key) == ["error_article_title", "error_article_body"])
        let tags = (1...9).map { "tag \($0)" }.joined(separator: ",")
        #expect(ArticleDraft(title: "T", body: "B", tags: tags).problems(in: zone).map(\.key) == ["error_article_tags"])
        #expect(ArticleDraft(tags: "Peer Support, peer support, SDOH").tagList == ["peer-support", "sdoh"])
        #expect(ArticleDraft(publishDate: "2026-13-01").publishing(in: zone) == .invalid)
        #expect(ArticleDraft().publishing(in: zone) == .now)
        let at = AppointmentDraft.instant(CalendarDate("2026-12-01")!, TimeOfDay("09:00")!, in: zone)!
        #expect(ArticleDraft(publishDate: "2026-12-01", publishTime: "09:00").publishing(in: zone) == .at(at))
    }

    @Test("comments: a robot's hidden field, a link limit, and a guest's name and e-mail")
    func comments() {
        #expect(CommentDraft(body: "Hi", honeypot: "http://spam").isRobot)
        #expect(CommentDraft(body: "Thank you for this").problems(asGuest: false).isEmpty)
        #expect(
            CommentDraft(body: "see https://a.org https://b.org www.c.org").problems(asGuest: false).map(\.key)
                == ["error_comment_links"])
        #expect(
            CommentDraft(name: "", email: "nope", body: "Hi").problems(asGuest: true).map(\.key)
                == ["error_comment_name", "error_email_invalid"])
        #expect(CommentDraft(name: "Ana", email: "ana@example.org", body: "Hi").problems(asGuest: true).isEmpty)
    }

    @Test("the Atom feed escapes what it carries and writes RFC 3339 times")
    func atom() {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let feed = AtomFeed(
            id: "urn:uuid:1", title: "Riverbend & Co", link: "https://x.org/o",
            selfLink: "https://x.org/o/articles.atom",
            updated: date,
            entries: [
                AtomFeed.Entry(
                    id: "urn:uuid:2", title: "<Hope>", link: "https://x.org/o/articles/hope", published: date,
                    updated: date, author: "Rosa", summary: "", contentHTML: "<p>Hi</p>", tags: ["peer-support"])
            ]
        ).xml
        #expect(feed.contains("<title>Riverbend &amp; Co</title>") && feed.contains("<title>&lt;Hope&gt;</title>"))
        #expect(feed.contains("<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>"))
        #expect(feed.contains("<updated>2026-11-18T") && feed.contains("Z</updated>"))
        #expect(feed.contains("<category term=\"peer-support\"/>"))
    }
}

import NIOCore

/// The frame around every page: head, header, navigation, footer. Written in code rather than
/// as a template because every page pays for it: evaluating it in the template engine, and
/// encoding the navigation into the engine's context for it, took a third of a signed-in
/// page's time. The page's own template renders only what goes inside `<main>`.
enum Layout {
    /// The page: the frame's opening, `content` as rendered, the frame's close.
    static func wrap(_ content: ByteBuffer, shell: Shell, t: (String) -> String) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: content.readableBytes + 4096)
        buffer.writeBytes(opening(shell, t: t))
        buffer.writeImmutableBuffer(content)
        buffer.writeBytes(closing(shell, t: t))
        return buffer
    }

    private static func opening(_ shell: Shell, t: (String) -> String) -> [UInt8] {
        var out = HTMLWriter(capacity: 3072)
        out.raw("<!doctype html>\n<html lang=\"")
        out.text(shell.language)
        out.raw("\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        out.text(shell.title)
        if let organization = shell.organizationName, !organization.isEmpty {
            out.raw(" · ")
            out.text(organization)
        }
        out.raw(" · Tandem")
        if shell.isDemo {
            out.raw(" (")
            out.text(t("demo_word"))
            out.raw(")")
        }
        out.raw("</title>\n<link rel=\"stylesheet\" href=\"/css/tandem.css\">\n</head>\n")
        out.raw(shell.isDemo ? "<body class=\"demo\">\n" : "<body>\n")
        out.raw("<a class=\"skip-link\" href=\"#main\">")
        out.text(t("skip_to_content"))
        out.raw("</a>\n")
        if shell.isDemo {
            out.raw("<div class=\"demo-banner\" role=\"note\">")
            out.text(t("demo_banner"))
            out.raw("</div>\n")
        }
        out.raw("<header class=\"site-header\">\n  <div class=\"header-inner\">\n    <a class=\"brand\" href=\"")
        out.text(shell.brandHref)
        out.raw("\">")
        out.text(shell.organizationName.flatMap { $0.isEmpty ? nil : $0 } ?? "Tandem")
        out.raw("</a>\n")
        if shell.signedIn { accountMenu(&out, shell, t: t) }
        out.raw("  </div>\n  ")
        crisisLink(&out, shell, t: t)
        out.raw("\n</header>\n")
        out.raw(shell.signedIn ? "<div class=\"page\">\n" : "<div class=\"page reading\">\n")
        if shell.signedIn { navigation(&out, shell, t: t) }
        out.raw("  <main id=\"main\" class=\"content\" tabindex=\"-1\">\n")
        return out.bytes
    }

    private static func accountMenu(_ out: inout HTMLWriter, _ shell: Shell, t: (String) -> String) {
        out.raw("    <nav class=\"account-menu\" aria-label=\"")
        out.text(t("account_menu"))
        out.raw("\">\n      <span class=\"muted\">")
        out.text(shell.userName ?? "")
        out.raw("</span>\n")
        if shell.switchesOrganization {
            out.raw("      <a href=\"/account/organizations\" id=\"switch-organization\">")
            out.text(t("organizations_switch"))
            out.raw("</a>\n")
        }
        out.raw("      <form class=\"inline\" method=\"post\" action=\"/signout\">\n")
        out.raw("    ")
        csrfField(&out, shell)
        out.raw("        <button class=\"button quiet\" id=\"signout\" type=\"submit\">")
        out.text(t("signout"))
        out.raw("</button>\n      </form>\n    </nav>\n")
    }

    private static func navigation(_ out: inout HTMLWriter, _ shell: Shell, t: (String) -> String) {
        out.raw("  <nav class=\"side-nav\" aria-label=\"")
        out.text(t("main_menu"))
        out.raw("\">\n    <ul>\n")
        for item in shell.nav {
            out.raw("      <li><a href=\"")
            out.text(item.href)
            out.raw(item.current ? "\" aria-current=\"page\">" : "\">")
            out.text(item.label)
            out.raw("</a></li>\n")
        }
        out.raw("    </ul>\n  </nav>\n")
    }

    private static func closing(_ shell: Shell, t: (String) -> String) -> [UInt8] {
        var out = HTMLWriter(capacity: 1536)
        out.raw("  </main>\n</div>\n<footer class=\"site-footer\">\n")
        out.raw("  <form class=\"language-switch\" method=\"post\" action=\"/language\">\n")
        csrfField(&out, shell)
        out.raw("    <input type=\"hidden\" name=\"back\" value=\"")
        out.text(shell.path)
        out.raw("\">\n    <span class=\"visually-hidden\">")
        out.text(t("language_label"))
        out.raw("</span>\n")
        out.raw(
            "    <button class=\"button quiet\" type=\"submit\" name=\"lang\" value=\"en\" lang=\"en\" aria-pressed=\"")
        out.raw(shell.isEnglish ? "true\">English</button>\n" : "false\">English</button>\n")
        out.raw(
            "    <button class=\"button quiet\" type=\"submit\" name=\"lang\" value=\"es\" lang=\"es\" aria-pressed=\"")
        out.raw(shell.isEnglish ? "false\">Español</button>\n" : "true\">Español</button>\n")
        out.raw("  </form>\n  <p>")
        crisisLink(&out, shell, t: t)
        out.raw("</p>\n  <p class=\"muted\">")
        out.text(t("footer_privacy"))
        out.raw("</p>\n</footer>\n</body>\n</html>\n")
        return out.bytes
    }

    private static func csrfField(_ out: inout HTMLWriter, _ shell: Shell) {
        out.raw("    <input type=\"hidden\" name=\"_csrf\" value=\"")
        out.text(shell.csrf)
        out.raw("\">\n")
    }

    private static func crisisLink(_ out: inout HTMLWriter, _ shell: Shell, t: (String) -> String) {
        out.raw("<a class=\"crisis-link\" href=\"/crisis\">")
        out.text(t("crisis_link_prefix"))
        out.raw(" ")
        out.text(shell.crisisLine)
        out.raw("</a>")
    }
}

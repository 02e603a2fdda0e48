import Leaf
import TandemKit
import Vapor

/// `#t("key")` in a template: the message for `key` in the request's language. Looked up
/// when used, so a page does not carry the whole message table into every render.
struct MessageTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1, let key = ctx.parameters[0].string else {
            throw Abort(.internalServerError, reason: "#t takes one message key")
        }
        return .string(ctx.request?.t(key) ?? key)
    }
}

/// `#day(date)` in a template: a `YYYY-MM-DD` day written out in the request's language
/// ("November 30, 2026", "30 de noviembre de 2026"); anything else is shown as it is.
struct DayTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1 else { throw Abort(.internalServerError, reason: "#day takes one date") }
        let text = ctx.parameters[0].string ?? ""
        guard let request = ctx.request, let day = CalendarDate(text) else { return .string(text) }
        return .string(day.written(request.messages))
    }
}

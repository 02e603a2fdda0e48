import Leaf
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

import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TandemKit

/// How Tandem reaches its mail server, from TANDEM_SMTP_* variables.
struct SMTPConfiguration: Sendable {
    enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS before anything else is said (the default).
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only for a relay on the same machine.
        case none
    }

    var host: String
    var port: Int
    var username: String?
    var password: String?
    var security: Security
    var from: String
    /// A PEM file of certificates to trust besides the system's (a private mail relay).
    var trustedCertificatesFile: String?
    /// Seconds a whole conversation with the server may take.
    var timeout: TimeInterval = 60
}

/// Why one delivery attempt failed, and what to do about it.
enum SMTPFailure: Error, CustomStringConvertible {
    /// The server refused this message for good (5xx to its recipient or content).
    case permanent(String)
    /// The server put this message off (4xx to its recipient or content): try it again later.
    case transient(String)
    /// The server cannot be used now (no connection, a refusal before any message was named:
    /// greeting, EHLO, STARTTLS, sign-in, sender): try again later, and stop this round.
    case unavailable(String)
    /// The message was handed over but no answer came: it may have been delivered, so it
    /// must not be sent again.
    case uncertain(String)

    var description: String {
        switch self {
        case .permanent(let text): "permanent: " + text
        case .transient(let text): "transient: " + text
        case .unavailable(let text): "unavailable: " + text
        case .uncertain(let text): "uncertain: " + text
        }
    }
}

/// A small SMTP client (RFC 5321) over SwiftNIO: EHLO, STARTTLS (RFC 3207), AUTH PLAIN
/// (RFC 4954) only over TLS or to this machine, one message per connection. `beforeCommit`
/// runs just before the final dot that makes the server accept the message, so the caller
/// can note that from then on the message must not be sent again.
struct SMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    func send(
        _ message: EmailMessage, to recipient: String, date: Date = Date(),
        beforeCommit: @escaping @Sendable () async throws -> Void
    ) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if configuration.security == .tls {
                            try channel.pipeline.syncOperations.addHandler(try Self.tlsHandler(configuration))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPFailure.unavailable("cannot connect: \(type(of: error))")
        }
        let deadline = Task {
            try await Task.sleep(nanoseconds: UInt64(configuration.timeout * 1_000_000_000))
            try? await channel.channel.close()
        }
        defer { deadline.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            var conversation = Conversation(
                channel: channel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await conversation.run(
                message.rendered(date: date), from: configuration.from, to: recipient, configuration: configuration,
                beforeCommit: beforeCommit)
        }
    }

    static func tlsHandler(_ configuration: SMTPConfiguration) throws -> NIOSSLClientHandler {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let file = configuration.trustedCertificatesFile {
            tls.additionalTrustRoots = [.file(file)]
        }
        let context = try NIOSSLContext(configuration: tls)
        let isAddress = configuration.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : configuration.host)
    }

    /// One SMTP conversation: each command and the reply it needs.
    struct Conversation {
        let channel: any Channel
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var pending = ""
        /// Set once the final dot is on its way.
        var committed = false
        /// Set once the recipient is named: replies from then on are about this message.
        var aboutMessage = false

        mutating func run(
            _ text: String, from: String, to recipient: String, configuration: SMTPConfiguration,
            beforeCommit: @Sendable () async throws -> Void
        ) async throws {
            try await expect(220, "greeting")
            var capabilities = try await hello()
            if configuration.security == .starttls {
                guard capabilities.contains("STARTTLS") else {
                    throw SMTPFailure.unavailable("the server does not offer STARTTLS")
                }
                try await command("STARTTLS", expect: 220, "starttls")
                // Anything the server sent before TLS began is not to be trusted (RFC 3207 §5).
                guard pending.isEmpty else { throw SMTPFailure.unavailable("data before TLS began") }
                try await channel.pipeline.addHandler(try SMTPClient.tlsHandler(configuration), position: .first)
                capabilities = try await hello()
            }
            if let user = configuration.username, let password = configuration.password {
                let secure =
                    configuration.security != .none || ["127.0.0.1", "::1", "localhost"].contains(configuration.host)
                guard secure else { throw SMTPFailure.unavailable("refusing to send a password without TLS") }
                let plain = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
                try await command("AUTH PLAIN " + plain, expect: 235, "auth")
            }
            _ = capabilities
            try await command("MAIL FROM:<\(from)>", expect: 250, "mail from")
            // From here a refusal is about this message, not the server.
            aboutMessage = true
            try await command("RCPT TO:<\(recipient)>", expect: 250, "rcpt to", also: [251])
            try await command("DATA", expect: 354, "data")
            try await write(EmailMessage.dotStuffed(text))
            try await beforeCommit()
            committed = true
            try await write(".\r\n")
            try await expect(250, "end of data")
            try? await write("QUIT\r\n")
        }

        /// EHLO, and the extensions the server names.
        mutating func hello() async throws -> Set<String> {
            try await write("EHLO tandem.localhost\r\n")
            let reply = try await readReply()
            guard reply.code == 250 else { throw failure(reply.code, "ehlo") }
            return Set(reply.lines.dropFirst().map { $0.split(separator: " ").first.map { $0.uppercased() } ?? "" })
        }

        mutating func command(_ line: String, expect code: Int, _ stage: String, also: [Int] = []) async throws {
            try await write(line + "\r\n")
            let reply = try await readReply()
            guard reply.code == code || also.contains(reply.code) else { throw failure(reply.code, stage) }
        }

        mutating func expect(_ code: Int, _ stage: String) async throws {
            let reply = try await readReply()
            guard reply.code == code else { throw failure(reply.code, stage) }
        }

        /// A reply that refused: a reply did come, so even after the final dot the server has
        /// said what it did with the message.
        func failure(_ code: Int, _ stage: String) -> SMTPFailure {
            let text = "\(stage): \(code)"
            guard aboutMessage else { return .unavailable(text) }
            return (500..<600).contains(code) ? .permanent(text) : .transient(text)
        }

        /// No reply at all: before the final dot the server never saw a whole message.
        func lost(_ text: String) -> SMTPFailure { committed ? .uncertain(text) : .unavailable(text) }

        func write(_ text: String) async throws {
            do {
                try await outbound.write(ByteBuffer(string: text))
            } catch {
                throw lost("connection lost")
            }
        }

        /// One reply, single- or multi-line (`250-…` lines up to `250 …`).
        mutating func readReply() async throws -> (code: Int, lines: [String]) {
            var lines: [String] = []
            while true {
                while let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    let code = Int(line.prefix(3)) ?? 0
                    lines.append(String(line.dropFirst(4)))
                    if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                        return (code, lines)
                    }
                }
                let next: ByteBuffer?
                do {
                    next = try await inbound.next()
                } catch {
                    throw lost("connection lost")
                }
                guard var buffer = next else { throw lost("connection closed") }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
                if pending.utf8.count > 65_536 { throw lost("reply too long") }
            }
        }
    }
}

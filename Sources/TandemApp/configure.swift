import Fluent
import Foundation
import Leaf
import OpenAPIVapor
import TandemKit
import Vapor

/// Boots the application: database, templates, middleware, routes and commands.
/// Tests call this directly with their own settings.
public func configure(_ app: Application, settings: Settings) async throws {
    app.routes.defaultMaxBodySize = ByteCount(integerLiteral: settings.maxBodyBytes)
    // Feeds are the only outside fetch; `FeedDownload` follows redirects itself, checking
    // each new address before it goes there.
    app.http.client.configuration.redirectConfiguration = .disallow
    // A low work factor only in tests, where hashing speed matters and nothing is at stake.
    app.passwords.use(app.environment == .testing ? .bcrypt(cost: 4) : .bcrypt(cost: 12))
    let messages = try Localizer.load(from: app.directory.resourcesDirectory)
    app.tandem = TandemServices(
        settings: settings, messages: messages, metrics: HTTPMetrics(),
        audit: AuditLog(usesPostgres: settings.usesPostgres), tokenUse: TokenUseLog(), hub: MessageHub(),
        secrets: SharedSecrets(), heavyWork: HeavyWork(limit: 2))
    try app.useDatabase(settings)
    // After the databases, so that it runs before they close (shutdown goes in reverse).
    app.lifecycle.use(TokenUseFlush())
    app.lifecycle.use(OutboxWorker())
    app.lifecycle.use(MeetingRefreshWorker())
    app.lifecycle.use(MessageListener())
    app.lifecycle.use(MessageRetentionWorker())
    app.migrations.add(TandemMigrations.all)

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.leaf.tags["t"] = MessageTag()
    app.leaf.tags["day"] = DayTag()
    app.leaf.tags["onceKey"] = OnceKeyTag()

    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware(metrics: app.tandem.metrics))
    app.middleware.use(SecurityHeadersMiddleware(https: settings.secureCookies))
    app.middleware.use(TandemErrorMiddleware())
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SessionMiddleware())
    app.middleware.use(CSRFCookieMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(FormOnceMiddleware())

    try app.register(collection: HomeController())
    try app.register(collection: LanguageController())
    try app.register(collection: SetupController())
    try app.register(collection: SigninController())
    try app.register(collection: InvitationController())
    try app.register(collection: AccountController())
    try app.register(collection: OrganizationController())
    try app.register(collection: TwoFactorController())
    try app.register(collection: AdminController())
    try app.register(collection: MemberController())
    try app.register(collection: AuditController())
    try app.register(collection: ParticipantController())
    try app.register(collection: SessionNoteController())
    try app.register(collection: BillingController())
    try app.register(collection: AppointmentController())
    try app.register(collection: CalendarFeedController())
    try app.register(collection: ReminderController())
    try app.register(collection: OutreachController())
    try app.register(collection: ReportController())
    try app.register(collection: OwnMeetingController())
    try app.register(collection: MyMeetingsController())
    try app.register(collection: MeetingFeedController())
    try app.register(collection: MeetingController())
    try app.register(collection: MeetingSourceController())
    try app.register(collection: ResourceEditController())
    try app.register(collection: ResourceController())
    try app.register(collection: ReferralController())
    try app.register(collection: ConsentController())
    try app.register(collection: SharedController())
    try app.register(collection: DataRightsController())
    try app.register(collection: FamilyController())
    try app.register(collection: SafetyController())
    try app.register(collection: MessageController())
    try app.register(collection: HandoffController())
    try app.register(collection: ProgramController())
    try app.register(collection: ProgramJoinController())
    try app.register(collection: ProgramAdminController())
    try app.register(collection: TripController())
    try app.register(collection: CompanionController())
    try app.register(collection: SiteController())
    try app.register(collection: SiteFeedController())
    try app.register(collection: ArticleAdminController())
    try app.register(collection: EngagementController())
    try app.register(collection: AgreementController())
    try app.register(collection: CheckInController())
    try app.register(collection: RecoveryCapitalController())
    try app.register(collection: PlanController())
    try app.register(collection: ExportController())
    try app.register(collection: OperationsController())

    let api = app.grouped("api", "v1").grouped(APIRequestMiddleware())
    try APIHandler().registerHandlers(on: VaporTransport(routesBuilder: api))

    app.asyncCommands.use(SetupCommand(), as: "setup")
    app.asyncCommands.use(MigrateNowCommand(), as: "migrate")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(MeetingsCommand(), as: "meetings")
}

extension Application {
    /// Brings the database up to date and makes it ready to serve.
    public func prepareDatabase() async throws {
        try await autoMigrate()
        try await prepareSQLite()
    }
}

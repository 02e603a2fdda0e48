import Fluent

/// Settings kept one row per organization or person are read, then inserted when missing;
/// two requests at once (a double submit) can both find none. The one that loses the race
/// to the unique key runs again, finds the row and changes it, instead of failing.
func retryingOnUniqueConflict<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as any DatabaseError where error.isConstraintFailure {
        return try await body()
    }
}

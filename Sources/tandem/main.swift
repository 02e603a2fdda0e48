import TandemApp

// Before anything awaits: run Swift concurrency on the server's event loops.
TandemMain.useEventLoopsForConcurrency()
await TandemMain.run()

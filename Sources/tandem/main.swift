import TandemApp

await TandemMain.run()

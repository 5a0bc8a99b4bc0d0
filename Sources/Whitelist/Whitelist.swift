// Whitelist: see README.md, "Architecture".
enum WhitelistModule {}

// Policies: loaded in a later commit.
enum DepotPolicyModule {}

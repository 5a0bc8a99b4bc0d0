// Licensing: arrives in a later commit.
enum LicensingModule {}

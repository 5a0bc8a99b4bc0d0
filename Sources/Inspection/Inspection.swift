// Inspection: installer readers arrive in a later commit.
enum InspectionModule {}

// Signing: see README.md, "Architecture".
enum SigningModule {}

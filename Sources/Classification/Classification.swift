// Classification: see README.md, "Architecture".
enum ClassificationModule {}

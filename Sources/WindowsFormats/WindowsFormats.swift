// WindowsFormats: arrives in a later commit.
enum WindowsFormatsModule {}

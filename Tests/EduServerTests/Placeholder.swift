import Testing

@Suite struct EduServerPlaceholder {}
